"""Where a claim is: places in a clause, resolved through the gazetteer.

A place counts when it sits under a locative preposition ("sent to Russia",
"at Russian bases", "in the far-eastern Primorsky region", "the streets of
Lisbon"), never when it only locates the speaker ("officials in Seoul said",
"U.S. officials") or sits in an "according to" phrase. Among candidates the
most specific resolved place wins (city > region > country).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Span, Token

from streams.extraction import attribution
from streams.extraction.parse import ent_text
from streams.extraction.places import Place, resolve_place, slugify

LOC_PREPS = frozenset({"in", "to", "at", "on", "into", "inside", "across", "near", "toward",
                        "towards", "throughout", "within", "onto", "around", "outside"})  # fmt: skip


PLACE_NOUNS = frozenset({"soil", "territory", "base", "bases", "border", "region", "city",
                          "ground", "port", "coast", "town", "village", "province", "capital",
                          "land", "front", "frontline", "area", "side", "street", "streets",
                          "district", "state", "country", "camp", "facility", "basis"})  # fmt: skip


@dataclass
class Loc:
    name: str
    slug: str
    place: Place | None


def in_source_phrase(tok: Token) -> bool:
    """ "Officials in Seoul said": a place that only locates the speaker."""
    cur = tok
    for _ in range(5):
        if cur.head == cur:
            return False
        if cur.dep_ in ("nsubj", "nsubjpass") and cur.head.lemma_.lower() in attribution.SAY_LEMMAS:
            return True
        if cur.lemma_ == "according":
            return True
        cur = cur.head
    return False


def source_tokens(sent: Span, say: Token | None) -> set[int]:
    """Tokens naming sources, which must never be read as the claim's location."""
    out: set[int] = set()
    if say is not None:
        subj = attribution.subject_of(say)
        if subj is not None:
            out |= {t.i for t in subj.subtree}
    acc = attribution.according_to(sent)
    if acc is not None:
        out |= {t.i for t in acc.head.head.subtree} if acc.head.head != acc.head else set()
        out |= {t.i for t in acc.subtree}
    return out


def loc_candidate(tok: Token, gaz: Any) -> tuple[Place | None, str] | None:
    if tok.pos_ == "PROPN" and tok.dep_ == "compound" and tok.head.lemma_.lower() in PLACE_NOUNS:
        p = resolve_place(f"{tok.text} {tok.head.text}")
        if p is not None:
            return p, f"{tok.text} {tok.head.text}"
    if (tok.ent_type_ in ("GPE", "LOC", "FAC") and tok.ent_iob_ == "B") or (
        tok.ent_type_ in ("GPE", "LOC") and tok.dep_ in ("pobj", "poss", "compound")
    ):
        text = ent_text(tok)
        return resolve_place(text), text
    if not tok.ent_type_ and tok.pos_ == "PROPN" and tok.dep_ == "compound" and tok.head.lemma_.lower() in PLACE_NOUNS:
        p = resolve_place(f"{tok.text} {tok.head.text}")
        if p is not None:
            return p, f"{tok.text} {tok.head.text}"
    if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.ent_type_ not in ("DATE", "NORP"):
        text = ent_text(tok) if tok.ent_type_ else tok.text
        p = resolve_place(text)
        if p is not None:
            return p, text
    if tok.ent_type_ == "NORP" and tok.head.lemma_.lower() in PLACE_NOUNS:
        text = ent_text(tok)
        p = resolve_place(text)
        if p is not None:
            return p, p.name
    return None


def under_loc_prep(tok: Token, top: Token | None) -> bool:
    cur = tok
    for _ in range(8):
        if (top is not None and cur == top) or cur.head == cur:
            return False
        if cur.dep_ == "pobj" and cur.head.lower_ in LOC_PREPS:
            return cur.head.head.lemma_ != "accord"
        if cur.dep_ == "pobj" and cur.head.lower_ == "of" and cur.head.head.lemma_.lower() in PLACE_NOUNS:
            return True  # "the streets of Lisbon", "the city of Malatya"
        if cur.dep_ == "pobj" and cur.head.lower_ in ("with", "from", "against", "between"):
            return False  # "near the border with Ukraine" is not in Ukraine
        cur = cur.head
    return False


RANK = {"city": 3, "region": 2, "country": 1}


def best_location(cands: list[tuple[Place | None, str]]) -> Loc | None:
    if not cands:
        return None
    resolved = [(p, t) for p, t in cands if p is not None]
    if resolved:
        p, _ = max(resolved, key=lambda pt: RANK.get(pt[0].kind, 0) if pt[0] else 0)
        assert p is not None
        return Loc(p.name, p.slug, p)
    _, text = cands[0]
    words = text.split()
    if words and words[0].lower() == "the":
        text = " ".join(words[1:])
    return Loc(text, slugify(text), None)


def location_in(top: Token, exclude: set[int], gaz: Any, subject: Token) -> Loc | None:
    """The place a clause puts its subject: "sent to Russia", "at Russian bases"."""
    nat_tokens = {t.i for c in subject.lefts for t in c.subtree}
    cands: list[tuple[Place | None, str]] = []
    for t in top.subtree:
        if t.i in exclude or t.i in nat_tokens:
            continue
        c = loc_candidate(t, gaz)
        if c is not None and under_loc_prep(t, top):
            cands.append(c)
    return best_location(cands)


def location_in_sentence(sent: Span, exclude: set[int], gaz: Any, subject: Token) -> Loc | None:
    return location_in(sent.root, exclude, gaz, subject)


_NOT_INSIDE = frozenset({"with", "from", "against", "between"})


def cands_in(prep: Token, gaz: Any, skip: set[int]) -> list[tuple[Place | None, str]]:
    """Places inside a locative phrase, except those only beside it ("near the border with Ukraine")."""
    out: list[tuple[Place | None, str]] = []
    for t in prep.subtree:
        if t.i in skip:
            continue
        c = loc_candidate(t, gaz)
        if c is None:
            continue
        cur, beside = t, False
        while cur.i != prep.i and cur.head != cur:
            if cur.dep_ == "pobj" and cur.head.lower_ in _NOT_INSIDE and cur.head.i != prep.i:
                beside = True
                break
            cur = cur.head
        if not beside:
            out.append(c)
    return out
