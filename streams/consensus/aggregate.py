"""One claim's consensus from its kept statements and the sources' weights.

Robust by construction: the best value and both bounds are weighted medians,
so one wild figure moves nothing until enough trusted weight stands behind
it. Weights multiply the source's learned reliability, the statement's
recency within the claim (truth that moves is followed) and the extractor's
confidence. Denials never enter the numbers; they only lower the presence
probability.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from streams.consensus.intervals import weighted_median
from streams.consensus.settings import EngineSettings
from streams.consensus.state import Obs, Sup


def statement_weights(
    observations: Iterable[Obs], weight_of: Callable[[str], float], settings: EngineSettings
) -> list[tuple[Obs, float]]:
    """Each kept statement with its aggregation weight, sorted by source name."""
    obs = sorted(observations, key=lambda o: o.source)
    if not obs:
        return []
    newest = max(o.t for o in obs)
    half_life_us = settings.recency_half_life_s * 1e6
    out = []
    for o in obs:
        rec = 0.5 ** ((newest - o.t) / half_life_us) if half_life_us > 0 else 1.0
        w = weight_of(o.source) * rec * max(o.conf, settings.min_confidence)
        if o.stance == "neutral":
            w *= settings.neutral_weight
        out.append((o, w))
    return out


def estimate(
    weighted: list[tuple[Obs, float]],
) -> tuple[tuple[float, float, float] | None, bool]:
    """((low, best, high), open_high) from the numeric statements; (None, False) without any.

    ``open_high`` says the weighted majority gave only lower bounds; ``high``
    is then closed at the largest figure anyone gave, for publication.
    """
    nums = [(o, w) for o, w in weighted if o.point is not None and o.stance != "denies" and w > 0]
    if not nums:
        return None, False
    ws = [w for _, w in nums]
    best = weighted_median([o.point for o, _ in nums], ws)  # type: ignore[misc]
    low = weighted_median([o.lo for o, _ in nums], ws)  # type: ignore[misc]
    high = weighted_median([o.hi for o, _ in nums], ws)  # type: ignore[misc]
    open_high = math.isinf(high)
    if open_high:
        # the weighted majority only gives lower bounds: the interval closes at
        # the largest finite figure anyone gave, never below the best value
        finite = [
            x for o, _ in nums for x in (o.point, o.hi) if x is not None and not math.isinf(x)
        ]
        high = max([best, *finite])
    low = min(low, best)
    high = max(high, best)
    return (low, best, high), open_high


def presence(
    weighted: list[tuple[Obs, float]], prior_weight: float
) -> float | None:
    """Probability that the claimed thing is real: weighted share of assertions.

    ``prior_weight`` of pseudo-evidence at 1/2 keeps one voice from giving
    certainty. None when nobody asserted or denied anything.
    """
    yes = math.fsum(w for o, w in weighted if o.stance == "asserts")
    no = math.fsum(w for o, w in weighted if o.stance == "denies")
    if yes + no <= 0.0:
        return None
    return (yes + prior_weight / 2.0) / (yes + no + prior_weight)


def supporters(weighted: list[tuple[Obs, float]], digits: int) -> tuple[Sup, ...]:
    """The ``supporting`` list: each source's statement and its share of the weight."""
    total = math.fsum(w for _, w in weighted)
    return tuple(
        Sup(
            source=o.source,
            raw=o.raw,
            stance=o.stance,
            weight=round(w / total, digits) if total > 0 else 0.0,
            event_id=o.event_id,
        )
        for o, w in weighted
    )
