"""``as_of``: the date a statement is about, resolved against the publication date.

Handles what news prose uses: weekdays ("on Wednesday" = the latest Wednesday
on or before publication), relative phrases ("last week", "earlier this
month", "yesterday"), explicit dates and day ranges ("October 23, 2024",
"between October 8-13": the end of the range, the state as of then) and
horizons ("by the end of the year"). Anything else gives None and the caller
falls back to the publication date.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from spacy.tokens import Span, Token

from streams.extraction.parse import ent_span, nearest_verb

# Reporting verbs whose date dates what they report (kept here to avoid an import cycle).
_SAYING = frozenset({"say", "tell", "add", "state", "report", "announce", "confirm", "estimate", "put"})
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MD = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*(?:-|–|to|and)\s*(\d{{1,2}})(?:st|nd|rd|th)?)?(?:,?\s+(\d{{4}}))?",
    re.I,
)
_DM = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*(\d{{1,2}})(?:st|nd|rd|th)?)?\s+(?:of\s+)?({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?",
    re.I,
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{4}})\b", re.I)
_MONTH_ONLY = re.compile(rf"({_MONTH_RE})\.?", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _day(y: int, m: int, d: int) -> datetime | None:
    try:
        return datetime(y, m, d, tzinfo=UTC)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> datetime:
    return datetime(y, m, calendar.monthrange(y, m)[1], tzinfo=UTC)


def _past_year(month: int, day: int, pub: datetime) -> int:
    """The year of a month/day without a year: the latest one not after publication."""
    y = pub.year
    cand = _day(y, month, day)
    if cand is not None and cand.date() > pub.date() + timedelta(days=31):
        return y - 1
    return y


def resolve_date(phrase: str, published_at: datetime | None) -> datetime | None:
    """The date a DATE phrase points at, or None when it does not point at one."""
    p = phrase.lower().strip()
    iso = _ISO.search(p)
    if iso:
        return _day(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    m = _MD.search(p)
    if m:
        month = _MONTHS[m.group(1).lower()]
        day = int(m.group(3) or m.group(2))
        year = int(m.group(4)) if m.group(4) else (_past_year(month, day, published_at) if published_at else None)
        return _day(year, month, day) if year else None
    m = _DM.search(p)
    if m:
        month = _MONTHS[m.group(3).lower()]
        day = int(m.group(2) or m.group(1))
        year = int(m.group(4)) if m.group(4) else (_past_year(month, day, published_at) if published_at else None)
        return _day(year, month, day) if year else None
    m = _MONTH_YEAR.search(p)
    if m:
        return _month_end(int(m.group(2)), _MONTHS[m.group(1).lower()])
    m = _MONTH_ONLY.fullmatch(re.sub(r"^(in|on|during|since|by|until|last|this|early|late|mid)[- ]+", "", p))
    if m and published_at is not None:
        month = _MONTHS[m.group(1).lower()]
        year = published_at.year if month <= published_at.month else published_at.year - 1
        end = _month_end(year, month)
        return min(end, published_at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0))
    if published_at is None:
        return None
    pub = published_at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for name, idx in _WEEKDAYS.items():
        if re.search(rf"\b{name}\b", p):
            delta = (pub.weekday() - idx) % 7
            if "next" in p:
                return pub + timedelta(days=(idx - pub.weekday()) % 7 or 7)
            if "last" in p and delta == 0:
                delta = 7
            return pub - timedelta(days=delta)
    if re.search(r"\b(today|tonight|this morning|this afternoon|this evening|now)\b", p):
        return pub
    if "yesterday" in p or "last night" in p:
        return pub - timedelta(days=1)
    if "tomorrow" in p:
        return pub + timedelta(days=1)
    if re.search(r"\bend of (the|this) year\b|\byear[- ]end\b|\bend of \d{4}", p):
        return _day(pub.year, 12, 31)
    if re.search(r"\bend of (the|this) month\b", p):
        return _month_end(pub.year, pub.month)
    if re.search(r"\bend of next month\b", p):
        y, mth = (pub.year + 1, 1) if pub.month == 12 else (pub.year, pub.month + 1)
        return _month_end(y, mth)
    if re.search(r"\b(earlier|early) this month\b", p):
        first = pub.replace(day=1)
        return first + (pub - first) / 2
    if re.search(r"\blast month\b", p):
        prev = pub.replace(day=1) - timedelta(days=1)
        return prev.replace(day=15) if prev.day >= 15 else prev
    if re.search(r"\blast week\b", p):
        # The middle (Wednesday) of the previous Monday-Sunday week.
        return pub - timedelta(days=pub.weekday() + 7) + timedelta(days=2)
    if re.search(r"\b(this week|recent days|past few days|past days|in recent weeks)\b", p):
        return pub
    if re.search(r"\bnext week\b", p):
        return pub + timedelta(days=7)
    if re.search(r"\b(earlier|early) this year\b", p):
        first = pub.replace(month=1, day=1)
        return first + (pub - first) / 2
    m = re.search(r"\b(\d+|a|one|two|three|four|five|six|seven) (day|week|month)s? ago\b", p)
    if m:
        words = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
        n = int(m.group(1)) if m.group(1).isdigit() else words[m.group(1)]
        days = {"day": 1, "week": 7, "month": 30}[m.group(2)] * n
        return pub - timedelta(days=days)
    return None


# Events a crowd is counted at: its size is a figure of that day.
_GATHERINGS = frozenset({"march", "rally", "protest", "demonstration", "vigil", "gathering", "procession",
                         "pilgrimage", "festival", "concert", "match", "sit-in"})  # fmt: skip
# ... by verbs of taking part (not "detained 38 during Saturday's rally", a count of its own day;
# nor "joined Wednesday's strike", which can last for days).
_TAKING_PART = frozenset({"take", "attend", "join", "march", "gather", "turn", "participate", "throng",
                          "flock", "fill", "pack", "come"})  # fmt: skip


def as_of_for(sent: Span, verb: Token | None, say: Token | None, published: datetime | None) -> datetime | None:
    """The date the claim is about: a date on its own verb, else on the reporting verb."""
    ranked: list[tuple[int, str]] = []
    top = verb if verb is not None else say
    scope = {t.i for t in top.subtree} if top is not None else set()
    for t in sent:
        if t.ent_iob_ != "B" or t.ent_type_ not in ("DATE", "TIME"):
            continue
        if t.ent_type_ == "TIME" and not any(x.lower_ in _WEEKDAYS for x in ent_span(t)):
            continue  # "at 3 p.m." dates nothing; "Wednesday night" does
        ent = ent_span(t)
        if ent.root.dep_ == "poss":
            if (
                ent.root.head.lemma_.lower() in _GATHERINGS
                and verb is not None
                and verb.lemma_.lower() in _TAKING_PART
                and ent.root.i in scope
            ):
                # "2,800 took part in Wednesday's march": a crowd is counted on its day
                ranked.append((0, ent.text))
            continue  # "Monday's earthquake" names an event, not the date of the figure
        if t.i > 0 and t.doc[t.i - 1].lower_ in ("since", "from"):
            continue  # "since Friday" is where a count started, not its date
        if any(a.lower_ == "from" and a.head.lower_ in ("up", "down") for a in ent.root.ancestors):
            continue  # "up from 2,900 a month ago": the date of the old figure
        v = nearest_verb(ent.root)
        if verb is not None and v == verb:
            ranked.append((0, ent.text))
        elif verb is not None and verb.dep_ == "advcl" and verb.tag_ == "VBG" and v == verb.head:
            ranked.append((0, ent.text))  # "struck on Monday, killing 1,200"
        elif (
            verb is not None
            and v is not None
            and v.dep_ == "conj"
            and v.head == verb
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in v.children)
        ):
            ranked.append((0, ent.text))  # "killed 14 and wounded 40 on Wednesday": both that day
        elif say is not None and v == say:
            ranked.append((1, ent.text))
        elif verb is not None and v is not None and v.lemma_.lower() in _SAYING and v in verb.ancestors:
            ranked.append((1, ent.text))  # "the governor said on Tuesday that ... officials counted 230"
        elif v is not None and v.i in scope and v.dep_ in ("acl", "xcomp"):
            ranked.append((2, ent.text))
    for _, text in sorted(ranked, key=lambda r: r[0]):
        d = resolve_date(text, published)
        if d is not None:
            return d
    return published


def date_in(phrase: Token, published: datetime | None) -> datetime | None:
    """The date a phrase names ("from 23 on Tuesday", "from the 27 he reported on Monday"),
    or None when it names none."""
    for t in phrase.subtree:
        if t.ent_iob_ == "B" and t.ent_type_ in ("DATE", "TIME"):
            d = resolve_date(ent_span(t).text, published)
            if d is not None:
                return d
    return None
