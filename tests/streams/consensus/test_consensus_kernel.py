"""The compiled twin of the per-claim consensus gives the Python reference's bits.

The replay, the stream and every stored figure depend on the consensus being
the same bits wherever it runs; the compiled kernel is only allowed to be
faster. So: random claims through both (compared by ``repr``, which tells
-0.0 from 0.0 and shows every float exactly), and a whole replay through the
command line with and without ``CLAIMWATCH_PURE_PYTHON``.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from schemas.codec import dumps
from streams.consensus import aggregate
from streams.domain.intervals import hedge_interval
from streams.domain.settings import EngineSettings
from streams.domain.state import Obs

kernel = pytest.importorskip(
    "streams.consensus._kernel", reason="the compiled kernel is not built (pure Python install)"
)

HEDGES = ["exact", "exact", "approximately", "at_least", "more_than", "range", "up_to", "nearly"]


def random_claim(rng: random.Random) -> list[Obs]:
    """A claim's statements, built to hit the edge cases: ties on figures, weights
    and dates, open upper bounds, denials, neutral and bare statements."""
    n = rng.choice([1, 1, 2, 2, 3, 4, 5, 7, 12, 60])  # 60: past the kernel's own sorts
    figures = [rng.choice([10.0, 12.0, 12.0, 250.0, 1e6]) * rng.choice([1, 1, 1.5, 0.3]) for _ in range(4)]
    out = []
    for i in range(n):
        stance = rng.choice(["asserts"] * 6 + ["denies", "neutral"])
        raw = lo = point = hi = None
        if stance != "denies" and rng.random() < 0.9:
            best = rng.choice(figures)
            hedge = rng.choice(HEDGES)
            low = high = None
            if hedge == "range":
                low, high = best * 0.8, best * 1.25
            raw = (low, best, high, hedge)
            lo, point, hi = hedge_interval(best, low, high, hedge, 0.05)
        t = rng.choice([0, 0, 3_600_000_000, 86_400_000_000 * rng.randint(1, 40)])
        conf = rng.choice([1.0, 0.9, 0.5, rng.random(), 0.05])
        out.append(Obs(f"ev-{i}", f"source-{rng.randint(0, 9)}-{i}", stance, lo, point, hi, raw, t,
                       conf, "text", False))
    return out


def weights(rng: random.Random) -> dict[str, float]:
    return {f"source-{k}-{i}": rng.choice([0.01, 0.69, 1.0, 2.5, rng.random() * 4])
            for k in range(10) for i in range(12) if rng.random() < 0.8}


@pytest.mark.parametrize("seed", range(5))
def test_random_claims_give_the_same_bits(seed: int) -> None:
    rng = random.Random(seed)
    settings = EngineSettings()
    for _ in range(2_000):
        table = weights(rng)
        statements = random_claim(rng)
        prior = rng.choice([0.0, 0.17, 0.5])

        def weight_of(source: str, table: dict[str, float] = table) -> float:
            return table.get(source, 0.69)

        want = aggregate.reference_consensus(statements, weight_of, settings, prior)
        got = kernel.consensus(statements, weight_of, settings, prior)
        assert repr(got) == repr(want), statements


def test_the_engine_uses_the_kernel_when_it_is_built() -> None:
    assert aggregate.COMPILED
    assert aggregate.consensus is kernel.consensus


def _replay(lines: bytes, env: dict[str, str]) -> bytes:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", "replay", "-"], input=lines, env=env,
        capture_output=True, check=True, cwd=Path(__file__).resolve().parents[3],
    ).stdout


def test_a_replay_is_byte_identical_with_and_without_the_kernel() -> None:
    from streams.bench.consensus import synthetic_stream

    lines = b"".join(dumps(e) + b"\n" for e in synthetic_stream(4_000, seed=3))
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if k != "CLAIMWATCH_PURE_PYTHON"}
    compiled = _replay(lines, env)
    pure = _replay(lines, {**env, "CLAIMWATCH_PURE_PYTHON": "1"})
    assert compiled.count(b"\n") > 4_000
    assert compiled == pure
