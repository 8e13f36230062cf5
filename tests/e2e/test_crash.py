"""A worker killed mid-stream (SIGKILL: no shutdown, no final commit) and restarted.

At-least-once delivery means the restarted worker reads again whatever the
killed one had not committed. The effects must still happen once: every claim
ends on the consensus an offline replay of the same log gives (no statement
counted twice, none lost), each claim ends on its highest version (events
read again may publish their versions again: the last record per key is the
current one, as compaction keeps it), and an alert sent twice is the same
finding on the same statement, with the same ``alert_id`` for receivers to
deduplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections import defaultdict
from typing import Any

from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.replay import Replayer
from tests.e2e.harness import Cluster, TopicReader, WorkerProcess, unique_id
from tests.e2e.test_scale_out import summary, synthetic_log


async def wait_quiet(reader: TopicReader, topic: str, quiet_s: float = 10.0, timeout: float = 150.0) -> None:
    """Until nothing new arrived on ``topic`` for ``quiet_s`` (settle ticks run every 2 s)."""
    quiet_since, seen = time.monotonic(), -1
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and time.monotonic() - quiet_since < quiet_s:
        await asyncio.sleep(0.5)
        if len(reader.records[topic]) != seen:
            seen, quiet_since = len(reader.records[topic]), time.monotonic()


async def test_a_killed_worker_restarts_without_losing_or_doubling_anything(
    cluster: Cluster, worker_factory: Any
) -> None:
    events = synthetic_log(n_claims=60, seed=11)
    keys = {e.claim_key for e in events}
    app_id = unique_id("crash")
    first: WorkerProcess = worker_factory(app_id=app_id)
    first.start()
    await first.wait_ready()
    async with TopicReader(cluster, ["consensus.updated", "alerts.contradictions"]) as reader:
        await cluster.produce(
            "claims.observed", [e.model_dump(mode="json") for e in events], key=lambda d: d["claim_key"].encode()
        )
        await reader.wait_for(
            "consensus.updated", lambda r: len({u["claim_key"] for u in r}) >= len(keys) // 4,
            what="a quarter of the claims",
        )
        assert first.stop(signal.SIGKILL) == -signal.SIGKILL
        killed_at = len(reader.records["consensus.updated"])

        second: WorkerProcess = worker_factory(app_id=app_id)
        second.start()
        await second.wait_ready()
        await reader.wait_for(
            "consensus.updated", lambda r: {u["claim_key"] for u in r} >= keys, timeout=120, what="every claim"
        )
        # every claim ends where an offline replay of the whole log ends: nothing counted twice,
        # nothing lost. Source weights settle over several ticks (a loaded machine can be
        # quiet for a while in between), so wait for that end state, then for quiet.
        offline = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
        list(offline.feed(events))
        expected = {u.claim_key: u for u in offline.final()}
        want = summary({k: v.model_dump(mode="json") for k, v in expected.items()})

        def settled(records: list[dict[str, Any]]) -> bool:
            return summary({u["claim_key"]: u for u in records}) == want

        with contextlib.suppress(AssertionError):  # the assertions below say what differs
            await reader.wait_for("consensus.updated", settled, timeout=150, what="the offline consensus")
        await wait_quiet(reader, "consensus.updated")
        updates = list(reader.records["consensus.updated"])
        alerts = list(reader.records["alerts.contradictions"])

    assert killed_at < len(updates), "the restarted worker carried on"
    last: dict[str, dict[str, Any]] = {}
    versions: dict[str, list[int]] = defaultdict(list)
    for u in updates:
        last[u["claim_key"]] = u
        versions[u["claim_key"]].append(u["version"])
    assert summary(last) == summary({k: v.model_dump(mode="json") for k, v in expected.items()})
    for key, u in last.items():
        assert u["n_sources"] == expected[key].n_sources, key
        assert sorted(s["source"] for s in u["supporting"]) == sorted(s.source for s in expected[key].supporting)
    # a claim ends on its highest version (events read again after the kill may publish
    # their versions again, but the count never starts over below what was published)
    for key, seq in versions.items():
        assert last[key]["version"] == max(seq), f"{key}: {seq}"
    # an alert sent twice is the same finding on the same statement: receivers
    # deduplicate it by alert_id (the weights it quotes may have moved meanwhile)
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in alerts:
        by_id[a["alert_id"]].append(a)
    assert by_id, "the careless sources were contradicted"
    for alert_id, copies in by_id.items():
        same = {(c["claim_key"], c["kind"], c["observation"]["event_id"]) for c in copies}
        assert len(same) == 1, alert_id
