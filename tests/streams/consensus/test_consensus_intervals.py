"""Hedges become intervals; the weighted median behaves like a median."""

from __future__ import annotations

import math

import pytest

from streams.domain.intervals import fmt_interval, hedge_interval, weighted_median


@pytest.mark.parametrize(
    ("hedge", "best", "low", "high", "expected"),
    [
        ("exact", 40.0, None, None, (40.0, 40.0, 40.0)),
        ("approximately", 2000.0, None, None, (1900.0, 2000.0, 2100.0)),
        ("at_least", 214.0, None, None, (214.0, 214.0, math.inf)),
        ("more_than", 60.0, None, None, (60.0, 60.0, math.inf)),
        ("at_most", 15.0, None, None, (0.0, 15.0, 15.0)),
        ("up_to", 700.0, None, None, (0.0, 700.0, 700.0)),
        ("at_most", -4.0, None, None, (-4.0, -4.0, -4.0)),
        ("range", 11500.0, 11000.0, 12000.0, (11000.0, 11500.0, 12000.0)),
        ("nearly", 100.0, None, None, (95.0, 100.0, 100.0)),
        # explicit bounds from the extractor beat the hedge's default width
        ("approximately", 500.0, 450.0, 520.0, (450.0, 500.0, 520.0)),
        # an unknown hedge is taken at its word, no invented width
        ("reportedly", 8.0, None, None, (8.0, 8.0, 8.0)),
    ],
)
def test_hedge_interval(
    hedge: str, best: float, low: float | None, high: float | None,
    expected: tuple[float, float, float],
) -> None:
    assert hedge_interval(best, low, high, hedge, 0.05) == pytest.approx(expected)


def test_swapped_bounds_are_put_in_order() -> None:
    assert hedge_interval(30.0, 40.0, 20.0, "range", 0.05) == (20.0, 30.0, 40.0)


def test_weighted_median_follows_the_weight() -> None:
    assert weighted_median([1.0, 2.0, 100.0], [1.0, 1.0, 1.0]) == 2.0
    assert weighted_median([1.0, 2.0, 100.0], [1.0, 1.0, 5.0]) == 100.0
    # unsorted input, one heavy value
    assert weighted_median([9.0, 3.0, 5.0], [0.1, 3.0, 0.1]) == 3.0


def test_weighted_median_tie_is_the_midpoint() -> None:
    assert weighted_median([10.0, 20.0], [1.0, 1.0]) == 15.0
    assert weighted_median([10.0, math.inf], [1.0, 1.0]) == 10.0


def test_weighted_median_of_nothing_is_nan() -> None:
    assert math.isnan(weighted_median([1.0], [0.0]))


def test_intervals_read_like_a_person_wrote_them() -> None:
    assert fmt_interval(214.0, 214.0, math.inf, "at_least") == "at least 214"
    assert fmt_interval(11000.0, 11500.0, 12000.0, "range") == "11,000-12,000"
    assert fmt_interval(9500.0, 10000.0, 10500.0, "approximately") == "about 10,000"
    assert fmt_interval(3000.0, 3000.0, 3000.0, "exact") == "3,000"


def test_bounds_keep_twelve_significant_digits_and_whole_numbers_stay_exact() -> None:
    from streams.domain.intervals import _tidy

    assert _tidy(1500 * 1.1) == 1650.0
    assert _tidy(123456789012.0) == 123456789012.0
    assert _tidy(0.1 + 0.2) == 0.3
    assert _tidy(-7.0) == -7.0 and _tidy(math.inf) == math.inf
    assert hedge_interval(2000.0, None, None, "approximately", 0.1) == (1800.0, 2000.0, 2200.0)
