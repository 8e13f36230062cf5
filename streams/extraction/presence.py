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
                            "information", "footage", "confirmation", "proof", "sighting"})  # fmt: skip


PRESENCE_VERBS = frozenset({"deploy", "arrive", "send", "station", "be", "operate", "fight",
                             "base", "position", "move", "transfer", "dispatch", "show", "confirm",
                             "train", "see", "spot", "locate", "gather", "mass", "enter",
                             "cross", "reach", "land", "report", "observe", "detect", "track",
                             "sight", "monitor", "patrol", "sail", "violate", "fly", "penetrate", "anchor",
                             "dock", "moor", "dig", "entrench", "remain", "stay", "travel", "redeploy",
                             "relocate", "assemble", "concentrate", "converge", "garrison", "return", "post",
                             "guard"})  # fmt: skip
# Verbs of taking ground place their subject, never their passive subject ("troops occupied
# the heights above X" places them; "soldiers were captured near X" does not).
TAKING_VERBS = frozenset({"occupy", "seize", "capture", "storm", "overrun", "infiltrate", "encircle", "surround"})
# Locatives of position beside those every place phrase has ("the heights above X").
_PRESENCE_PREPS = LOC_PREPS | {"above", "below", "beneath", "beside", "behind", "beyond", "outside"}
# "vessels had entered the strait", "troops had occupied the heights above X": the place is the object.
_ENTRY_VERBS = frozenset({"enter", "cross", "reach", "patrol", "violate", "penetrate", "occupy", "seize",
                          "capture", "storm", "overrun", "infiltrate", "encircle", "surround"})  # fmt: skip
# Posts a force sets up where it is: "took up positions around X", "set up checkpoints in X".
_POST_NOUNS = frozenset({"position", "checkpoint", "camp", "roadblock", "outpost", "base", "trench", "foothold"})
# "Kenya has no forces in Somalia", "it keeps 300 advisers in X": the holder's forces are where
# the verb's locative says (only with the force as object: "troops have a base" is not this).
_HOLDING_VERBS = frozenset({"have", "keep", "maintain"})
# "any of its troops had crossed", "none of our soldiers were in X": the quantifier stands in
# the clause for the force it picks out.
_PARTITIVES = frozenset({"any", "none", "some", "one", "all", "each", "several", "many", "most"})


def stand_in(m: Token) -> Token:
    """The token that fills the force's slot in its clause: "any" in "any of its troops had
    crossed into X" (the force itself is only the object of "of")."""
    if m.dep_ == "pobj" and m.head.lower_ == "of" and m.head.head.lower_ in _PARTITIVES:
        return m.head.head
    return m


def predicate_of(slot: Token) -> Token:
    """The verb a force is the subject of. "Tajik troops backed by armoured vehicles had
    occupied the heights": the small model reads "troops backed" as a clause of its own and
    leaves "occupied" without a subject; a bare participle with an agent and no auxiliary is
    the force's modifier, and the subjectless verb after it is the force's predicate."""
    v = slot.head
    if slot.dep_ != "nsubj" or v.tag_ != "VBN" or v.dep_ not in ("ccomp", "conj"):
        return v
    if not any(c.dep_ == "agent" for c in v.children) or any(c.dep_ in ("aux", "auxpass") for c in v.children):
        return v
    nxt = next(
        (
            c
            for c in v.head.children
            if c.i > v.i and c.dep_ in ("ccomp", "conj") and c.pos_ == "VERB"
            and not any(x.dep_ in ("nsubj", "nsubjpass") for x in c.children)
        ),
        None,
    )
    return nxt if nxt is not None else v


def takes_posts(v: Token) -> bool:
    """ "took up positions", "set up checkpoints", "established a base", "set foot in": a verb
    whose object is a post the subject holds."""
    lem = v.lemma_.lower()
    if lem == "set" and any(c.dep_ == "dobj" and c.lower_ == "foot" for c in v.children):
        return True  # "no soldier had set foot in X": where the feet are is where the force is
    return lem in ("take", "set", "establish", "build", "man", "hold") and any(
        c.dep_ == "dobj" and c.lemma_.lower() in _POST_NOUNS for c in v.children
    )


def with_places(v: Token, gaz: Any, skip: set[int]) -> list[tuple[Place | None, str]]:
    """ "had been with the soldiers in Namur": the company one keeps places one, so the place
    of the group after "with" is the force's place too."""
    out: list[tuple[Place | None, str]] = []
    for c in v.children:
        if c.dep_ == "prep" and c.lower_ == "with":
            for o in c.children:
                if o.dep_ == "pobj":
                    for cc in o.children:
                        if cc.dep_ == "prep" and cc.lower_ in LOC_PREPS:
                            out += cands_in(cc, gaz, skip)
    return out


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
    top = holders[-1]
    if top.dep_ == "attr" and top.head.lemma_ == "be" and any(c.dep_ == "expl" for c in top.head.children):
        holders.append(top.head)  # "there had been no sightings of troops | in X": the place on "been"
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
    slot = stand_in(m)
    if slot.dep_ in ("nsubj", "nsubjpass", "dobj") and slot.head.pos_ in ("VERB", "AUX"):
        v = predicate_of(slot)
        holding = slot.dep_ == "dobj" and v.lemma_.lower() in _HOLDING_VERBS
        taking = slot.dep_ == "nsubj" and v.lemma_.lower() in TAKING_VERBS
        # "fighters had taken up positions around X", "set up checkpoints near X": the posts' place.
        posts = [c for c in v.children if c.dep_ == "dobj" and c.lemma_.lower() in _POST_NOUNS]
        held = slot.dep_ == "nsubj" and takes_posts(v)
        if not held:
            posts = []
        if v.lemma_.lower() in PRESENCE_VERBS or holding or taking or held:
            # "troops are in Libya", "troops are present in Libya" (the place on the adjective)
            heads = [v, *posts, *[c for c in v.children if c.dep_ in ("acomp", "advmod") and c.lower_ in _THERE_WORDS]]
            if v.lemma_.lower() in OBSERVING_VERBS:
                # "troops were spotted crossing into X": what they were seen doing places them.
                heads += [c for c in v.children if c.dep_ in ("xcomp", "advcl", "ccomp") and c.tag_ == "VBG"]
            for c in [c for h in heads for c in h.children]:
                # "anchored off X": a particle; "sent troops to X": a dative
                if c.dep_ in ("prep", "prt", "dative") and c.lower_ in _PRESENCE_PREPS:
                    cands += cands_in(c, gaz, nat_tokens)
                elif c.dep_ == "dobj" and slot.dep_ == "nsubj" and v.lemma_.lower() in _ENTRY_VERBS:
                    # One place: "the Red Sea port of Hodeidah" is Hodeidah, not also the Red Sea.
                    found = [x for x in (loc_candidate(t, gaz) for t in c.subtree) if x is not None]
                    cands += found[-1:]
            if not cands and slot.dep_ in ("nsubj", "nsubjpass"):
                cands = with_places(v, gaz, nat_tokens)
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


def sighted(m: Token) -> bool:
    """ "troops had been seen near X": the force is the passive subject of a sighting."""
    m = stand_in(m)
    return m.dep_ == "nsubjpass" and m.head.lemma_.lower() in OBSERVING_VERBS


def is_asserted(wrapper: Token) -> bool:
    """False when the mention is only presupposed: the subject of some other predicate
    ("reports of troops ... bring a new quality"), or buried in a prepositional phrase
    ("concerns over the reports of troops")."""
    wrapper = stand_in(wrapper)
    dep = wrapper.dep_
    head = predicate_of(wrapper)
    if dep == "nsubjpass" and head.lemma_.lower() in OBSERVING_VERBS and wrapper.lemma_.lower() not in WRAPPER_NOUNS:
        return True  # "troops were seen near X": a sighting (not "reports were confirmed")
    if dep == "nsubj" and (head.lemma_.lower() in TAKING_VERBS or takes_posts(head)):
        return True
    if dep in ("nsubj", "nsubjpass"):
        return head.lemma_.lower() in PRESENCE_VERBS - OBSERVING_VERBS
    return dep != "pobj"


# Place nouns that stand for a place named earlier ("in the city", "entered the strait").
_BARE_PLACES = frozenset({"city", "town", "village", "district", "province", "region", "county", "state",
                          "strait", "island", "port", "peninsula", "gulf", "area", "site", "scene"})  # fmt: skip
# Places named by what happened there ("the mine site", "the crash scene"): a compound is
# their kind of event, not a name.
_EVENT_PLACES = frozenset({"site", "scene"})
# "it had sent no personnel to the area": the place a force is sent to.
_SENDING_VERBS = frozenset({"send", "deploy", "dispatch", "move", "transfer", "station"})


def bare_place_of(m: Token) -> Token | None:
    """The unnamed place a force is said to be in ("units had been in the city", "vessels
    had entered the strait", "there were no foreign troops in the area"), for the caller to resolve
    to the place named before."""
    m = stand_in(m)
    v = m.head
    sent_there = m.dep_ == "dobj" and v.lemma_.lower() in _SENDING_VERBS
    existential = m.dep_ == "attr" and v.lemma_ == "be" and any(c.dep_ == "expl" for c in v.children)
    if existential:
        heads = [m, v]  # "there were no troops in the area"
    elif sent_there:
        heads = [v]
    elif m.dep_ == "nsubj" and v.lemma_.lower() in TAKING_VERBS:
        heads = [v]  # "fighters had overrun the town"
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
            named_by: tuple[str, ...] = ("amod", "prep", "poss")
            if o.lemma_.lower() not in _EVENT_PLACES:
                named_by = ("compound", *named_by)
            if (
                o.lemma_.lower() in _BARE_PLACES
                and any(k.dep_ == "det" and k.lower_ in ("the", "this") for k in kids)
                and not any(k.dep_ in named_by for k in kids)
            ):
                return o
    return None
