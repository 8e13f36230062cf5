"""Workers killed mid-stream (SIGKILL: no shutdown, no final commit), one setup for two faults.

Two workers share 4 partitions and a webhook receiver. 2,100 ClaimObserved events go
in; once a quarter of the claims have a consensus, one worker is killed:

* the other takes over its partitions and finishes the stream alone: every claim
  ends on the consensus an uninterrupted (offline) replay of the same log gives;
* the killed worker is restarted (it gets partitions back and recovers their
  Table from the changelog), a second wave of 700 events goes in, and every
  claim ends on the offline replay of both waves.

At-least-once delivery means a worker reads again whatever the killed one had not
committed. The effects must still happen once: no statement counted twice, none
lost; each claim ends on its highest version (events read again may publish their
versions again: the last record per key is the current one, as compaction keeps
it); an alert sent twice is the same finding on the same statement, with the same
``alert_id``; every alert reaches the receiver at least once, carrying its
``alert_id`` as ``Idempotency-Key``, and the receiver gets no alert that is not
on the topic.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

import aiohttp

from schemas import ClaimObserved, Source, Value
from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.delivery.endpoints import UNPAGED_KINDS
from streams.replay import Replayer
from tests.e2e.harness import Cluster, TopicReader, WebhookReceiver, WorkerProcess, unique_id
from tests.e2e.test_scale_out import GOOD, summary, synthetic_log

LATER = datetime(2024, 1, 20, tzinfo=UTC)
N_CLAIMS = 700  # three statements each: 2,100 events in the first wave


async def wait_quiet(reader: TopicReader, topic: str, quiet_s: float = 10.0, timeout: float = 150.0) -> None:
    """Until nothing new arrived on ``topic`` for ``quiet_s`` (settle ticks run every 2 s)."""
    quiet_since, seen = time.monotonic(), -1
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and time.monotonic() - quiet_since < quiet_s:
        await asyncio.sleep(0.5)
        if len(reader.records[topic]) != seen:
            seen, quiet_since = len(reader.records[topic]), time.monotonic()


def offline_final(events: list[ClaimObserved]) -> dict[str, Any]:
    """The consensus of an uninterrupted run: ``claimwatch replay --final`` over the same log."""
    offline = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    list(offline.feed(events))
    return {u.claim_key: u.model_dump(mode="json") for u in offline.final()}


def second_wave(first: list[ClaimObserved]) -> list[ClaimObserved]:
    """One later statement per claim by a careful source not yet heard on it (new event ids)."""
    by_key: dict[str, list[ClaimObserved]] = defaultdict(list)
    for e in first:
        by_key[e.claim_key].append(e)
    out = []
    for n, (_key, seen) in enumerate(sorted(by_key.items())):
        heard = {e.source.name for e in seen}
        source = next(g for g in GOOD if g not in heard)
        base = next((e for e in seen if e.source.name in GOOD), seen[0])
        assert base.value is not None and base.value.best is not None
        value = round(base.value.best * (1.002 if n % 2 else 0.998))
        out.append(base.model_copy(update={
            "event_id": f"wave2-{n}",
            "source": Source(name=source),
            "value": Value(low=value, best=value, high=value, hedge="exact"),
            "article_id": f"wave2-art-{n}",
            "published_at": LATER,
            "as_of": LATER,
            "observed_at": LATER,
        }))
    return out


def fingerprint(updates: dict[str, Any]) -> dict[str, Any]:
    """Per claim: the estimate and who supports it (a careless source's statement can leave
    the estimate where it was: waiting on the estimate alone stopped before it arrived)."""
    est = summary(updates)
    return {k: (est[k], u["n_sources"], sorted(s["source"] for s in u["supporting"])) for k, u in updates.items()}


async def settle_on(reader: TopicReader, want: dict[str, Any], what: str) -> None:
    """Wait until every claim's latest update is ``want``'s consensus, then for quiet."""
    goal = fingerprint(want)

    def settled(records: list[dict[str, Any]]) -> bool:
        return fingerprint({u["claim_key"]: u for u in records}) == goal

    with contextlib.suppress(AssertionError):  # the assertions afterwards say what differs
        await reader.wait_for("consensus.updated", settled, timeout=180, what=what)
    await wait_quiet(reader, "consensus.updated")


def check_consensus(updates: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    last: dict[str, dict[str, Any]] = {}
    versions: dict[str, list[int]] = defaultdict(list)
    for u in updates:
        last[u["claim_key"]] = u
        versions[u["claim_key"]].append(u["version"])
    assert set(last) == set(expected)
    differing = {k: (summary({k: last[k]})[k], summary({k: v})[k])
                 for k, v in expected.items() if summary({k: last[k]}) != summary({k: v})}
    assert not differing, f"{len(differing)} claims differ from the offline replay: {list(differing.items())[:5]}"
    for key, u in last.items():
        assert u["n_sources"] == expected[key]["n_sources"], key
        assert sorted(s["source"] for s in u["supporting"]) == sorted(s["source"] for s in expected[key]["supporting"])
    # a claim ends on its highest version (events read again after the kill may publish
    # their versions again, but the count never starts over below what was published)
    for key, seq in versions.items():
        assert last[key]["version"] == max(seq), f"{key}: {seq}"


async def readyz(worker: WorkerProcess) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http, \
            http.get(f"{worker.base_url}/readyz") as resp:
        return resp.status, await resp.json()


async def test_killed_workers_lose_nothing_double_nothing_and_are_taken_over(
    cluster: Cluster, worker_factory: Any
) -> None:
    wave1 = synthetic_log(n_claims=N_CLAIMS, seed=11)
    wave2 = second_wave(wave1)
    assert len(wave1) >= 2_000
    keys = {e.claim_key for e in wave1}
    expected1 = offline_final(wave1)
    app_id = unique_id("crash")
    started = time.monotonic()
    async with WebhookReceiver() as receiver:
        env = {"CLAIMWATCH_PARTITIONS": "4", "CLAIMWATCH_WEBHOOK_URLS": receiver.url}
        victim: WorkerProcess = worker_factory(app_id=app_id, env_extra=env)
        survivor: WorkerProcess = worker_factory(app_id=app_id, env_extra=env)
        victim.start()
        survivor.start()
        await asyncio.gather(victim.wait_ready(), survivor.wait_ready())
        async with TopicReader(cluster, ["consensus.updated", "alerts.contradictions"]) as reader:
            await cluster.produce(
                "claims.observed", [e.model_dump(mode="json") for e in wave1], key=lambda d: d["claim_key"].encode()
            )
            await reader.wait_for(
                "consensus.updated", lambda r: len({u["claim_key"] for u in r}) >= len(keys) // 4,
                timeout=120, what="a quarter of the claims",
            )
            assert victim.stop(signal.SIGKILL) == -signal.SIGKILL
            killed_at = len(reader.records["consensus.updated"])
            # claims already on their final consensus when the victim died (every claim's first
            # statement comes in the first third of the log, so all of them may have *a*
            # consensus by then: under load the reader sees them in one fetch)
            at_kill = fingerprint({u["claim_key"]: u for u in reader.records["consensus.updated"]})
            goal1 = fingerprint(expected1)
            settled_at_kill = sum(1 for k, f in at_kill.items() if f == goal1[k])

            # the survivor takes over every partition and finishes the first wave alone
            await settle_on(reader, expected1, "the offline consensus of the first wave, from the survivor")
            check_consensus(list(reader.records["consensus.updated"]), expected1)
            status, body = await readyz(survivor)
            assert status == 200, body
            assert body["partitions"]["assigned"] == 4 * 4, body  # articles, claims, alerts, retry
            took_over = time.monotonic() - started

            # the killed worker comes back: partitions move again, Tables recover
            victim.start()
            await victim.wait_ready()
            status, body = await readyz(victim)
            assert body["partitions"]["assigned"] > 0, body
            await cluster.produce(
                "claims.observed", [e.model_dump(mode="json") for e in wave2], key=lambda d: d["claim_key"].encode()
            )
            expected = offline_final(wave1 + wave2)
            await settle_on(reader, expected, "the offline consensus of both waves")
            updates = list(reader.records["consensus.updated"])
            alerts = list(reader.records["alerts.contradictions"])

        # every alert that pages reaches the receiver; wait for the stragglers
        paged = {a["alert_id"] for a in alerts if a["kind"] not in UNPAGED_KINDS}
        deadline = time.monotonic() + 60
        while not paged <= receiver.delivered and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        hits = list(receiver.hits)

    assert killed_at < len(updates) and settled_at_kill < len(keys), "the kill came mid-stream"
    check_consensus(updates, expected)

    events = {e.event_id: e for e in wave1 + wave2}
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in alerts:
        by_id[a["alert_id"]].append(a)
        # none invented: each alert is about a statement that is in the log, on its claim
        assert a["observation"]["event_id"] in events, a["alert_id"]
        assert events[a["observation"]["event_id"]].claim_key == a["claim_key"]
    assert paged, "the careless sources were contradicted"
    # an alert published twice is the same finding on the same statement
    for alert_id, copies in by_id.items():
        assert len({(c["claim_key"], c["kind"], c["observation"]["event_id"]) for c in copies}) == 1, alert_id
    missing = paged - receiver.delivered
    assert not missing, f"{len(missing)} of {len(paged)} alerts never delivered: {sorted(missing)[:5]}"
    assert {h.alert_id for h in hits} <= set(by_id), "the receiver got an alert that is not on the topic"
    for h in hits:
        assert h.idempotency_key == h.alert_id
    times = Counter(h.alert_id for h in hits)
    print(
        f"\n{len(wave1)} + {len(wave2)} events over {len(keys)} claims; killed with {settled_at_kill} claims on"
        f" their final consensus; the survivor settled the first wave alone {took_over:.0f}s after start;"
        f" {len(updates)} updates, {len(alerts)} alert records ({len(by_id)} ids, {len(paged)} paged);"
        f" receiver: {len(hits)} requests, {sum(1 for n in times.values() if n > 1)} ids more than once"
    )
