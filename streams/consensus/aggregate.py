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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial
from operator import attrgetter

from streams.consensus.intervals import weighted_median, weighted_quantile
from streams.consensus.settings import EngineSettings
from streams.consensus.state import Obs, Sup

_BY_SOURCE = attrgetter("source")
#: NamedTuple's generated __new__ is Python code; tuple.__new__ is not (hot path)
_sup: Callable[[tuple[object, ...]], Sup] = partial(tuple.__new__, Sup)  # type: ignore[assignment]

Estimate = tuple[float, float, float]


def consensus(
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
    * open_high: the weighted majority gave only lower bounds ("at least"),
      so the published high (the largest figure given) is really open;
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
    newest = max(o.t for o in obs)
    half_life_us = s.recency_half_life_s * 1e6
    presence_half_life_us = s.presence_half_life_s * 1e6
    min_conf = s.min_confidence
    neutral = s.neutral_weight
    weights: list[float] = []
    yes = no = 0.0
    num_obs: list[Obs] = []
    num_w: list[float] = []
    for o in obs:
        base = weight_of(o.source) * (o.conf if o.conf > min_conf else min_conf)
        age = newest - o.t
        stance = o.stance
        # presence: does the thing exist at all? That changes slower than a count
        wp = base
        if age and presence_half_life_us > 0:
            wp *= 0.5 ** (age / presence_half_life_us)
        if stance == "asserts":
            yes += wp
        elif stance == "denies":
            no += wp
        if o.point is not None and stance != "denies":
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

    total = sum(weights)
    digits = s.weight_digits
    inv = 1.0 / total if total > 0 else 0.0
    sups = tuple([
        _sup((o.source, o.raw, o.stance, round(w * inv, digits), o.event_id))
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
    """Best = weighted median of the points; interval = weighted ``q`` quantile
    of the lower bounds to the ``1 - q`` quantile of the upper bounds."""
    if len(nums) == 1:
        o = nums[0]
        lo, best, hi = o.lo, o.point, o.hi
        assert lo is not None and best is not None and hi is not None
    else:
        best = weighted_median([o.point for o in nums], ws)  # type: ignore[misc]
        lo = weighted_quantile([o.lo for o in nums], ws, q)  # type: ignore[misc]
        hi = weighted_quantile([o.hi for o in nums], ws, 1.0 - q)  # type: ignore[misc]
    open_high = math.isinf(hi)
    if open_high:
        # only lower bounds in the weighted majority: close the published
        # interval at the largest finite figure anyone gave, never below best
        finite = [
            x for o in nums for x in (o.point, o.hi) if x is not None and not math.isinf(x)
        ]
        hi = max([best, *finite])
    return (min(lo, best), best, max(hi, best)), open_high
