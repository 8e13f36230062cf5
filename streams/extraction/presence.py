"""Presence claims: is a force said to be somewhere, or only presupposed to be?

"There was evidence of North Korean troops in Russia" and "troops have been
deployed in Russia" place the subject; "reports of troops in Russia bring a
new quality" and "concerns over the reports of troops" only presuppose it.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Token

from streams.extraction.locations import LOC_PREPS, Loc, best_location, cands_in, loc_candidate, make_loc
from streams.extraction.places import Place

WRAPPER_NOUNS = frozenset({"report", "evidence", "presence", "deployment", "arrival", "sign",
                            "indication", "claim", "allegation", "rumor", "rumour", "news",
                            "information", "footage", "confirmation", "proof"})  # fmt: skip


PRESENCE_VERBS = frozenset({"deploy", "arrive", "send", "station", "be", "operate", "fight",
                             "base", "position", "move", "transfer", "dispatch", "show", "confirm",
                             "train", "see", "spot", "locate", "gather", "mass", "enter",
                             "cross", "reach", "land", "report", "observe", "detect", "track",
                             "sight", "monitor", "patrol", "sail", "violate", "fly", "penetrate", "anchor",
                             "dock", "moor", "dig", "entrench", "remain", "stay"})  # fmt: skip
# "vessels had entered the strait": the place is the object.
_ENTRY_VERBS = frozenset({"enter", "cross", "reach", "patrol", "violate", "penetrate"})


_THERE_WORDS = frozenset({"present", "active", "stationed", "deployed", "based", "still"})
OBSERVING_VERBS = frozenset({"show", "confirm", "report", "see", "observe", "spot", "detect", "track", "sight",
                             "monitor"})  # fmt: skip


def listed_places(cands: list[tuple[Place | None, str]]) -> list[Loc]:
    """Every place of a list ("in three territories, Rutshuru, Masisi and Nyiragongo"), one
    each; a place inside another named one ("Kursk, Russia"; "Russian soil near Sudzha", a
    town the gazetteer may not know) is not a separate item."""
    locs: list[Loc] = []
    for p, t in cands:
        if (
            p is not None
            and p.kind == "country"
            and any(q is None or q.kind != "country" for q, _ in cands)
        ):
            continue  # "on Armenian soil near Jermuk": a place in the country, not another item
        loc = make_loc(p, t)
        if all(x.slug != loc.slug for x in locs):
            locs.append(loc)
    return locs


def _finest(cands: list[tuple[Place | None, str]]) -> Loc | None:
    """The most specific place; a name the gazetteer does not know beside a country ("on
    Ukrainian soil near Hlyboke") is a place in it, finer than the country."""
    loc = best_location(cands)
    if loc is not None and loc.place is not None and loc.place.kind == "country":
        unknown = next((t for p, t in cands if p is None), None)
        if unknown is not None:
            return make_loc(None, unknown)
    return loc


def presence_places(m: Token, gaz: Any) -> tuple[Token, list[Loc], Token] | None:
    """Where a troop mention is placed, and by what: (predicate, places, wrapper); the
    most specific place first, then the other items of a list of places.

    The wrapper is the phrase whose grammatical role decides whether the
    presence == asserted or only presupposed ("reports of troops in Russia
    bring a new quality" presupposes; "there was evidence of troops in Russia"
    asserts).
    """
    nat_tokens = {t.i for c in m.lefts for t in c.subtree}
    wrapper = m
    if m.dep_ == "pobj" and m.head.lower_ == "of" and m.head.head.lemma_.lower() in WRAPPER_NOUNS:
        wrapper = m.head.head
    # Location directly on the mention ("troops in Russia", "troops arriving in Russia").
    cands: list[tuple[Place | None, str]] = []
    holders = [m] if wrapper == m else [m, wrapper]
    for c in [c for h in holders for c in h.rights]:
        if c.dep_ == "prep" and c.lower_ in LOC_PREPS:
            cands += cands_in(c, gaz, nat_tokens)
        if c.dep_ in ("acl", "relcl") and wrapper != m:
            for cc in c.children:
                if cc.dep_ == "prep" and cc.lower_ in LOC_PREPS:
                    cands += cands_in(cc, gaz, nat_tokens)
    if cands and m.dep_ == "dobj" and m.head.lemma_.lower() in OBSERVING_VERBS:
        # "had seen no troops inside Armenia near Jermuk": the sighting's place narrows it.
        for c in m.head.rights:
            if c.dep_ == "prep" and c.lower_ in LOC_PREPS and c.i > m.i:
                cands += cands_in(c, gaz, nat_tokens)
    loc = _finest(cands)
    if loc is not None:
        pred = m
        if m.head.pos_ in ("VERB", "AUX"):
            pred = m.head
        elif wrapper != m:
            pred = wrapper.head if wrapper.head.pos_ in ("VERB", "AUX") else wrapper
        return pred, _places(loc, cands), wrapper
    if m.dep_ in ("nsubj", "nsubjpass", "dobj") and m.head.pos_ in ("VERB", "AUX"):
        v = m.head
        if v.lemma_.lower() in PRESENCE_VERBS:
            # "troops are in Libya", "troops are present in Libya" (the place on the adjective)
            heads = [v, *[c for c in v.children if c.dep_ in ("acomp", "advmod") and c.lower_ in _THERE_WORDS]]
            for c in [c for h in heads for c in h.children]:
                if c.dep_ in ("prep", "prt") and c.lower_ in LOC_PREPS:  # "anchored off X": a particle
                    cands += cands_in(c, gaz, nat_tokens)
                elif c.dep_ == "dobj" and m.dep_ == "nsubj" and v.lemma_.lower() in _ENTRY_VERBS:
                    # One place: "the Red Sea port of Hodeidah" is Hodeidah, not also the Red Sea.
                    found = [x for x in (loc_candidate(t, gaz) for t in c.subtree) if x is not None]
                    cands += found[-1:]
            loc = _finest(cands)
            if loc is not None:
                # "reports that troops had arrived in Russia": the clause hangs off the reports.
                if v.dep_ in ("acl", "relcl", "ccomp", "appos") and v.head.lemma_.lower() in WRAPPER_NOUNS:
                    return v, _places(loc, cands), v.head
                return v, _places(loc, cands), m
    return None


def presence_predicate(m: Token, gaz: Any) -> tuple[Token, Loc, Token] | None:
    """Where a troop mention is placed (the most specific place only)."""
    found = presence_places(m, gaz)
    return None if found is None else (found[0], found[1][0], found[2])


def _places(best: Loc, cands: list[tuple[Place | None, str]]) -> list[Loc]:
    rest = [x for x in listed_places(cands) if x.slug != best.slug]
    return [best, *rest]


def is_asserted(wrapper: Token) -> bool:
    """False when the mention is only presupposed: the subject of some other predicate
    ("reports of troops ... bring a new quality"), or buried in a prepositional phrase
    ("concerns over the reports of troops")."""
    dep = wrapper.dep_
    head = wrapper.head
    if dep in ("nsubj", "nsubjpass"):
        return head.lemma_.lower() in PRESENCE_VERBS - OBSERVING_VERBS
    return dep != "pobj"


# Place nouns that stand for a place named earlier ("in the city", "entered the strait").
_BARE_PLACES = frozenset({"city", "town", "village", "district", "province", "region", "county", "state",
                          "strait", "island", "port", "peninsula", "gulf", "area"})  # fmt: skip


def bare_place_of(m: Token) -> Token | None:
    """The unnamed place a force is said to be in ("units had been in the city", "vessels
    had entered the strait", "there were no foreign troops in the area"), for the caller to resolve
    to the place named before."""
    v = m.head
    existential = m.dep_ == "attr" and v.lemma_ == "be" and any(c.dep_ == "expl" for c in v.children)
    if existential:
        heads = [m, v]  # "there were no troops in the area"
    elif m.dep_ not in ("nsubj", "nsubjpass") or v.lemma_.lower() not in PRESENCE_VERBS - OBSERVING_VERBS:
        return None
    else:
        heads = [v, *[c for c in v.children if c.dep_ in ("acomp", "advmod") and c.lower_ in _THERE_WORDS]]
    for c in [c for h in heads for c in h.children]:
        objs: list[Token] = []
        if c.dep_ == "prep" and c.lower_ in LOC_PREPS:
            objs = [p for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ == "dobj" and v.lemma_.lower() in _ENTRY_VERBS:
            objs = [c]
        for o in objs:
            kids = list(o.children)
            if (
                o.lemma_.lower() in _BARE_PLACES
                and any(k.dep_ == "det" and k.lower_ in ("the", "this") for k in kids)
                and not any(k.dep_ in ("compound", "amod", "prep", "poss") for k in kids)
            ):
                return o
    return None
