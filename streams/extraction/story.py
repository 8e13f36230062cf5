"""The story: where and what the article is about, read from its lead and its body.

A figure whose sentence names no place is where the story is (``Story.place``); "the
country", "the capital" and national tallies are the story's country (``Story.country``);
a figure's event is its sentence's, else the lede's (``Story.event``).

``StoryReader`` holds the rules (they need the gazetteer, and the pipeline to parse the
title); ``Story`` is one article's answers. Each answer is read when first asked for and
then kept: on purpose, not only for speed. The place rules consult the names the article has
shown to be places (``locations.remember_place``), which grow sentence by sentence as the
claims are read, so the story's place depends on when it is first asked for; reading it up
front would change which places are known to it (and so the claims).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from streams.extraction import attribution
from streams.extraction.dateline import DATELINE
from streams.extraction.events import EVENT_FAMILIES, EVENT_NOUNS, same_family, sentence_event, story_event
from streams.extraction.locations import (
    PLACE_NOUNS,
    RANK,
    Loc,
    best_location,
    enclosing_place,
    in_source_phrase,
    loc_candidate,
    make_loc,
    speaker_setting,
    specificity,
    under_loc_prep,
)
from streams.extraction.places import Place

_BACKGROUND_MARKERS = frozenset({"after", "before", "since", "as"})


def _several_subplaces(cands: list[tuple[Place | None, str]], gaz: Any, listed: list[Place]) -> Loc | None:
    """The country when the lede lists places side by side inside one country ("across Osh,
    Jalal-Abad and Naryn regions"): no single one of them is where the story is."""
    places = list({p.code: p for p, _ in cands if p is not None}.values())
    if not listed or not places or len({p.country for p in places}) != 1 or any(p.kind == "country" for p in places):
        return None
    country = gaz.country(places[0].country)
    return make_loc(country, country.name) if country is not None else None


def _placed_in_headline(run: list[Token]) -> bool:
    """Whether a headline gives a name as where something happened: after a locative
    preposition ("floods in X"), struck ("storm batters X"), naming an event ("X floods", "X
    factory fire") or as the headline's label ("X: ...")."""
    last = run[-1]
    if under_loc_prep(last, None) or last.dep_ == "dobj":
        return True
    nxt = last.nbor(1) if last.i + 1 < len(last.doc) else None
    if run[0].i == 0 and nxt is not None and nxt.text == ":":
        return True
    if nxt is not None and nxt.lemma_.lower() in EVENT_NOUNS:
        return True  # "X heatwave:" however the parser reads a headline
    cur = last
    for _ in range(4):  # "X knitwear factory fire": through the nouns it modifies
        if cur.dep_ not in ("compound", "amod", "nmod", "poss") or cur.head == cur:
            return False
        cur = cur.head
        if cur.lemma_.lower() in EVENT_NOUNS:
            return True
    return False


def _names_an_event(run: list[Token]) -> bool:
    """ "the X attack", "X floods": a name right before an event noun is where the event
    happened, unless the name is the event's own ("Cyclone X", "Typhoon X kills")."""
    last = run[-1]
    nxt = last.nbor(1) if last.i + 1 < len(last.doc) else None
    if nxt is None or nxt.lemma_.lower() not in EVENT_NOUNS:
        return False
    return not any(t.lower_ in EVENT_NOUNS for t in run)


class StoryReader:
    """The rules that read an article's place from its lead (and, failing that, its body)."""

    def __init__(self, gaz: Any, parse: Callable[[str], Doc]) -> None:
        self._gaz = gaz
        self._parse = parse  # the pipeline, for the title

    def location(self, doc: Doc, title: str | None = None) -> Loc | None:
        """The event's place for claims whose sentence names none, read from the lead (the
        lede and the title): the most specific place the lede puts the event in ("quake in
        eastern Turkey", "in the Ikoyi district of Lagos"); when that is only the country (or
        the lede names no place of events), a finer place of that country the title names
        ("Floods in X province" over "floods in the country's north"). The dateline is where
        the reporter files from: it is the story's place only when the lead names none."""
        text = doc.user_data.get("cw_text") or doc.text
        m = DATELINE.match(text)
        start = m.end() if m else 0
        lede = next((s for s in doc.sents if s.end_char > start and s.text.strip()), None)
        # The lead's words: the dateline city is the scene only where the lead names it.
        lead = f"{title or ''}\n{text[max(start, lede.start_char) : lede.end_char]}" if lede is not None else None
        if lede is not None:
            cands: list[tuple[Place | None, str]] = []
            ranks: list[int] = []
            speakers: set[int] = set()
            listed: list[Place] = []
            for t in lede:
                if attribution.is_reporting(t):
                    subj = attribution.subject_of(t)
                    if subj is not None:
                        speakers |= {x.i for x in subj.subtree}
                        speakers |= speaker_setting(t)
            acc = attribution.according_to(lede)
            if acc is not None:
                speakers |= {x.i for x in acc.subtree}
            # "..., a day after Oman reported activity near Musandam": background, not the event.
            background = {
                x.i
                for t in lede
                if t.lower_ in _BACKGROUND_MARKERS and t.dep_ in ("prep", "mark")
                for x in (t.head.subtree if t.dep_ == "mark" else t.subtree)
            }
            if any(
                t.i not in background
                and t.i not in speakers
                and t.idx >= start
                and loc_candidate(t, self._gaz)
                and (under_loc_prep(t, None) or (t.dep_ == "dobj" and t.ent_type_ in ("GPE", "LOC")))
                for t in lede
                if t.ent_iob_ == "B"
            ):
                # (Only a place the main clause puts the event in: "X's coast guard rescued 40
                # after a boat capsized off Y" happened off Y.)
                speakers |= background
            for t in lede:
                if t.idx < start or t.i in speakers or not (t.ent_iob_ == "B" or t.pos_ == "PROPN"):
                    continue
                cand = loc_candidate(t, self._gaz)
                struck = t.dep_ == "dobj" and t.ent_type_ in ("GPE", "LOC")  # "battered northern Lebanon"
                if cand is None or not (under_loc_prep(t, None) or struck):
                    continue
                cands.append(cand)
                ranks.append(specificity(cand[0], cand[1], t))
                if any(c.pos_ == "PROPN" for c in t.conjuncts) and cand[0] is not None:
                    listed.append(cand[0])  # "across Osh, Jalal-Abad and Naryn": one of several
            spread = _several_subplaces(cands, self._gaz, listed)
            if spread is not None:
                return spread  # "across Osh, Jalal-Abad and Naryn regions": the country they are in
            loc = best_location(cands, ranks)
            if loc is None or (loc.place is not None and loc.place.kind == "country"):
                finer = self._headline_place(title, lede, loc, doc)
                if finer is None and loc is not None:
                    # "MADURAI, India - rain killed 14 in southern India ... around Madurai".
                    finer = self._dateline_within(loc, m, lead)
                if finer is not None:
                    return finer
            if loc is not None:
                return loc
        # No place in the lede: the place the article names most for events, and only then
        # the dateline ("WARSAW -" over a story about troops at the Lithuanian border).
        found = self.doc_location(doc)
        if found is not None:
            return self._dateline_within(found, m, lead) or found
        if m:
            place = self._gaz.resolve(m.group(1).strip().title())
            if place is not None:
                return make_loc(place, m.group(1).strip().title())
        return None

    def _headline_place(self, title: str | None, lede: Span, lede_loc: Loc | None, doc: Doc) -> Loc | None:
        """The title's place of the story when the lede gives only the country or no place:
        the finest name in the title that lies in that country, either a place the gazetteer
        knows ("Floods in X province") or a name the title gives an event ("the X attack")
        and the lede places inside the country ("residents of X, a village in Y").

        The country bounds the title (a capitalised headline word that is a town abroad is
        not the story's place); with no country in the lede, the title's own country or the
        article's most-named one is the bound."""
        if not title or not title.strip():
            return None
        head = self._parse(title)
        runs: list[list[Token]] = []
        for t in head:
            if t.is_alpha and t.text[:1].isupper() and not t.is_stop:
                if runs and runs[-1][-1].i == t.i - 1:
                    runs[-1].append(t)
                else:
                    runs.append([t])
        named: list[tuple[Place | None, str, list[Token]]] = []
        for run in runs:
            last = run[-1]
            if last.dep_ == "nsubj" and last.head.lemma_.lower() in attribution.SAY_LEMMAS:
                continue  # "Kabul says 19 killed in the north": the government speaking
            text = " ".join(t.text for t in run)
            named.append((self._gaz.resolve(text, allow_demonym=False), text, run))
        iso = lede_loc.place.country if lede_loc is not None and lede_loc.place is not None else None
        if iso is None:
            iso = next((p.country for p, _, _ in named if p is not None and p.kind == "country"), None)
        if iso is None:
            found = self.doc_location(doc)
            iso = found.place.country if found is not None and found.place is not None else None
        if iso is None:
            return None
        best: tuple[int, Loc] | None = None
        for p, text, run in named:
            if p is not None:
                if p.country != iso or (p.kind != "country" and not _placed_in_headline(run)):
                    continue  # "Capital pledges aid as floods hit X": a town that only acts
                rank, loc = RANK.get(p.kind, 0), make_loc(p, text)
            else:
                outer = self._lede_places_inside(text, lede, iso) if _names_an_event(run) else None
                if outer is None:
                    continue
                rank, loc = RANK.get(outer.kind, 0) + 1, make_loc(None, text)
            if best is None or rank > best[0]:
                best = (rank, loc)
        if best is None or best[0] <= 1:
            return None if lede_loc is not None else (best[1] if best is not None else None)
        return best[1]

    def _lede_places_inside(self, name: str, lede: Span, iso: str) -> Place | None:
        """The place of the country the lede puts ``name`` in ("X, a village in northern Y";
        "the X district of Y state"), or None when the lede does not place it there."""
        words = name.split()
        for t in lede:
            if t.text != words[-1] or lede.doc[max(lede.start, t.i - len(words) + 1) : t.i + 1].text != name:
                continue
            outer = enclosing_place(t)
            if outer is not None and outer.country == iso:
                return outer
        return None

    def _dateline_within(self, story: Loc, m: re.Match[str] | None, lead: str | None = None) -> Loc | None:
        """ "SYLHET, Bangladesh - floods in northeastern Bangladesh": when the lede only names a
        country, a dateline city inside it is the scene, unless it is the capital (where wire
        bureaus file from: "ANKARA - ... quake in eastern Turkey" is not in Ankara). With
        ``lead`` (the title and lede), only if the lead names the city itself: a city the
        story mentions only further down is where the reporter is, not the event."""
        if m is None or story.place is None or story.place.kind != "country":
            return None
        name = m.group(1).strip().title()
        place = self._gaz.resolve(name, allow_demonym=False)
        if place is None or place.kind == "country" or place.country != story.place.country:
            return None
        capital = self._gaz.capital(place.country)
        if capital is not None and capital.code == place.code:
            return None
        text = m.string[m.end() :] if lead is None else lead
        if not re.search(rf"\b{re.escape(name)}\b", text):
            return None  # a bureau city the story never mentions again ("ISTANBUL - a quake in Turkey")
        return make_loc(place, name)

    def doc_location(self, doc: Doc) -> Loc | None:
        """The article's main place: the resolved place most often named after a locative
        preposition ("in Nepal", "to the streets of Buenos Aires"), not as a speaker's
        home ("U.S. officials", "Officials in Seoul said")."""
        counts: Counter[str] = Counter()
        places: dict[str, Place] = {}
        for t in doc:
            if not (t.ent_iob_ == "B" or t.pos_ == "PROPN"):
                continue
            cand = loc_candidate(t, self._gaz)
            if cand is None or cand[0] is None or in_source_phrase(t):
                continue
            if under_loc_prep(t, None):
                weight = 2
            elif t.ent_type_ in ("GPE", "LOC") and not (
                t.dep_ in ("compound", "amod", "nmod") and t.head.lemma_.lower() not in PLACE_NOUNS
            ):
                weight = 1  # "struck southern Turkey", "Morocco's strongest earthquake"
            else:
                continue  # "U.S. officials": a modifier of someone, not a place of events
            counts[cand[0].code] += weight
            places[cand[0].code] = cand[0]
        if not counts:
            # Last resort: the speaker's place ("the mayor of Mosul said").
            for t in doc:
                if t.ent_iob_ == "B" or t.pos_ == "PROPN":
                    cand = loc_candidate(t, self._gaz)
                    if cand is not None and cand[0] is not None and t.dep_ == "pobj":
                        counts[cand[0].code] += 1
                        places[cand[0].code] = cand[0]
        if not counts:
            return None
        # Aggregate by country; a single sub-place stands for it only if nothing else is named.
        by_country: Counter[str] = Counter()
        for code, n in counts.items():
            by_country[places[code].country] += n
        country = by_country.most_common(1)[0][0]
        inside = [code for code in counts if places[code].country == country]
        if len(inside) == 1:
            p = places[inside[0]]
        else:
            p = self._gaz.country(country) or places[max(inside, key=lambda c: counts[c])]
        return Loc(p.name, p.slug, p)


_UNREAD: Any = object()


@dataclass
class Story:
    """One article's story place, country and lede event, each read when first asked for
    (see the module's docstring for why not before) and then kept."""

    reader: StoryReader
    gaz: Any
    doc: Doc
    title: str | None
    _place: Any = field(default=_UNREAD, repr=False)
    _iso: str | None = field(default=None, repr=False)  # "" once looked up and not found
    _event: str | None = field(default=None, repr=False)  # "" once looked up and not found

    def place(self) -> Loc | None:
        """The event's place for claims whose sentence names none (``StoryReader.location``)."""
        if self._place is _UNREAD:
            self._place = self.reader.location(self.doc, self.title)
        found: Loc | None = self._place
        return found

    def country(self) -> str | None:
        """The country the story happens in: the lede place's, else the dateline's, else
        the most-named one."""
        story = self.place()
        if story is not None and story.place is not None:
            return story.place.country
        if self._iso is None:  # (looked up once: the document scan is not cheap)
            m = DATELINE.match(self.doc.user_data.get("cw_text") or "")
            place = self.gaz.resolve(m.group(1).strip().title()) if m else None
            if place is None:
                place = getattr(self.reader.doc_location(self.doc), "place", None)
            self._iso = place.country if place is not None else ""
        return self._iso or None

    def country_loc(self) -> Loc | None:
        """The story's country as a place (for figures about the whole country)."""
        iso = self.country()
        p = self.gaz.country(iso) if iso else None
        return make_loc(p, p.name) if p is not None else None

    def event(self, sent: Span) -> str | None:
        """The event a figure belongs to: its sentence's, else the lede's; a sentence word of
        the lede's family ("the storm" in a cyclone story) is the lede's event."""
        ev = sentence_event(sent)
        if ev is not None and ev not in EVENT_FAMILIES:
            return ev  # (the lede's event is looked up only when needed: the scan is not cheap)
        if self._event is None:
            m = DATELINE.match(self.doc.user_data.get("cw_text") or "")
            self._event = story_event(self.doc, m.end() if m else 0) or ""
        if ev is not None and not (self._event and same_family(ev, self._event)):
            return ev
        return self._event or ev
