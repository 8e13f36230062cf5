"""Quantities in text and their hedges, as intervals.

"approximately 10,000" is not the same statement as "at least 10,000" or
"between 10,000 and 12,000": consensus needs the interval the source actually
committed to. This module turns a run of tokens ("an estimated 3,000",
"11,000-12,000", "ten thousand", "dozens") into a ``Quantity`` with
low/best/high and a hedge code (see ``schemas.events.Value``).

Works on plain strings (token texts) so it can be tested without a parser;
the extractor feeds it the token texts of a spaCy sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
_MAGNITUDES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
               "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}  # fmt: skip
_DOZEN = {"dozen": 12, "score": 20}
# Plural magnitude words used on their own: (low, best, high).
VAGUE: dict[str, tuple[float, float, float]] = {
    "dozens": (24, 36, 99),
    "scores": (40, 60, 99),
    "hundreds": (200, 300, 999),
    "thousands": (2_000, 3_000, 9_999),
    "millions": (2_000_000, 3_000_000, 9_999_999),
}
_NUMERIC = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
_DIGIT_RANGE = re.compile(r"^(\d[\d,.]*)[-–—](\d[\d,.]*)$")
_NUM_WITH_SUFFIX = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|bn)$", re.I)

# Hedge phrases, longest first, as tuples of lowercase words that precede the number.
_HEDGES: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("approximately",), "approximately"),
        (("about",), "approximately"),
        (("around",), "approximately"),
        (("roughly",), "approximately"),
        (("some",), "approximately"),
        (("circa",), "approximately"),
        (("an", "estimated"), "approximately"),
        (("estimated",), "approximately"),
        (("approx",), "approximately"),
        (("approx", "."), "approximately"),
        (("more", "or", "less"), "approximately"),
        (("at", "least"), "at_least"),
        (("no", "fewer", "than"), "at_least"),
        (("no", "less", "than"), "at_least"),
        (("a", "minimum", "of"), "at_least"),
        (("at", "most"), "at_most"),
        (("no", "more", "than"), "at_most"),
        (("a", "maximum", "of"), "at_most"),
        (("up", "to"), "up_to"),
        (("as", "many", "as"), "up_to"),
        (("more", "than"), "more_than"),
        (("over",), "more_than"),
        (("in", "excess", "of"), "more_than"),
        (("upwards", "of"), "more_than"),
        (("well", "over"), "more_than"),
        (("just", "over"), "more_than"),
        (("less", "than"), "less_than"),
        (("fewer", "than"), "less_than"),
        (("under",), "less_than"),
        (("just", "under"), "less_than"),
        (("nearly",), "nearly"),
        (("almost",), "nearly"),
        (("close", "to"), "nearly"),
        (("closer", "to"), "approximately"),
        (("in", "the", "region", "of"), "approximately"),
        (("just", "shy", "of"), "nearly"),
        (("some",), "approximately"),
    ],
    key=lambda h: -len(h[0]),
)
HEDGE_WORDS = frozenset(w for phrase, _ in _HEDGES for w in phrase)


@dataclass(frozen=True)
class Quantity:
    """An interval a source committed to. ``high`` None means open-ended."""

    low: float | None
    best: float
    high: float | None
    hedge: str


def is_number_word(word: str) -> bool:
    """True for anything that can be part of a written number ("ten", "1,500", "million")."""
    w = word.lower()
    return (
        bool(_NUMERIC.match(w))
        or bool(_NUM_WITH_SUFFIX.match(w))
        or (w in _UNITS and w not in ("a", "an"))
        or (w in _MAGNITUDES and w not in ("k", "m", "mn", "bn"))
        or w in _DOZEN
        or _is_hyphenated_words(w)
    )


def _is_hyphenated_words(w: str) -> bool:
    parts = w.split("-")
    return len(parts) == 2 and all(p in _UNITS and p not in ("a", "an") for p in parts)


def parse_number(words: list[str]) -> float | None:
    """The value of a written number: ["1.5", "million"], ["ten", "thousand"], ["twenty-five"].

    Returns None when the words are not a number.
    """
    total = 0.0
    current = 0.0
    seen = False
    ws = [w.lower().strip() for w in words]
    if len(ws) >= 3 and ws[0] == "half" and ws[1] in ("a", "an"):
        ws = ["0.5", *ws[2:]]  # "half a million"
    for w in ws:
        if not w or w == "and":
            continue
        m = _NUM_WITH_SUFFIX.match(w)
        if m:
            current += float(m.group(1)) * _MAGNITUDES[m.group(2).lower()]
            seen = True
        elif _NUMERIC.match(w):
            current += float(w.replace(",", ""))
            seen = True
        elif _is_hyphenated_words(w):
            a, b = w.split("-")
            current += _UNITS[a] + _UNITS[b]
            seen = True
        elif w in _UNITS:
            current += _UNITS[w]
            seen = seen or w not in ("a", "an")
        elif w in _DOZEN:
            current = (current or 1) * _DOZEN[w]
            seen = True
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w in _MAGNITUDES:
            total += (current or 1) * _MAGNITUDES[w]
            current = 0.0
            seen = True
        else:
            return None
    if not seen:
        return None
    return total + current


def hedge_before(words: list[str]) -> tuple[str, int]:
    """The hedge ending right before a number, and how many words it spans.

    ``words`` are the lowercase words preceding the number, nearest last.
    """
    for phrase, code in _HEDGES:
        n = len(phrase)
        if n <= len(words) and tuple(words[-n:]) == phrase:
            return code, n
    return "exact", 0


def interval(best: float, hedge: str) -> Quantity:
    """The interval implied by a single figure and its hedge."""
    if hedge == "approximately":
        return Quantity(best * 0.9, best, best * 1.1, hedge)
    if hedge == "at_least":
        return Quantity(best, best, None, hedge)
    if hedge == "more_than":
        return Quantity(best, best, None, hedge)
    if hedge in ("up_to", "at_most"):
        return Quantity(0.0, best, best, hedge)
    if hedge == "less_than":
        return Quantity(0.0, best, best, hedge)
    if hedge == "nearly":
        return Quantity(best * 0.9, best, best, hedge)
    return Quantity(best, best, best, "exact")


def range_quantity(a: float, b: float) -> Quantity:
    """ "between 10,000 and 12,000" / "11,000-12,000"."""
    lo, hi = min(a, b), max(a, b)
    return Quantity(lo, (lo + hi) / 2, hi, "range")


def vague_quantity(words: list[str]) -> Quantity | None:
    """ "dozens", "hundreds", "tens of thousands", "several hundred", "a few thousand"."""
    ws = [w.lower() for w in words]
    if ws[-3:] == ["tens", "of", "thousands"]:
        return Quantity(20_000, 30_000, 99_999, "vague")
    if ws[-3:] == ["hundreds", "of", "thousands"]:
        return Quantity(200_000, 300_000, 999_999, "vague")
    if ws[-3:] == ["tens", "of", "millions"]:
        return Quantity(20_000_000, 30_000_000, 99_999_999, "vague")
    if len(ws) >= 2 and ws[-2] in ("several", "few") and ws[-1] in _MAGNITUDES:
        mag = _MAGNITUDES[ws[-1]]
        if ws[-2] == "few":
            return Quantity(2 * mag, 3 * mag, 5 * mag, "vague")
        return Quantity(3 * mag, 5 * mag, 9 * mag, "vague")
    if ws and ws[-1] in VAGUE:
        lo, best, hi = VAGUE[ws[-1]]
        return Quantity(lo, best, hi, "vague")
    return None


_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
_ONES = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})


def _join_compound_numbers(ws: list[str]) -> list[str]:
    """["twenty", "-", "two"] -> ["twenty-two"]: the tokenizer splits a compound number word
    at its hyphen, which would otherwise read as the range 2-20. A tens word and a units word
    only: "five-six" stays a range."""
    out: list[str] = []
    i = 0
    while i < len(ws):
        if i + 2 < len(ws) and ws[i] in _TENS and ws[i + 1] == "-" and ws[i + 2] in _ONES:
            out.append(f"{ws[i]}-{ws[i + 2]}")
            i += 3
            continue
        out.append(ws[i])
        i += 1
    return out


def quantity_from_words(words: list[str]) -> Quantity | None:
    """A whole quantity phrase as words, hedge included.

    Examples: ["approximately", "10,000"], ["between", "10,000", "and", "12,000"],
    ["11,000", "-", "12,000"], ["up", "to", "2,000"], ["dozens"], ["1.5", "million"].
    """
    ws: list[str] = []
    for w in words:
        w = w.lower().strip()
        m = _DIGIT_RANGE.match(w)
        if m:
            ws.extend([m.group(1), "-", m.group(2)])
        elif w:
            ws.append(w)
    if not ws:
        return None
    ws = _join_compound_numbers(ws)
    for k in range(len(ws) - 2):
        if ws[k] == "half" and ws[k + 1] in ("a", "an") and ws[k + 2] in _MAGNITUDES:
            ws = [*ws[:k], "0.5", *ws[k + 2 :]]  # "half a million"
            break
    vq = vague_quantity(ws)
    if vq is not None:
        return vq
    # Find the numeric core: the longest run of number words at the end, maybe a range.
    end = len(ws)
    start = end
    while start > 0 and (
        is_number_word(ws[start - 1])
        or (ws[start - 1] == "and" and start >= 2 and ws[start - 2] in _MAGNITUDES and ws[start] in _UNITS)
    ):
        start -= 1
    if start == end:
        return None
    second = parse_number(ws[start:end])
    if second is None:
        return None
    # Range: "<num> - <num>", "<num> to <num>", "between <num> and <num>".
    if start >= 2 and ws[start - 1] in ("-", "–", "—", "to", "and"):
        j = start - 1
        k = j
        while k > 0 and is_number_word(ws[k - 1]):
            k -= 1
        if k < j:
            first = parse_number(ws[k:j])
            if first is not None:
                if ws[j] == "and" and not (k > 0 and ws[k - 1] == "between"):
                    first = None
                if first is not None:
                    # "10-12,000" style: scale the first figure like the second.
                    if first < second / 100 and second >= 1000 and first < 1000:
                        scale = 10 ** (len(str(int(second))) - len(str(int(first))))
                        first *= scale
                    return range_quantity(first, second)
    before = ws[:start]
    if before and before[-1] in ("a", "an") and ws[start] in (*_MAGNITUDES, *_DOZEN):
        before = before[:-1]  # "at least a dozen": the hedge is before the article
    hedge, _ = hedge_before(before)
    return interval(second, hedge)
