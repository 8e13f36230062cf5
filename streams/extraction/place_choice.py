"""Where a figure is, chosen by a small trained model among the places the article names.

The rule cascade in ``extractor`` proposes one place per figure (the clause's place, the
place "there" points at, the story's place, ...). On stories the rules were not built from
it picks the wrong one about as often as the right one: the country of the lede where the
sentence names the town, the neighbouring region named in the same sentence, the speaker's
city. So the rules' pick becomes one candidate among every place the article puts near the
figure (its sentence, the two before it, the lede, the title, the story's place and
country), each described by a few parse and discourse features, and a logistic model
trained on the annotated sets (``make train``, ``streams.training.place_choice``) scores
them. The rule's pick is kept unless another candidate beats it by the model's margin, so
the model only overrides the cascade where the data says it is wrong.

Pure functions over a parsed document: no state survives an article. The model is a JSON
file of weights checked in beside this module; scoring is a dot product, so the runtime
needs neither scikit-learn nor a download.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from streams.extraction import attribution
from streams.extraction.locations import (
    Loc,
    article_countries,
    circumstances,
    is_building,
    is_event_name,
    make_loc,
    other_clauses,
    parts_elsewhere,
    speaker_setting,
    specificity,
    under_loc_prep,
)
from streams.extraction.places import Place, gazetteer

MODEL_PATH = Path(__file__).with_name("models") / "place_choice.json"

# The rules of ``figures._figure_place`` that can place a figure, in cascade order.
RULES = ("clause", "place_subject", "deictic", "facility", "earlier", "jurisdiction", "official",
         "national", "sentence", "carried", "story", "other")  # fmt: skip
_PREPS = ("in", "at", "near", "of", "to", "from", "across", "on", "into", "around", "off")
# Features of the rules' pick every alternative also sees.
_RULE_CONTEXT = ("in_sent", "located_in_sent", "speaker_in_sent", "in_title", "named_in_title", "is_story",
                 "is_country", "in_lede", "finest_in_lede", "in_prev1", "weak_only", "bare_unknown_name")  # fmt: skip
# Words of a sentence that say what kind of place its figure is about (data, one owner here).
_CUES = {
    "national": frozenset({"nationwide", "national", "countrywide", "nationally"}),
    "facility": frozenset({"hospital", "clinic", "centre", "center", "morgue", "camp", "shelter"}),
    "capital": frozenset({"capital"}),
    "across": frozenset({"across", "throughout"}),
}


def _sentence_cues(sent: Span) -> list[str]:
    words = {t.lower_ for t in sent}
    return [name for name, cue in _CUES.items() if words & cue]


@dataclass(frozen=True)
class Mention:
    """One place named in the article body, with where and how it is named."""

    sent: int  # the sentence's number, from 0
    tok: int  # the token index in the document
    loc: Loc
    prep: str  # the preposition governing the name ("" when none)
    located: bool  # under a locative preposition (``under_loc_prep``)
    speaker: bool  # inside the speaker's phrase or setting ("officials in Seoul said")
    rank: int  # ``specificity``
    weak: bool = False  # a capitalised name under a locative preposition the gazetteer rules do not take
    possessive: bool = False  # "Doolow's hospital"
    listed: bool = False  # one of several places named together ("across Osh, Jalal-Abad and Naryn")


@dataclass
class Inventory:
    """Every place an article names, read once per article."""

    mentions: list[Mention] = field(default_factory=list)
    sent_of: dict[int, int] = field(default_factory=dict)  # sentence start token -> number
    lede: int = 0
    story: Loc | None = None
    country: Loc | None = None
    title: list[Loc] = field(default_factory=list)
    title_text: str | None = None
    dateline: Loc | None = None  # the city the reporter files from


@dataclass(frozen=True)
class Candidate:
    loc: Loc
    features: dict[str, float]


def _prep_of(tok: Token) -> str:
    cur = tok
    for _ in range(4):
        if cur.dep_ == "pobj":
            return cur.head.lower_
        if cur.head == cur:
            break
        cur = cur.head
    return ""


def _speaker_tokens(sent: Span) -> set[int]:
    out: set[int] = set()
    for t in sent:
        if t.pos_ == "VERB" and attribution.is_reporting(t):
            subj = attribution.subject_of(t)
            if subj is not None:
                out |= {x.i for x in subj.subtree}
            out |= speaker_setting(t)
    acc = attribution.according_to(sent)
    if acc is not None:
        out |= {x.i for x in acc.subtree}
    return out


_WEAK_PREPS = frozenset({"in", "at", "near", "around", "outside", "inside", "into", "across", "from", "off"})
_NOT_PLACES = frozenset({"PERSON", "ORG", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})


def weak_place(tok: Token) -> bool:
    """A capitalised name governed by a locative preposition ("around Birao", "at Um Dafok")
    that the place rules did not take: a candidate the model may weigh, never a rule's pick."""
    return (
        tok.pos_ == "PROPN"
        and tok.dep_ == "pobj"
        and tok.head.lower_ in _WEAK_PREPS
        and tok.text[:1].isupper()
        and tok.ent_type_ not in _NOT_PLACES
        and not is_building(name_run(tok))  # "at Wardha District Hospital" is in Wardha
        and not is_event_name(name_run(tok))
    )


def name_run(tok: Token) -> str:
    """The whole name a token ends: its entity, else its proper-noun compounds."""
    if tok.ent_type_ and tok.ent_iob_ in ("B", "I"):
        ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None:
            return ent.text
    words = [t.text for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
    return " ".join([*words, tok.text])


def weak_loc(tok: Token, gaz: Any) -> Loc:
    """The place a weak name stands for: the gazetteer's reading (the namesake in the
    article's countries first) when it has one, else the name as written."""
    name = name_run(tok)
    place = gaz.resolve(name, allow_demonym=False)
    if place is not None:
        place = gaz.namesake(place, article_countries(tok.doc, gaz)) or place
    return make_loc(place, name)


def sentence_mentions(
    sent: Span, number: int, found: Iterable[tuple[Token, Loc]], *, weak: bool = False
) -> list[Mention]:
    """The mentions of one sentence, from the (token, place) pairs the extractor noted."""
    speakers: set[int] | None = None
    out: list[Mention] = []
    for tok, loc in found:
        if speakers is None:
            speakers = _speaker_tokens(sent)
        out.append(
            Mention(
                sent=number,
                tok=tok.i,
                loc=loc,
                prep=_prep_of(tok),
                located=under_loc_prep(tok, None),
                speaker=tok.i in speakers,
                rank=specificity(loc.place, loc.name, tok),
                weak=weak,
                possessive=tok.dep_ == "poss" or any(c.dep_ == "case" for c in tok.children),
                listed=any(c.pos_ == "PROPN" for c in tok.conjuncts),
            )
        )
    return out


def title_places(title: str | None) -> list[Loc]:
    """Places a headline names: capitalised runs of one to three words the gazetteer knows."""
    if not title:
        return []
    gaz = gazetteer()
    words = [w.strip(".,:;!?\"'()’‘“”") for w in title.replace("—", " ").replace("–", " ").split()]
    out: list[Loc] = []
    i = 0
    while i < len(words):
        hit = 0
        for n in (3, 2, 1):
            chunk = [w for w in words[i : i + n] if w]
            if len(chunk) != n or not all(w[:1].isupper() for w in chunk):
                continue
            text = " ".join(chunk)
            place = gaz.resolve(text, allow_demonym=False)
            if place is not None:
                out.append(make_loc(place, text))
                hit = n
                break
        i += hit or 1
    return out


def _inside(outer: Place | None, inner: Place | None) -> bool:
    if outer is None or inner is None or outer.code == inner.code:
        return False
    return gazetteer().contains(outer, inner)


def candidates(
    doc: Doc,
    sent: Span,
    anchor: int | None,
    rule_loc: Loc | None,
    rule: str,
    inv: Inventory,
) -> list[Candidate]:
    """Every place the figure could be in, with its features; the rule's pick first."""
    number = inv.sent_of.get(sent.start, -1)
    head = doc[anchor] if anchor is not None else sent.root
    clause = head
    while clause.pos_ not in ("VERB", "AUX") and clause.head != clause:
        clause = clause.head
    clause_span = {t.i for t in clause.subtree}
    # What the place rules set aside inside the clause: another statement or relative clause,
    # a part of the figure placed elsewhere ("three in X and two in Y"), the circumstances.
    aside = other_clauses(clause) | parts_elsewhere(clause, head) | circumstances(clause, head)
    found: dict[str, tuple[Loc, dict[str, float]]] = {}

    def entry(loc: Loc) -> dict[str, float]:
        if loc.slug not in found:
            found[loc.slug] = (loc, {})
        return found[loc.slug][1]

    def mark(f: dict[str, float], name: str, value: float = 1.0) -> None:
        f[name] = max(f.get(name, 0.0), value)

    if rule_loc is not None:
        mark(entry(rule_loc), "is_rule")
    lede_finest = max((m.rank for m in inv.mentions if m.sent == inv.lede and m.located and not m.speaker), default=0)
    counts: dict[str, int] = {}
    for m in inv.mentions:
        counts[m.loc.slug] = counts.get(m.loc.slug, 0) + 1
    for m in inv.mentions:
        back = number - m.sent
        if back == 0:
            f = entry(m.loc)
            mark(f, "in_sent")
            if m.weak:
                mark(f, "weak_in_sent")
            if m.located and not m.speaker:
                mark(f, "located_in_sent")
            if m.speaker:
                mark(f, "speaker_in_sent")
            if m.tok in clause_span and not m.speaker:
                mark(f, "in_clause")
            if m.tok in aside:
                mark(f, "set_aside")  # the rules read it as about something else
            prep = m.prep if m.prep in _PREPS else ("other" if m.prep else "none")
            if m.possessive:
                mark(f, "possessive")  # "Doolow's district hospital", "Belgrade's emergency service"
            if m.listed:
                mark(f, "listed")  # one of several: the figure may be about all of them
            mark(f, f"prep_{prep}")
            dist = abs(m.tok - head.i)
            mark(f, "near_3" if dist <= 3 else "near_8" if dist <= 8 else "near_15" if dist <= 15 else "far")
            mark(f, "before_anchor" if m.tok < head.i else "after_anchor")
        elif back in (1, 2):
            f = entry(m.loc)
            mark(f, f"in_prev{back}")
            if m.located and not m.speaker:
                mark(f, f"located_prev{back}")
        elif m.sent == inv.lede:
            mark(entry(m.loc), "in_lede")
        elif m.located and not m.speaker and not m.weak:
            mark(entry(m.loc), "elsewhere")  # named for events somewhere else in the article
        if m.sent == inv.lede and m.loc.slug in found:
            f = found[m.loc.slug][1]
            mark(f, "in_lede")
            if m.located and not m.speaker:
                mark(f, "located_in_lede")
                if m.rank >= lede_finest:
                    mark(f, "finest_in_lede")
                if m.listed:
                    mark(f, "listed_in_lede")
    for loc in inv.title:
        mark(entry(loc), "in_title")
    title = (inv.title_text or "").lower()
    if inv.story is not None:
        mark(entry(inv.story), "is_story")
    if inv.country is not None:
        mark(entry(inv.country), "is_country")
    if inv.dateline is not None:
        mark(entry(inv.dateline), "is_dateline")
    story_iso = inv.story.place.country if inv.story is not None and inv.story.place is not None else None
    in_sent_places = [loc.place for loc, f in found.values() if f.get("in_sent") and loc.place is not None]
    cues = _sentence_cues(sent)
    rule_f = found[rule_loc.slug][1] if rule_loc is not None and rule_loc.slug in found else {}
    rule_kind = rule_loc.place.kind if rule_loc is not None and rule_loc.place is not None else "unknown"
    out: list[Candidate] = []
    for slug, (loc, f) in found.items():
        p = loc.place
        kind = p.kind if p is not None else "unknown"
        f[f"kind_{kind}"] = 1.0
        if title and loc.name.split()[0].lower() in title:
            f["named_in_title"] = 1.0
        if loc.place is None and len(loc.name.split()) == 1:
            f["bare_unknown_name"] = 1.0
        if all(m.weak for m in inv.mentions if m.loc.slug == slug) and any(m.loc.slug == slug for m in inv.mentions):
            f["weak_only"] = 1.0
        ranks = [m.rank for m in inv.mentions if m.loc.slug == slug]
        f["rank"] = (max(ranks) if ranks else specificity(p, loc.name)) / 4.0
        f["log_count"] = math.log1p(counts.get(slug, 0))
        if rule_loc is not None and slug != rule_loc.slug:
            if _inside(rule_loc.place, p):
                f["inside_rule"] = 1.0
            if _inside(p, rule_loc.place):
                f["contains_rule"] = 1.0
        if any(_inside(p, q) for q in in_sent_places):
            f["has_finer_in_sent"] = 1.0
        if story_iso is not None and p is not None:
            f["same_country" if p.country == story_iso else "other_country"] = 1.0
        r = rule if rule in RULES else "other"
        f[f"rule_{r}" if f.get("is_rule") else f"rule_{r}_alt"] = 1.0
        for cue in cues:
            f[f"cue_{cue}"] = 1.0
        if not f.get("is_rule"):
            # What the rules picked, seen from each alternative: the trees weigh "a town the
            # lede and title name" against "the region the rules fell back to".
            f[f"rulectx_kind_{rule_kind}"] = 1.0
            for k in _RULE_CONTEXT:
                if rule_f.get(k):
                    f[f"rulectx_{k}"] = 1.0
        out.append(Candidate(loc, f))
    out.sort(key=lambda c: -c.features.get("is_rule", 0.0))
    return out


@dataclass(frozen=True)
class Tree:
    """One regression tree of the boosted ensemble, as parallel arrays (scikit-learn's
    layout): node i splits on ``feature[i] <= threshold[i]`` to ``left[i]``/``right[i]``;
    a leaf has ``left[i] == -1`` and its ``value[i]``."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def predict(self, x: Sequence[float]) -> float:
        i = 0
        while self.left[i] != -1:
            i = self.left[i] if x[self.feature[i]] <= self.threshold[i] else self.right[i]
        return self.value[i]


@dataclass(frozen=True)
class PlaceModel:
    """A boosted ensemble of small trees over candidate features (the trees see how a
    candidate relates to the rules' pick, which a linear score cannot); ``margin`` is how
    far another candidate must score above the rules' pick to replace it."""

    features: tuple[str, ...]
    trees: tuple[Tree, ...]
    rate: float
    margin: float

    @cached_property
    def _index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.features)}

    def score(self, c: Candidate) -> float:
        index = self._index
        x = [0.0] * len(self.features)
        for k, v in c.features.items():
            j = index.get(k)
            if j is not None:
                x[j] = v
        return self.rate * sum(t.predict(x) for t in self.trees)

    def choose(self, cands: Sequence[Candidate]) -> Candidate | None:
        rule = next((i for i, c in enumerate(cands) if c.features.get("is_rule")), None)
        if rule is None:
            return None  # the rules found no place for it: the model re-ranks, it does not invent
        # One of several places named together ("across Kutaisi, Batumi and Zugdidi") is no
        # evidence that a figure outside its clause is about that one alone; a place the rules
        # read as about something else (another statement, a part of the figure: "five died,
        # three in X and two in Y") is not the figure's; and the dateline is where the reporter
        # files from: the story's place only when the text names none.
        eligible = [
            i
            for i, c in enumerate(cands)
            if i == rule or not (_one_of_a_list(c) or _only_the_dateline(c) or c.features.get("set_aside"))
        ]
        scores = [self.score(c) for c in cands]
        best = max(eligible, key=lambda i: scores[i])  # first of the best
        if scores[best] - scores[rule] <= self.margin:
            return cands[rule]
        return cands[best]

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "rate": self.rate,
            "margin": self.margin,
            "trees": [
                [list(t.feature), list(t.threshold), list(t.left), list(t.right), list(t.value)] for t in self.trees
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlaceModel:
        trees = tuple(
            Tree(tuple(f), tuple(float(x) for x in th), tuple(lf), tuple(rt), tuple(float(v) for v in val))
            for f, th, lf, rt, val in data["trees"]
        )
        return cls(tuple(data["features"]), trees, float(data["rate"]), float(data["margin"]))


def _one_of_a_list(c: Candidate) -> bool:
    f = c.features
    return bool((f.get("listed") or f.get("listed_in_lede")) and not f.get("in_clause"))


_NAMED = ("in_sent", "in_prev1", "in_prev2", "in_lede", "in_title", "is_story", "elsewhere")


def _only_the_dateline(c: Candidate) -> bool:
    f = c.features
    return bool(f.get("is_dateline")) and not any(f.get(k) for k in _NAMED)


@lru_cache(maxsize=4)
def load(path: Path = MODEL_PATH) -> PlaceModel | None:
    """The checked-in model, or None when there is none (the rules' pick stands)."""
    if not path.exists():
        return None
    return PlaceModel.from_json(json.loads(path.read_text(encoding="utf-8")))
