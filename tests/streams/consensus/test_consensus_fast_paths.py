"""The engine's inlined fast paths decide exactly as the functions they stand for.

Replay speed (issue 12) moved a few checks into the hot loop: the agreement
pre-check before the contradiction rules (``ConsensusEngine._agrees`` for
``within_tolerance``) and the memo of hedge spellings in ``hedge_interval``.
A replay's bytes depend on them, so each is compared here with the
reference on random and edge-case inputs (infinities, NaN, signed zeros).
"""

from __future__ import annotations

import math
import random

from streams.consensus import ConsensusEngine
from streams.contradiction.rules import within_tolerance
from streams.domain.intervals import hedge_interval
from streams.domain.settings import EngineSettings
from streams.domain.state import Obs, Snapshot

VALUES = [0.0, -0.0, 1.0, 0.5, 12.0, 12.5, 100.0, 101.0, 250.0, 1e6, 1e12, -5.0, math.inf,
          -math.inf, math.nan]


def _obs(rng: random.Random) -> Obs:
    stance = rng.choice(["asserts", "asserts", "denies", "neutral"])
    if rng.random() < 0.15:
        lo = point = hi = None
    else:
        a, b = sorted([rng.choice(VALUES), rng.choice(VALUES)], key=lambda x: (math.isnan(x), x))
        lo, point, hi = a, rng.choice([a, b]), rng.choice([b, math.inf])
    return Obs("e", "s", stance, lo, point, hi, None, 0, 1.0, "text", False)


def _snapshot(rng: random.Random) -> Snapshot:
    est = None
    if rng.random() > 0.1:
        lo, best, hi = sorted(rng.choice(VALUES) for _ in range(3))
        est = (lo, best, hi)
    return Snapshot(1, est, None, (), 0, "t", rng.random() < 0.3, None)


def test_agrees_is_within_tolerance() -> None:
    engine = ConsensusEngine(EngineSettings())
    alerts = engine.settings.alerts
    rng = random.Random(12)
    for _ in range(20_000):
        new, before = _obs(rng), _snapshot(rng)
        expected = (
            new.point is not None and new.stance != "denies" and before.estimate is not None
            and within_tolerance(alerts, new, before.estimate, before.open_high)
        )
        assert engine._agrees(new, before) is expected, (new, before)


def test_hedge_spellings_share_their_kind() -> None:
    spellings = {
        "at_least": ["at_least", "At-Least", "at least", "AT_LEAST"],
        "up_to": ["up_to", "Up-To", "up to"],
        "approximately": ["approximately", "Approximately"],
        "nearly": ["nearly", "NEARLY"],
        "range": ["range", "Range"],
        "exact": ["exact", "", "whatever", "Exact"],
    }
    for canonical, variants in spellings.items():
        for best, low, high in [(100.0, None, None), (100.0, 90.0, None), (100.0, None, 120.0),
                                (-3.0, None, None), (0.0, 5.0, 1.0)]:
            want = hedge_interval(best, low, high, canonical, 0.05)
            for hedge in variants * 2:  # twice: the second call reads the memo
                got = hedge_interval(best, low, high, hedge, 0.05)
                assert repr(got) == repr(want), (hedge, best, low, high)
