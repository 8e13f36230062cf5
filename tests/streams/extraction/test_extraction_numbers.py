"""Quantities and hedges -> intervals."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import ClaimObserved
from streams.extraction.numbers import parse_number, quantity_from_words


@pytest.mark.parametrize(
    ("phrase", "low", "best", "high", "hedge"),
    [
        ("approximately 10,000", 9_000, 10_000, 11_000, "approximately"),
        ("around 1,500", 1_350, 1_500, 1_650, "approximately"),
        ("an estimated 3,000", 2_700, 3_000, 3_300, "approximately"),
        ("some 800", 720, 800, 880, "approximately"),
        ("at least 214", 214, 214, None, "at_least"),
        ("up to 2,000", 0, 2_000, 2_000, "up_to"),
        ("more than 3,000", 3_000, 3_000, None, "more_than"),
        ("fewer than 50", 0, 50, 50, "less_than"),
        ("nearly 500", 450, 500, 500, "nearly"),
        ("between 10,000 and 12,000", 10_000, 11_000, 12_000, "range"),
        ("11,000-12,000", 11_000, 11_500, 12_000, "range"),
        ("11,000 - 12,000", 11_000, 11_500, 12_000, "range"),
        ("40 to 60", 40, 50, 60, "range"),
        ("ten thousand", 10_000, 10_000, 10_000, "exact"),
        ("1.5 million", 1_500_000, 1_500_000, 1_500_000, "exact"),
        ("two hundred and fifty", 250, 250, 250, "exact"),
        ("twenty-five", 25, 25, 25, "exact"),
        ("nearly half a million", 450_000, 500_000, 500_000, "nearly"),
        ("closer to 10,000", 9_000, 10_000, 11_000, "approximately"),
        ("at least a dozen", 12, 12, None, "at_least"),
        ("about a hundred", 90, 100, 110, "approximately"),
    ],
)
def test_hedged_quantities(phrase: str, low: float, best: float, high: float | None, hedge: str) -> None:
    q = quantity_from_words(phrase.replace("-", " - ").split() if " - " in phrase else phrase.split())
    assert q is not None
    assert q.hedge == hedge
    assert q.best == pytest.approx(best)
    assert (q.low is None and low is None) or q.low == pytest.approx(low)
    assert (q.high is None and high is None) or q.high == pytest.approx(high)


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [("dozens", 24, 99), ("hundreds", 200, 999), ("thousands", 2_000, 9_999),
     ("tens of thousands", 20_000, 99_999), ("several hundred", 300, 900)],
)  # fmt: skip
def test_vague_quantities_are_wide_intervals(phrase: str, low: float, high: float) -> None:
    q = quantity_from_words(phrase.split())
    assert q is not None and q.hedge == "vague"
    assert q.low == low and q.high == high and low < q.best < high


def test_not_a_number() -> None:
    assert quantity_from_words(["the", "troops"]) is None
    assert parse_number(["troops"]) is None
    assert parse_number(["a", "dozen"]) == 12


@pytest.mark.parametrize(
    ("words", "low", "best", "high", "hedge"),
    [
        # spaCy splits "Twenty-two" at the hyphen: it is one number, not the range 2-20.
        (["Twenty", "-", "two"], 22, 22, 22, "exact"),
        (["at", "least", "forty", "-", "one"], 41, 41, None, "at_least"),
        (["twenty", "-", "five", "thousand"], 25_000, 25_000, 25_000, "exact"),
        # a units word before the hyphen is a range, as before
        (["five", "-", "six"], 5, 5.5, 6, "range"),
        (["twenty", "-", "thirty"], 20, 25, 30, "range"),
    ],
)
def test_compound_number_words_split_by_the_tokenizer(
    words: list[str], low: float, best: float, high: float | None, hedge: str
) -> None:
    q = quantity_from_words(words)
    assert q is not None
    assert (q.low, q.best, q.high, q.hedge) == (low, best, high, hedge)


def test_sentence_initial_compound_number(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = extract("Thirty-seven people were arrested on Sunday, police said.")
    assert [c.value.best for c in cs if c.value is not None] == [37]
