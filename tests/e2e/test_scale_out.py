"""Scale-out: 4 partitions over 2 workers end in the same consensus as 1 worker.

Each worker owns the claims of its partitions, but source reliability is learned
from every claim; it travels through the reliability GlobalTable. This test
feeds the same ClaimObserved log to a one-worker and a two-worker deployment
and compares the settled consensus of every claim.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from schemas import ClaimObserved, Evidence, Source, Value
from tests.e2e.harness import Cluster, TopicReader, WorkerProcess, unique_id

GOOD = [f"agency-{i}" for i in range(6)]
BAD = ["rumour-mill", "sloppy-blog"]


def synthetic_log(n_claims: int = 24, seed: int = 7) -> list[ClaimObserved]:
    """Counts reported by six careful sources (within 1%) and two careless ones (far off)."""
    rng = random.Random(seed)
    events = []
    for c in range(n_claims):
        truth = rng.randint(2_000, 90_000)
        reporters = [*rng.sample(GOOD, 2), rng.choice(BAD)]
        if c % 3 == 0:
            reporters = [*rng.sample(GOOD, 1), *BAD]  # the careless pair outnumbers the careful one here
        for i, source in enumerate(reporters):
            off = rng.uniform(-0.01, 0.01) if source in GOOD else rng.choice([-1, 1]) * rng.uniform(0.4, 0.9)
            value = round(truth * (1 + off))
            key = f"town-{c}:population@region"
            events.append(
                ClaimObserved(
                    event_id=f"scale-{c}-{i}",
                    claim_key=key,
                    subject=f"town {c}",
                    measure="population",
                    value=Value(low=value, best=value, high=value, hedge="exact"),
                    source=Source(name=source),
                    article_id=f"art-{c}-{i}",
                    published_at=f"2024-01-{1 + i:02d}T00:00:00Z",  # type: ignore[arg-type]
                    as_of=f"2024-01-{1 + i:02d}T00:00:00Z",  # type: ignore[arg-type]
                    observed_at=f"2024-01-{1 + i:02d}T00:00:00Z",  # type: ignore[arg-type]
                    evidence=Evidence(text=f"{source} counted {value} people.", start=0, end=10),
                )
            )
    rng.shuffle(events)
    # Keep each claim's own reports in time order, as the log would have them.
    events.sort(key=lambda e: (e.published_at, e.claim_key))
    return events


async def settled(cluster: Cluster, workers: list[WorkerProcess], events: list[ClaimObserved]) -> dict[str, Any]:
    for w in workers:
        w.start()
    await asyncio.gather(*(w.wait_ready() for w in workers))
    async with TopicReader(cluster, ["consensus.updated"]) as reader:
        await cluster.produce(
            "claims.observed", [e.model_dump(mode="json") for e in events], key=lambda d: d["claim_key"].encode()
        )
        keys = {e.claim_key for e in events}
        await reader.wait_for(
            "consensus.updated", lambda r: {u["claim_key"] for u in r} >= keys, timeout=120, what="every claim"
        )
        # Settle ticks run every 2 s: wait until no claim has changed for a while.
        quiet_since, seen = time.monotonic(), 0
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and time.monotonic() - quiet_since < 10:
            await asyncio.sleep(0.5)
            if len(reader.records["consensus.updated"]) != seen:
                seen, quiet_since = len(reader.records["consensus.updated"]), time.monotonic()
        last: dict[str, Any] = {}
        for u in reader.records["consensus.updated"]:
            last[u["claim_key"]] = u
        return last


def summary(updates: dict[str, Any]) -> dict[str, tuple[float, float, float]]:
    return {
        k: (round(u["estimate"]["low"], 3), round(u["estimate"]["best"], 3), round(u["estimate"]["high"], 3))
        for k, u in updates.items()
    }


async def test_two_workers_settle_on_the_same_consensus_as_one(broker: tuple[str, bool]) -> None:
    events = synthetic_log()
    bootstrap, embedded = broker
    single_cluster = Cluster(bootstrap, embedded, prefix=unique_id("one") + ".")
    pair_cluster = Cluster(bootstrap, embedded, prefix=unique_id("two") + ".")

    env = {"CLAIMWATCH_PARTITIONS": "4"}
    single = WorkerProcess(single_cluster, unique_id("one"), _logs(), env)
    pair_app = unique_id("two")
    pair = [WorkerProcess(pair_cluster, pair_app, _logs(), env) for _ in range(2)]
    try:
        one = await settled(single_cluster, [single], events)
        two = await settled(pair_cluster, pair, events)
    finally:
        for w in [single, *pair]:
            w.stop()
    assert set(one) == set(two) == {e.claim_key for e in events}
    assert summary(one) == summary(two)
    # And the learned reliability did its job in both: careless sources lost their votes.
    for k, u in one.items():
        weights = {s["source"]: s["weight"] for s in u["supporting"]}
        if any(b in weights for b in BAD) and any(g in weights for g in GOOD):
            assert max(weights[g] for g in GOOD if g in weights) > max(weights[b] for b in BAD if b in weights), k


def _logs() -> Any:
    import os
    import tempfile
    from pathlib import Path

    path = Path(os.environ.get("CLAIMWATCH_TEST_ARTIFACTS") or tempfile.mkdtemp(prefix="cw-scale-"))
    path.mkdir(parents=True, exist_ok=True)
    return path
