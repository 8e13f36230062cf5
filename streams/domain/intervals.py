"""Hedged values as intervals, and the robust weighted statistics over them.

An "at least 214" is not the number 214: it is the interval [214, ∞). Every
quantity the engine sees is first turned into ``(low, point, high)`` here, so the
aggregation and the contradiction rules reason about intervals, never about a
bare number with a word attached.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

INF = math.inf

_APPROX = {"approximately", "about", "around", "roughly", "estimated", "some", "vague"}
_LOWER = {"at_least", "more_than", "over", "above", "greater_than", "upwards_of"}
_UPPER = {"at_most", "less_than", "up_to", "under", "below", "fewer_than"}
_NEARLY = {"nearly", "almost", "just_under"}


def hedge_interval(
    best: float, low: float | None, high: float | None, hedge: str, approx_tolerance: float
) -> tuple[float, float, float]:
    """``(low, point, high)`` for a value as stated; ``high`` may be ``inf``.

    Explicit low/high from the extractor win; the hedge only fills what is
    missing. ``point`` is the single number used for the weighted median: the
    stated best for most hedges, the bound itself for one-sided ones.
    """
    h = _KIND.get(hedge) if hedge else _EXACT
    if h is None:
        h = _hedge_kind(hedge)
    if h is _RANGE:
        lo = low if low is not None else best
        hi = high if high is not None else best
    elif h is _LOWER_KIND:
        lo = low if low is not None else best
        hi = high if high is not None and high > lo else INF
    elif h is _UPPER_KIND:
        hi = high if high is not None else best
        # counts are not negative; a negative bound (a temperature) stays closed
        lo = low if low is not None and low < hi else (0.0 if hi >= 0 else hi)
    elif h is _NEARLY_KIND:
        lo = low if low is not None else best * (1.0 - approx_tolerance)
        hi = high if high is not None else best
    elif h is _APPROX_KIND:
        span = abs(best) * approx_tolerance
        lo = low if low is not None else best - span
        hi = high if high is not None else best + span
    else:  # exact and any hedge we do not know: trust explicit bounds only
        lo = low if low is not None else best
        hi = high if high is not None else best
    if lo > hi:
        lo, hi = hi, lo
    point = min(max(best, lo), hi)
    return _tidy(lo), point, _tidy(hi)


_RANGE, _LOWER_KIND, _UPPER_KIND, _NEARLY_KIND, _APPROX_KIND, _EXACT = (
    "range", "lower", "upper", "nearly", "approx", "exact"
)
#: hedge as written → its kind (a memo: the spelling is normalised once per
#: distinct string, not three string copies per statement)
_KIND: dict[str, str] = {}


def _hedge_kind(hedge: str) -> str:
    """The kind of a hedge however it is spelled (``At-Least``, ``at least``)."""
    h = hedge.lower().replace("-", "_").replace(" ", "_")
    kind = (
        _RANGE if h == "range" else _LOWER_KIND if h in _LOWER else _UPPER_KIND if h in _UPPER
        else _NEARLY_KIND if h in _NEARLY else _APPROX_KIND if h in _APPROX else _EXACT
    )
    if len(_KIND) >= 1024:
        _KIND.clear()  # bounded: hostile input may spell hedges any way it likes
    _KIND[hedge] = kind
    return kind


def _tidy(x: float) -> float:
    """1500 * 1.1 is 1650.0000000000002 in binary: keep 12 significant digits."""
    if x == 0.0 or math.isinf(x) or (-1e12 < x < 1e12 and x % 1.0 == 0.0):
        return x  # whole numbers below 10**12 have no more than 12 digits to tidy
    return float(f"{x:.12g}")


def total(xs: Iterable[float]) -> float:
    """Left-to-right sum. Not ``sum()``: from Python 3.12 on, ``sum`` of floats is
    compensated, and the consensus must be the same bits on every Python (and
    in the compiled twin of the aggregate, :mod:`._kernel`)."""
    acc = 0.0
    for x in xs:
        acc += x
    return acc


def round_half_up(x: float, scale: float) -> float:
    """``x`` to the nearest multiple of ``1 / scale`` (``scale`` = 10 ** digits),
    halves up, in float arithmetic. Not ``round(x, digits)``: that one is
    correctly rounded through decimal strings, several times slower, and
    has no C equivalent for the compiled twin to give the same bits."""
    return math.floor(x * scale + 0.5) / scale


def weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    """The weighted median of ``values`` (need not be sorted).

    When the cumulative weight lands exactly on one half between two values
    (two equally trusted sources), the midpoint is returned, like the ordinary
    median. Infinite values are allowed; zero total weight gives ``nan``.
    Weights are summed in the order given, so equal inputs give equal bits.
    """
    if len(values) == 1:
        return values[0] if weights[0] > 0.0 else math.nan
    return weighted_median_of_sorted(sorted(zip(values, weights, strict=True)), total(weights))


def weighted_median_of_sorted(pairs: Sequence[tuple[float, ...]], total: float) -> float:
    """:func:`weighted_median` of ``(value, weight, ...)`` tuples already sorted,
    whose weights sum to ``total`` (for a caller that needs the sort itself)."""
    if total <= 0.0:
        return math.nan
    upper = total / 2.0 * (1.0 + 1e-12)
    lower = total / 2.0 * (1.0 - 1e-12)
    acc = 0.0
    n = len(pairs)
    for i in range(n):
        v, w = pairs[i][0], pairs[i][1]
        acc += w
        if acc > upper:
            return v
        if acc >= lower:
            # exactly half: the median sits between this value and the next
            j = i + 1
            while j < n and pairs[j][1] <= 0.0:
                j += 1
            if j >= n:
                return v
            nxt = pairs[j][0]
            if math.isinf(v) or math.isinf(nxt):
                return v if not math.isinf(v) else nxt
            return (v + nxt) / 2.0
    return pairs[-1][0]


def weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float) -> float:
    """The smallest value with at least ``q`` of the total weight at or below it.

    With ``q`` = 1/4 over the lower bounds and 3/4 over the upper bounds this
    gives the consensus interval: the spread of what the weighted middle half
    of the statements allow, so agreeing sources give their common interval
    and a split between trusted sources shows as a wide one.
    """
    if len(values) == 1:
        return values[0]
    pairs = sorted(zip(values, weights, strict=True))
    target = q * total(weights) * (1.0 - 1e-12)
    acc = 0.0
    for v, w in pairs:
        acc += w
        if w > 0.0 and acc >= target:
            return v
    return pairs[-1][0]


def interval_gap(lo1: float, hi1: float, lo2: float, hi2: float) -> float:
    """Distance between two intervals; 0 when they overlap."""
    if hi1 < lo2:
        return lo2 - hi1
    if hi2 < lo1:
        return lo1 - hi2
    return 0.0


def fmt_number(x: float) -> str:
    """A number as a person would write it in a sentence: 10,000 / 2.5 / ≥ ∞."""
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if abs(x - round(x)) < 1e-9 and abs(x) < 1e15:
        return f"{round(x):,}"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def fmt_interval(lo: float, point: float, hi: float, hedge: str | None = None) -> str:
    """``10,000``, ``11,000-12,000``, ``at least 214``, ``about 3,000`` for reasons."""
    h = (hedge or "").lower()
    if math.isinf(hi) and not math.isinf(lo):
        return f"at least {fmt_number(lo)}"
    if h in _UPPER and lo <= 0.0:
        return f"at most {fmt_number(hi)}"
    if lo == hi:
        return fmt_number(point)
    if h in _APPROX:
        return f"about {fmt_number(point)}"
    if h == "range" or point in (lo, hi):
        return f"{fmt_number(lo)}-{fmt_number(hi)}"
    return f"{fmt_number(point)} ({fmt_number(lo)}-{fmt_number(hi)})"
