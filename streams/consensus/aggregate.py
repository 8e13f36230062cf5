"""One claim's consensus from its kept statements and the sources' weights.

Robust by construction: the best value and both bounds are weighted medians,
so one wild figure moves nothing until enough trusted weight stands behind
it. Weights multiply the source's learned reliability, the statement's
recency within the claim (truth that moves is followed) and the extractor's
confidence. Denials never enter the numbers; they only lower the presence
probability.

This runs once per event, so it is one pass over the statements with the
common cases (one statement, exact figures, one date) short-cut; sums run in
source-name order so the result does not depend on arrival order.

This module is the reference. :mod:`._kernel` is its compiled twin (the same
operations on C doubles, the same bits out), built by ``pip install`` when
Cython and a C compiler are at hand; ``consensus`` below is that twin when it
was built and ``CLAIMWATCH_PURE_PYTHON`` is unset, else the Python function.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial
from operator import attrgetter

from streams.domain.intervals import INF, round_half_up, weighted_median_of_sorted, weighted_quantile
from streams.domain.intervals import total as _total
from streams.domain.settings import EngineSettings
from streams.domain.state import Obs, Sup

_BY_SOURCE = attrgetter("source")
#: NamedTuple's generated __new__ is Python code; tuple.__new__ is not (hot path)
_sup: Callable[[tuple[object, ...]], Sup] = partial(tuple.__new__, Sup)  # type: ignore[assignment]

Estimate = tuple[float, float, float]


def reference_consensus(
    observations: Iterable[Obs],
    weight_of: Callable[[str], float],
    settings: EngineSettings,
    presence_prior_weight: float,
) -> tuple[Estimate | None, bool, float | None, tuple[Sup, ...]]:
    """(estimate, open_high, presence probability, supporters) of one claim.

    * estimate: the weighted median of the numeric statements' points, inside
      the interval their weighted middle half allows (quantiles of the lows
      and highs, see :func:`weighted_quantile`); denials excluded; None
      without any numeric statement;
    * open_high: the weighted majority of the core gave only lower bounds
      ("at least"), so the published high (its largest figure) is really open;
    * presence: weighted share of assertions among assertions and denials,
      pulled towards 1/2 by ``presence_prior_weight`` so that one voice never
      gives certainty; None when nobody asserted or denied anything;
    * supporters: each statement with its share of the total weight.
    """
    obs = sorted(observations, key=_BY_SOURCE)
    if not obs:
        return None, False, None, ()
    if len(obs) == 1:
        return _single(obs[0], weight_of, settings, presence_prior_weight)
    s = settings
    newest = max([o.t for o in obs])
    half_life_us = s.recency_half_life_s * 1e6
    presence_half_life_us = s.presence_half_life_s * 1e6
    min_conf = s.min_confidence
    neutral = s.neutral_weight
    weights: list[float] = []
    yes = no = 0.0
    num_obs: list[Obs] = []
    num_w: list[float] = []
    for o in obs:
        _, source, stance, _, point, _, _, t, conf, _, _ = o
        base = weight_of(source) * (conf if conf > min_conf else min_conf)
        age = newest - t
        # presence: does the thing exist at all? That changes slower than a count
        wp = base
        if age and presence_half_life_us > 0:
            wp *= 0.5 ** (age / presence_half_life_us)
        if stance == "asserts":
            yes += wp
        elif stance == "denies":
            no += wp
        if point is not None and stance != "denies":
            w = base * (neutral if stance == "neutral" else 1.0)
            if age and half_life_us > 0:
                w *= 0.5 ** (age / half_life_us)
            if w > 0:
                num_obs.append(o)
                num_w.append(w)
        else:
            w = wp * (neutral if stance == "neutral" else 1.0)
        weights.append(w)

    est: Estimate | None = None
    open_high = False
    if num_obs:
        est, open_high = _estimate(num_obs, num_w, s.interval_quantile)

    presence = None
    if yes + no > 0.0:
        presence = (yes + presence_prior_weight / 2.0) / (yes + no + presence_prior_weight)

    all_weight = _total(weights)
    scale = 10.0 ** s.weight_digits
    inv = 1.0 / all_weight if all_weight > 0 else 0.0
    sups = tuple([
        _sup((o[1], o[6], o[2], round_half_up(w * inv, scale), o[0]))  # source, raw, stance, ..., event_id
        for o, w in zip(obs, weights, strict=True)
    ])
    return est, open_high, presence, sups


def _single(
    o: Obs, weight_of: Callable[[str], float], s: EngineSettings, presence_prior_weight: float
) -> tuple[Estimate | None, bool, float | None, tuple[Sup, ...]]:
    """The common case of a claim with one statement, without the loops."""
    w = weight_of(o.source) * (o.conf if o.conf > s.min_confidence else s.min_confidence)
    est: Estimate | None = None
    open_high = False
    if o.point is not None and o.stance != "denies" and w > 0:
        est, open_high = _estimate([o], [w], s.interval_quantile)
    presence = None
    if o.stance == "asserts":
        presence = (w + presence_prior_weight / 2.0) / (w + presence_prior_weight)
    elif o.stance == "denies":
        presence = (presence_prior_weight / 2.0) / (w + presence_prior_weight)
    share = 1.0 if w > 0 else 0.0
    return est, open_high, presence, (_sup((o.source, o.raw, o.stance, share, o.event_id)),)


def _estimate(nums: list[Obs], ws: list[float], q: float) -> tuple[Estimate, bool]:
    """Best = weighted median of the points; interval = the span the core allows.

    The core is the weighted *shorth*: the shortest run of statements (in
    order of their points) holding more than half of the weight (Andrews et
    al. 1972; Rousseeuw's least median of squares uses the same idea). It
    always contains the weighted median, and a minority cannot enter it
    unless it lies between members of the majority, so one far-off source
    does not stretch a well-supported interval to its own value, while an
    even split between trusted sources needs both sides and shows as a wide
    interval. The interval runs from the weighted ``q`` quantile of the
    core's lower bounds to the ``1 - q`` quantile of its upper bounds.

    An open-ended statement ("at least 40") says nothing about how high the
    truth may go: the consensus is open above only when such statements hold
    the weighted majority of the core. Otherwise they abstain on the upper
    side (each counts with the least value it allows, its lower bound), and
    the bounded statements give the upper bound.
    """
    if len(nums) == 1:
        o = nums[0]
        lo, best, hi = o.lo, o.point, o.hi
        assert lo is not None and best is not None and hi is not None
        open_high = math.isinf(hi)
        if open_high:
            hi = best  # the published interval closes at the figure given
        return (min(lo, best), best, max(hi, best)), open_high
    # one sort serves both the median and the core
    n = len(nums)
    points: list[float] = [o.point for o in nums]  # type: ignore[misc]
    pairs = sorted(zip(points, ws, range(n), strict=True))
    total = _total(ws)
    best = weighted_median_of_sorted(pairs, total)
    core = _shorth_of_sorted(pairs, total)
    if len(core) < n:
        nums = [nums[i] for i in core]
        ws = [ws[i] for i in core]
    lows: list[float] = [o.lo for o in nums]  # type: ignore[misc]
    highs: list[float] = [o.hi for o in nums]  # type: ignore[misc]
    lo = weighted_quantile(lows, ws, q)
    hi = INF
    open_high = False
    if INF in highs:
        open_w = _total(w for h, w in zip(highs, ws, strict=True) if h == INF)
        open_high = open_w * 2.0 > _total(ws) * (1.0 + 1e-12)
        if open_high:
            # the published interval closes at the largest figure the core gave
            figures: list[float] = [o.point for o in nums]  # type: ignore[misc]
            hi = max([best, *figures, *(h for h in highs if h != INF)])
        else:
            # an open-ended statement abstains above: it counts with its lower bound
            highs = [lw if h == INF else h for h, lw in zip(highs, lows, strict=True)]
    if not open_high:
        hi = weighted_quantile(highs, ws, 1.0 - q)
    return (min(lo, best), best, max(hi, best)), open_high


def _shorth_of_sorted(pairs: list[tuple[float, float, int]], total: float) -> list[int]:
    """Indices (in the statements' order) of the weighted shorth: the shortest
    span of points holding more than half the total weight, with every
    statement whose point lies in it; ties go to the lowest span, so the
    choice is deterministic. An exact half is not a majority (as in the
    weighted median, whose midpoint then lies inside the span)."""
    n = len(pairs)
    need = total / 2.0 * (1.0 + 1e-12)
    best_i, best_j, best_span = 0, n - 1, math.inf
    j = -1
    acc = 0.0
    for i in range(n):
        while acc <= need and j + 1 < n:
            j += 1
            acc += pairs[j][1]
        if acc <= need:
            break
        span = pairs[j][0] - pairs[i][0]
        if span < best_span:
            best_i, best_j, best_span = i, j, span
        acc -= pairs[i][1]
    # statements with the same point stand or fall together: the core is a span
    # of values, so which of them the sort put first cannot matter
    lowest, highest = pairs[best_i][0], pairs[best_j][0]
    while best_i > 0 and pairs[best_i - 1][0] == lowest:
        best_i -= 1
    while best_j < n - 1 and pairs[best_j + 1][0] == highest:
        best_j += 1
    if best_i == 0 and best_j == n - 1:
        return list(range(n))
    return sorted([p[2] for p in pairs[best_i:best_j + 1]])


#: the signature both implementations share
ConsensusFn = Callable[
    [Iterable[Obs], Callable[[str], float], EngineSettings, float],
    tuple[Estimate | None, bool, float | None, tuple[Sup, ...]],
]


def _compiled() -> ConsensusFn | None:
    """The compiled twin, unless it was not built or ``CLAIMWATCH_PURE_PYTHON`` is set."""
    from streams.config import get_settings

    if get_settings().pure_python:
        return None
    try:
        from streams.consensus._kernel import consensus as compiled
    except ImportError:
        return None
    return compiled


_kernel_consensus = _compiled()
#: whether ``consensus`` is the compiled twin (for the benchmark and the logs)
COMPILED = _kernel_consensus is not None
#: what the engine calls: the compiled twin when it was built, else the reference
consensus: ConsensusFn = _kernel_consensus or reference_consensus
