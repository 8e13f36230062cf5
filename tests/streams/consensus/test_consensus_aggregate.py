"""One claim's consensus from its statements (``streams.consensus.aggregate``)."""

from __future__ import annotations

import itertools

from streams.consensus.aggregate import consensus
from streams.domain.intervals import hedge_interval
from streams.domain.settings import EngineSettings
from streams.domain.state import Obs

DAY_US = 86_400 * 1_000_000


def statement(source: str, best: float, hedge: str = "exact", low: float | None = None,
              high: float | None = None) -> Obs:
    lo, point, hi = hedge_interval(best, low, high, hedge, 0.05)
    return Obs(f"ev-{source}", source, "asserts", lo, point, hi, (low, best, high, hedge),
               10 * DAY_US, 0.9, f"{source} said {best}", False)


def estimate_of(statements: list[Obs]) -> tuple[float, float, float] | None:
    est, _, _, _ = consensus(statements, lambda _: 1.0, EngineSettings(), 2.0)
    return est


def test_statements_on_the_same_figure_stand_in_the_core_together() -> None:
    # four sources on 8,000 (exact, "about", two ranges), one far-off source: three
    # of the four already hold the majority, but the core is a span of figures and
    # takes every statement on its figure, whichever name sorts first
    figures = [(8_000.0, "exact", None, None), (8_000.0, "approximately", None, None),
               (8_000.0, "range", 7_000.0, 9_000.0), (8_000.0, "range", 6_000.0, 10_000.0),
               (20_000.0, "exact", None, None)]
    together = estimate_of([statement(f"src {i}", *f) for i, f in enumerate(figures)])
    assert together == estimate_of([statement(f"src {i}", *f) for i, f in enumerate(figures[:4])])
    assert together is not None and together[0] < 8_000.0 < together[2] < 20_000.0
    for names in itertools.permutations(["alpha", "bravo", "charlie", "delta"]):
        renamed = [statement(n, *f) for n, f in zip(names, figures[:4], strict=True)]
        assert estimate_of([*renamed, statement("zulu", *figures[4])]) == together


def test_one_far_off_source_does_not_stretch_a_well_supported_interval() -> None:
    agreeing = [statement(f"src {i}", 1_000.0) for i in range(3)]
    assert estimate_of([*agreeing, statement("outlier", 50_000.0)]) == (1_000.0, 1_000.0, 1_000.0)


def test_an_even_split_between_sources_shows_as_a_wide_interval() -> None:
    est = estimate_of([statement("a", 1_000.0), statement("b", 3_000.0)])
    assert est == (1_000.0, 2_000.0, 3_000.0)
