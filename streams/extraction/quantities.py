"""Quantity mentions on the parse: which noun a number counts, what it measures.

``numbers`` reads the figure and its hedge from words; this module finds the
figures in a sentence ("between 11,000 and 12,000", "tens of thousands"), the
thing they count ("10,000 troops", "a crowd of 20,000", "the death toll rose to
2,300"), the measure ("killed" -> deaths, "left homeless" -> displaced), the
nationality of the counted ("Pyongyang's troops", "North Korea had sent ...")
and sub-scopes named by compounds ("special forces soldiers").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spacy.tokens import Span, Token

from streams.extraction.numbers import VAGUE, Quantity, is_number_word, quantity_from_words
from streams.extraction.parse import clause_head, ent_span, ent_text, of_object
from streams.extraction.subjects import (
    AREA_UNITS,
    CONTAINER_NOUNS,
    COUNT_HEADS,
    COUNT_OBJECT_VERBS,
    COUNT_SUBJECT_VERBS,
    INTRANSITIVE_MEASURES,
    MEASURE_NOUNS,
    MEASURE_VERBS,
    subject_class,
)

SKIP_ENTS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})


MAGNITUDE_WORDS = frozenset({"dozen", "hundred", "thousand", "million", "billion"})


SEVERITY = {"critically": "critical", "seriously": "serious", "severely": "severe",
             "critical": "critical", "serious": "serious", "severe": "severe", "lightly": "light"}  # fmt: skip


PERSON_SUFFIX = re.compile(r"(man|men|woman|women|[^e]er|or|ist|ant|ent|ian|ee|ier|eer)$")


NOT_PEOPLE = frozenset({"member", "number", "order", "water", "paper", "center", "centre", "letter", "percent",
                         "event", "incident", "element", "document", "amount", "statement", "government",
                         "tower", "power", "border", "corridor", "factor", "sector", "error"})  # fmt: skip


SHELTER_NOUNS = frozenset({"shelter", "camp", "tent", "evacuation"})
# Staying somewhere other than home: "1,500 residents were sleeping in shelters", "41,300
# people are staying in relief camps", "2,600 were sleeping in schools and churches".
_STAY_VERBS = frozenset({"stay", "live", "remain", "be", "take", "seek", "find", "camp", "crowd"})
# "27 people sought medical help": hurt, not (yet) admitted.
_CARE_NOUNS = frozenset({"help", "treatment", "care", "attention", "assistance"})
# Who crosses a border to escape (soldiers crossing are a deployment, counted).
_FLEEING = frozenset({"people", "person", "refugee", "civilian", "resident", "villager", "family", "household",
                      "woman", "child", "asylum-seeker"})  # fmt: skip


def num_like(t: Token) -> bool:
    low = t.lower_
    if low in ("half", "a", "an"):
        # "half a million": only as part of a written number.
        doc = t.doc
        nxt = [doc[k].lower_ for k in range(t.i + 1, min(len(doc), t.i + 3))]
        if low == "half":
            return len(nxt) == 2 and nxt[0] in ("a", "an") and nxt[1] in MAGNITUDE_WORDS
        return bool(nxt) and nxt[0] in MAGNITUDE_WORDS and t.i > 0 and doc[t.i - 1].lower_ == "half"
    return (t.like_num and low not in ("one",)) or low in VAGUE or low in MAGNITUDE_WORDS or is_number_word(low)


_AT_HEDGES = frozenset({"around", "about", "roughly", "approximately", "some", "nearly", "almost", "least"})
_PUT_AT = frozenset({"put", "estimate", "place", "set", "fix", "peg", "revise", "raise", "lower", "update"})


def _figure_at(t: Token) -> bool:
    """ "put the number of missing at 11": a bare number the model took for a time of day."""
    span = list(ent_span(t))
    nums = [x for x in span if x.like_num]
    if not nums or (t not in nums and len(nums) != 2) or len(nums) > 2 or span[0].i == 0:
        return False
    # "at between 20 and 30": a range the model also takes for a date
    joins = _AT_HEDGES | {"between", "and", "to", "-", "–"} if len(nums) == 2 else _AT_HEDGES
    if any(x.lower_ not in joins for x in span if x not in nums):
        return False
    prev = t.doc[span[0].i - 1]
    if prev.lower_ != "at":
        return False
    # "put the number of miners still trapped at ...": the verb may sit a few heads up.
    cur = prev.head
    for _ in range(6):
        if cur.lemma_.lower() in _PUT_AT:
            return True
        if cur.head == cur or (cur.pos_ == "VERB" and cur.dep_ not in ("acl", "relcl")):
            return False
        cur = cur.head
    return False


# Verbs by which a count reaches a new figure: "the toll rose to 23", "the number climbed to 40".
_REACH_VERBS = frozenset({"rise", "climb", "increase", "jump", "grow", "reach", "hit", "surge", "soar", "swell",
                          "mount", "fall", "drop", "decline"})  # fmt: skip
_CLOCK_WORDS = frozenset({"am", "pm", "a.m.", "p.m.", "o'clock", "hours", "hrs", "gmt", "utc", "h"})


def _count_reached(t: Token) -> bool:
    """ "the toll had risen to 23 overnight": a bare number the model took for a time of day
    (from the time word after it) is the figure a count reached when a count noun ("toll",
    "number", "deaths") is the subject of the verb of change."""
    if not t.text.isdigit() or ":" in t.text:
        return False
    if any(x.lower_ in _CLOCK_WORDS for x in ent_span(t)):
        return False
    if t.dep_ == "pobj" and t.head.lower_ == "to":
        verb = t.head.head
    elif t.dep_ == "dobj":
        verb = t.head
    else:
        return False
    if verb.lemma_.lower() not in _REACH_VERBS:
        return False
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subj is not None and (subj.lemma_.lower() in COUNT_HEADS or subj.lemma_.lower() in MEASURE_NOUNS)


def _skipped(t: Token) -> bool:
    """Numbers inside dates, money, percentages and measurements. An area ("18,400 acres")
    is kept because an area burned or flooded can be a claim."""
    if t.ent_type_ not in SKIP_ENTS:
        return False
    if t.ent_type_ in ("DATE", "TIME") and (_figure_at(t) or _count_reached(t)):
        return False
    if t.ent_type_ != "QUANTITY":
        return True
    # QUANTITY is a measurement only when it names a unit ("10 km"); the small model also
    # tags bare ranges ("between 9,000 and 11,000") as QUANTITY.
    units = [x for x in ent_span(t) if x.pos_ in ("NOUN", "PROPN") and not num_like(x)]
    return bool(units) and not all(x.lemma_.lower() in AREA_UNITS for x in units)


def quantity_groups(sent: Span) -> Iterator[tuple[list[Token], Quantity]]:
    """Runs of number tokens (with ranges) in a sentence, and the quantity each states."""
    toks = list(sent)
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        starts_vague = (
            t.lower_ in ("tens", "hundreds")
            and i + 2 < n
            and toks[i + 1].lower_ == "of"
            and toks[i + 2].lower_ in ("thousands", "millions")
        )
        if not (num_like(t) or starts_vague) or _skipped(t):
            i += 1
            continue
        j = i
        while j + 1 < n:
            nxt = toks[j + 1]
            if num_like(nxt) and not _skipped(nxt):
                j += 1
            elif nxt.lower_ in ("-", "–", "to", "and", "of") and j + 2 < n and num_like(toks[j + 2]):
                if nxt.lower_ == "of" and toks[j].lower_ not in ("tens", "hundreds"):
                    break
                if (
                    nxt.lower_ == "and"
                    and not (i > 0 and toks[i - 1].lower_ == "between")
                    and toks[j].lower_ not in MAGNITUDE_WORDS
                ):
                    break
                j += 2
            else:
                break
        group = toks[i : j + 1]
        i = j + 1
        # A change "from 100 to 200" states the latest figure only.
        if i - len(group) > 0 and toks[i - len(group) - 1].lower_ == "from":
            for k, g in enumerate(group):
                if g.lower_ == "to":
                    group = group[k + 1 :]
                    break
        last = group[-1]
        if len(group) == 1 and last.text.isdigit() and 1800 <= int(last.text) <= 2100:
            continue  # a year
        after = last.nbor(1) if last.i + 1 < len(last.doc) else None
        if after is not None and after.lower_ in (
            "%",
            "percent",
            "per",
            "pc",
            "years",
            "year-old",
            "km",
            "times",
            "fold",
        ):
            continue
        start = group[0].i
        lo = max(sent.start, start - 4)
        for k in range(lo, start):
            if _skipped(sent.doc[k]) or sent.doc[k].tag_ == "$":
                lo = k + 1  # "paid $2.5 million to 300 families": no range across an amount or a date
        context = [sent.doc[k].lower_ for k in range(lo, start)]
        q = quantity_from_words(context + [g.text for g in group])
        if q is None or q.best <= 0:
            continue
        yield [g for g in group if num_like(g) or g.lower_ in ("tens", "hundreds")], q


def counted_noun(group: list[Token], root: Token, gset: set[int]) -> Token | None:
    """The noun a number counts: "10,000 troops", "a crowd of 20,000", "dozens of people"."""
    for g in group:
        for c in g.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj" and p.i not in gset and not num_like(p):
                        return p
                    if p.dep_ == "pobj" and num_like(p):
                        inner = of_object(p)
                        if inner is not None:
                            return inner
    h = root.head
    if (
        root.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod", "npadvmod")
        and h != root
        and h.pos_ in ("NOUN", "PROPN", "ADJ")
        and h.i not in gset
    ):
        return h
    if root.dep_ == "pobj" and h.lower_ == "of" and h.head.pos_ == "NOUN":
        return h.head
    return None


def noun_after(group: list[Token]) -> Token | None:
    """The noun right after a number ("between 11,000 and 12,000 North Korean troops"),
    for parses that hang the number somewhere else."""
    doc = group[-1].doc
    for k in range(group[-1].i + 1, min(len(doc), group[-1].i + 5)):
        t = doc[k]
        if t.pos_ == "NOUN":
            lem = t.lemma_.lower()
            if subject_class(lem) or lem in MEASURE_NOUNS:
                return t
            return None
        if t.pos_ not in ("ADJ", "PROPN") and t.dep_ != "compound":
            return None
    return None


def argument_count_head(root: Token, gset: set[int]) -> Token | None:
    """ "the death toll rose to 2,300", "police put the number of demonstrators at 48,000"."""
    verb, role = clause_head(root)
    if verb is None or role not in ("prep", "dobj", "attr", "oprd", "npadvmod", "acomp"):
        return None
    if verb.dep_ in ("acl", "relcl") and role == "prep":
        # "put the number of miners still trapped at 25", "put the number of people who had
        # fled at 9,000": the parser hangs "at 25" on the (reduced) relative clause; the count
        # is the number the verb of estimating takes.
        cur = verb.head
        for _ in range(3):
            if cur.dep_ == "dobj" and cur.lemma_.lower() in COUNT_HEADS and cur.head.lemma_.lower() in _PUT_AT:
                return cur
            if cur.head == cur:
                break
            cur = cur.head
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.i != root.i and c.i not in gset:
            lem = c.lemma_.lower()
            if lem in COUNT_HEADS or lem in MEASURE_NOUNS:
                return c
    return None


def container_of(noun: Token) -> Token | None:
    """ "an initial batch of 1,500 fighters": the batch."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "of":
        c = noun.head.head
        if c.lemma_.lower() in CONTAINER_NOUNS:
            return c
    return None


_HOME_NOUNS = frozenset({"home", "house", "shelter", "dwelling", "hut", "tent"})


_LEAVE_HOME_VERBS = frozenset({"lose", "leave", "flee", "abandon", "desert", "quit"})
_DRIVE_OUT_VERBS = frozenset({"force", "drive", "chase", "push", "uproot", "evict"})


def lost_homes(verb: Token) -> bool:
    """ "people who had lost their homes", "9,000 families lost / left / fled their houses":
    the displaced, not the dead ("lost their lives" stays a death)."""
    return verb.lemma_.lower() in _LEAVE_HOME_VERBS and any(
        c.dep_ == "dobj" and c.lemma_.lower() in _HOME_NOUNS for c in verb.children
    )


def driven_from_homes(verb: Token) -> bool:
    """ "forced 38,000 people from their homes", "were driven from their villages"."""
    return verb.lemma_.lower() in _DRIVE_OUT_VERBS and any(
        c.dep_ == "prep"
        and c.lower_ in ("from", "out")
        and any(
            p.lemma_.lower() in _HOME_NOUNS | {"village", "town", "neighbourhood", "neighborhood"}
            for p in c.subtree
            if p.dep_ == "pobj"
        )
        for c in verb.children
    )


def in_shelter(noun: Token) -> bool:
    """ "the number of people in camps", "residents in evacuation centres": the displaced."""
    return any(
        c.dep_ == "prep"
        and c.lower_ in ("in", "at")
        and any(
            p.dep_ == "pobj"
            and (
                p.lemma_.lower() in SHELTER_NOUNS
                or any(x.dep_ == "compound" and x.lemma_.lower() in SHELTER_NOUNS for x in p.children)
            )
            for p in c.children
        )
        for c in noun.children
    )


def measure_from_modifiers(anchor: Token, group: list[Token]) -> str | None:
    gset = {t.i for t in group}
    if anchor.pos_ in ("NOUN", "PROPN") and anchor.lemma_.lower() in _FLEEING:
        holder = anchor.head.head if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" else None
        if in_shelter(anchor) or (
            holder is not None and holder.lemma_.lower() in ("number", "total") and in_shelter(holder)
        ):
            return "displaced"  # "people in camps", "the number of residents in evacuation centres"
    for c in anchor.children:
        if c.i in gset or (c.lower_ == "close" and c.i + 1 < len(c.doc) and c.doc[c.i + 1].lower_ == "to"):
            continue  # "close to 900 people": a hedge, not "closed"
        if c.dep_ in ("acl", "relcl") and lost_homes(c):
            return "displaced"
        if c.dep_ in ("amod", "acl", "relcl", "appos", "advmod"):
            m = MEASURE_VERBS.get(c.lemma_.lower()) or MEASURE_VERBS.get(c.lower_)
            if m:
                return m
            for x in c.children:
                if x.dep_ in ("xcomp", "acomp", "oprd"):
                    m = MEASURE_VERBS.get(x.lemma_.lower()) or MEASURE_VERBS.get(x.lower_)
                    if m:
                        return m
    last = group[-1]
    nxt = last.nbor(1) if last.i + 1 < len(last.doc) else None
    if nxt is not None:
        m = MEASURE_NOUNS.get(nxt.lower_) or (MEASURE_VERBS.get(nxt.lower_) if nxt.tag_ in ("VBN", "JJ") else None)
        if m:
            return m
    return None


_SUFFER_VERBS = frozenset({"suffer", "sustain", "receive", "incur"})
_UTILITIES = frozenset({"power", "electricity", "water", "service", "internet"})


def _hospital_care(verb: Token) -> bool:
    """ "receiving treatment in hospital", "needed hospital care"."""
    care = [c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in ("treatment", "care")]
    if not care:
        return False
    return _in_hospital(verb) or _in_hospital(care[0]) or any(x.lemma_.lower() == "hospital" for x in care[0].lefts)


def _in_hospital(verb: Token) -> bool:
    """ "remained in hospital", "were at the clinic", "remain in its care / wards"."""
    places = ("hospital", "clinic", "care", "ward")
    return any(
        c.dep_ == "prep" and c.lower_ in ("in", "at") and any(p.lemma_.lower() in places for p in c.children)
        for c in verb.children
    )


# Verbs that state a capacity in the simple present ("holds 40,000") and an event otherwise
# ("was carrying 1,100 passengers", "was holding nearly 1,300").
CAPACITY_VERBS = frozenset({"hold", "carry", "accommodate", "house", "host", "shelter", "seat"})
_INSIDE = frozenset({"in", "inside", "on", "aboard", "at", "within"})


def count_from_verb(verb: Token | None, role: str) -> str | None:
    """ "deployed 60 boats", "2,300 firefighters were assigned", "28,000 members joined": a
    plain count, whatever is counted."""
    if verb is None:
        return None
    lem = verb.lemma_.lower()
    if lem in CAPACITY_VERBS and verb.tag_ in ("VBZ", "VBP"):
        return None  # "the stadium holds 40,000", "planes carry 180 passengers": a capacity
    if lem in COUNT_OBJECT_VERBS and role in ("dobj", "nsubjpass"):
        return "count"
    if lem in COUNT_SUBJECT_VERBS and role == "nsubj":
        return "count"
    if lem == "be" and role == "nsubj" and any(c.dep_ == "prep" and c.lower_ in _INSIDE for c in verb.children):
        return "count"  # "55,000 fans had been inside the ground", "300 people were on board"
    if lem == "take" and role == "nsubj" and any(c.dep_ == "dobj" and c.lower_ == "part" for c in verb.children):
        return "count"  # "4,500 tractors took part"
    if role == "agent" and lem in ("support", "back", "assist", "reinforce", "accompany", "supply", "aid"):
        return "count"  # "supported by 22 helicopters"
    return None


# Only harm to people adds up to casualties; "destroyed or damaged" houses are not casualties.
_HARM_MEASURES = frozenset({"deaths", "injured", "hospitalized", "missing"})
_HOSPITAL_STAY_VERBS = frozenset({"remain", "stay", "be", "lie", "recover"})
_CUSTODY = frozenset({"detention", "custody", "jail", "prison"})
_RESCUE_VERBS = frozenset({"pull", "bring", "dig", "free", "extract", "carry", "lift", "winch", "airlift", "find"})


def measure_from_verb(verb: Token | None, role: str) -> str | None:
    if verb is None:
        return None
    lem = verb.lemma_.lower()
    if role in ("nsubj", "nsubjpass", "attr") and lem in _HOSPITAL_STAY_VERBS and _in_hospital(verb):
        return "hospitalized"  # "about 700 remained in hospital", "40 were in hospital"
    if role == "nsubj" and lem in ("receive", "undergo", "get", "need", "require") and _hospital_care(verb):
        return "hospitalized"  # "25 people were receiving treatment in hospital"
    if role == "nsubj" and lem == "burn" and not any(c.dep_ == "dobj" for c in verb.children):
        return "destroyed"  # "1,200 homes burned (down)" (but "300 protesters burned tyres")
    if role == "nsubj" and lost_homes(verb):
        return "displaced"  # "9,000 families lost their homes"
    if role in ("dobj", "nsubjpass") and driven_from_homes(verb):
        return "displaced"  # "forced more than 38,000 people from their homes"
    if (
        role == "nsubj"
        and lem == "shelter"
        and verb.tag_ == "VBG"
        and any(c.dep_ == "prep" and c.lower_ in ("in", "at", "inside") for c in verb.children)
    ):
        return "displaced"  # "6,400 residents were sheltering in schools"
    if (
        role == "nsubj"
        and lem == "sleep"
        and any(c.dep_ == "prep" and c.lower_ in ("in", "at", "outside") for c in verb.children)
    ):
        return "displaced"  # "1,500 residents were sleeping in shelters / in schools / outside"
    if (
        role == "nsubj"
        and lem == "seek"
        and any(c.dep_ == "dobj" and c.lemma_.lower() in _CARE_NOUNS for c in verb.children)
    ):
        return "injured"  # "27 people had sought medical help / treatment"
    if (
        role == "nsubj"
        and lem == "cross"
        and any(c.dep_ == "prep" and c.lower_ == "into" for c in verb.children)
        and any(c.dep_ == "nsubj" and (c.lemma_.lower() in _FLEEING or c.ent_type_ == "NORP") for c in verb.children)
    ):
        return "displaced"  # "800 people had crossed into Sudan" to escape the fighting
    if role in ("nsubj", "nsubjpass", "dobj") and any(
        c.dep_ == "prep" and c.lower_ == "to" and any(p.lower_ == "death" for p in c.children) for c in verb.children
    ):
        return "deaths"  # "150 people have starved / burned / been beaten to death"
    if role == "nsubj" and lem == "be":
        among = [
            p for c in verb.children if c.dep_ == "prep" and c.lower_ == "among" for p in c.children if p.dep_ == "pobj"
        ]
        if among and among[0].lower_ in MEASURE_NOUNS:
            return MEASURE_NOUNS[among[0].lower_]  # "two of its citizens were among the dead"
    if role in ("nsubj", "nsubjpass") and lem in _HOSPITAL_STAY_VERBS and any(
        c.dep_ == "prep" and c.lower_ in ("in", "under") and any(p.lemma_.lower() in _CUSTODY for p in c.children)
        for c in verb.children
    ):
        return "arrested"  # "31 people were now in detention", "remain in police custody"
    if role == "nsubjpass" and lem == "hold" and any(
        c.dep_ == "prep" and c.lower_ in ("over", "for", "on") for c in verb.children
    ):
        return "arrested"  # "16 people were being held over the attack"
    lives = any(c.dep_ == "dobj" and c.lemma_.lower() == "life" for c in verb.children)
    if role == "nsubj" and lem == "lose" and lives:
        return "deaths"  # "17 migrants lost their lives"
    if lem == "treat" and role == "nsubjpass":
        return "hospitalized"  # "60 people were being treated for burns"
    if (
        (lem == "admit" or (lem == "treat" and verb.tag_ == "VBG"))
        and role == "dobj"
        and any(c.dep_ == "nsubj" and c.lemma_.lower() in ("hospital", "clinic") for c in verb.children)
    ):
        # "the district hospital was treating 11 survivors": in its care now (but "the
        # hospital had treated 48 people for burns" counts the injured it saw)
        return "hospitalized"
    if lem in _RESCUE_VERBS and role in ("dobj", "nsubjpass") and any(x.lower_ == "alive" for x in verb.children):
        return "rescued"  # "pulled 14 miners alive from the mine", "23 were brought out alive"
    if role == "nsubj" and lem in _SUFFER_VERBS:
        # "three firefighters suffered minor injuries"
        for c in verb.children:
            if c.dep_ == "dobj" and c.lemma_.lower() in MEASURE_NOUNS:
                return MEASURE_NOUNS[c.lemma_.lower()]
    if (
        role in ("nsubj", "nsubjpass", "dobj")
        and lem in ("take", "rush", "admit", "airlift", "fly")
        and any(
            c.dep_ == "prep" and c.lower_ in ("to", "into") and any(p.lemma_.lower() == "hospital" for p in c.children)
            for c in verb.children
        )
    ):
        return "hospitalized"  # "three of whom were taken to hospital"
    if role == "nsubj" and any(
        c.dep_ == "prep" and c.lower_ == "without" and any(p.lemma_.lower() in _UTILITIES for p in c.children)
        for c in verb.children
    ):
        return "without_power"  # "31,000 customers were without power"
    m = MEASURE_VERBS.get(lem)
    if m and (role in ("dobj", "nsubjpass", "attr", "oprd") or lem in INTRANSITIVE_MEASURES):
        # "killed or wounded": a casualty count, not a death toll.
        for c in verb.children:
            other = MEASURE_VERBS.get(c.lemma_.lower())
            if c.dep_ == "conj" and other not in (None, m) and {m, other} <= _HARM_MEASURES:
                own = [x for x in c.children if x.dep_ in ("nsubj", "nsubjpass", "dobj")]
                if not own and not any(x.like_num for x in c.subtree):
                    return "casualties"
        return m
    if any(
        c.dep_ == "prep"
        and any(
            p.lemma_.lower() in SHELTER_NOUNS
            or any(x.dep_ == "compound" and x.lemma_.lower() in SHELTER_NOUNS for x in p.children)
            for p in c.children
        )
        for c in verb.children
    ) and (role in ("nsubjpass", "dobj") or (role == "nsubj" and lem in _STAY_VERBS)):
        return "displaced"
    if role in ("nsubj", "nsubjpass", "dobj"):
        for c in verb.children:
            if c.dep_ in ("oprd", "acomp", "ccomp", "xcomp"):
                m = MEASURE_VERBS.get(c.lemma_.lower()) or MEASURE_VERBS.get(c.lower_)
                if m:
                    return m
    return None


def nationality(noun: Token, gaz: Any, affiliation: bool = False) -> str | None:
    """ "North Korean troops", "Pyongyang's troops", "DPRK forces", "troops from North Korea".

    With ``affiliation``, a named group that is not a country qualifies the noun
    too ("Hezbollah fighters", "Wagner mercenaries").
    """
    group: str | None = None
    for c in noun.children:
        named_group = c.pos_ == "PROPN" and c.ent_type_ in ("ORG", "NORP", "PERSON", "")
        if affiliation and group is None and c.i < noun.i and c.dep_ in ("compound", "nmod", "poss") and named_group:
            group = ent_text(c).removesuffix("'s").removesuffix("’s").strip()
        if c.i < noun.i and c.dep_ in ("amod", "compound", "poss", "nmod"):
            for t in c.subtree:
                if t.ent_type_ in ("NORP", "GPE", "ORG") or t.pos_ in ("PROPN", "ADJ"):
                    iso = gaz.nationality(ent_text(t)) or gaz.nationality(t.text)
                    if iso:
                        return str(gaz.demonym(iso))
        if affiliation and group is None and c.i > noun.i and c.dep_ == "prep" and c.lower_ == "of":
            # "2,000 fighters of the Rapid Support Forces"
            for p in c.children:
                if p.dep_ == "pobj" and p.pos_ == "PROPN" and p.ent_type_ in ("ORG", "NORP", ""):
                    name = " ".join(x.text for x in p.subtree if x.pos_ == "PROPN")
                    iso = gaz.nationality(name)
                    group = str(gaz.demonym(iso)) if iso else name
        if c.i > noun.i and c.dep_ == "prep" and c.lower_ == "from":
            for p in c.children:
                if p.dep_ == "pobj" and p.ent_type_ in ("GPE", "NORP"):
                    iso = gaz.nationality(ent_text(p))
                    if iso:
                        return str(gaz.demonym(iso))
    return group


def sender_nationality(verb: Token | None, role: str, gaz: Any) -> str | None:
    """ "North Korea had sent 1,500 soldiers": the sender's nationality."""
    if verb is None or role != "dobj":
        return None
    for c in verb.children:
        if c.dep_ == "nsubj" and c.ent_type_ in ("GPE", "NORP"):
            iso = gaz.nationality(ent_text(c))
            if iso:
                return str(gaz.demonym(iso))
    return None


def compound_scope(noun: Token) -> list[str]:
    """ "special forces soldiers" -> ["special", "forces"]."""
    out: list[str] = []
    for c in noun.lefts:
        if c.dep_ == "compound" and c.pos_ == "NOUN" and not c.ent_type_:
            words = [t.lower_ for t in c.subtree if t.pos_ in ("NOUN", "ADJ")]
            out.extend(words)
    return out
