"""A worker with its Tables on disk (``rocksdb://``), killed and restarted on the same data
directory, is ready with the same consensus without reading its history again.

SIGKILL: no shutdown, no final flush. The restarted worker must start from what is on
disk: its consumer goes on from the committed offset of ``claims.observed`` (no
observation goes through the consensus core again), the consensus Table comes back
from its local databases (hardly any changelog record is read back), the learned
source reliability too (the claims' consensus does not move when the first settle
re-derives them), and the query API answers for every claim from the read model's own
store rather than from a refold of the topics.
"""

from __future__ import annotations

import signal
from typing import Any

import aiohttp

from tests.e2e.harness import Cluster, TopicReader, WorkerProcess, unique_id
from tests.e2e.test_crash import wait_quiet
from tests.e2e.test_scale_out import synthetic_log


async def scrape(worker: WorkerProcess) -> dict[str, float]:
    """Every sample of ``/metrics`` (name with labels → value)."""
    async with aiohttp.ClientSession() as http, http.get(f"{worker.base_url}/metrics") as resp:
        text = await resp.text()
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


async def api_claims(worker: WorkerProcess) -> dict[str, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"{worker.base_url}/api/claims?limit=500") as resp:
        body = await resp.json()
    return {c["claim_key"]: c for c in body["items"]}


async def readyz(worker: WorkerProcess) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(f"{worker.base_url}/readyz") as resp:
        body: dict[str, Any] = await resp.json()
        return body


def view(claims: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {k: (c["estimate"], c["version"], c["n_sources"]) for k, c in claims.items()}


async def test_a_killed_worker_with_tables_on_disk_restarts_from_them(
    cluster: Cluster, worker_factory: Any
) -> None:
    events = synthetic_log(n_claims=30, seed=5)
    keys = {e.claim_key for e in events}
    worker: WorkerProcess = worker_factory(app_id=unique_id("disk"), env_extra={"CLAIMWATCH_STORE": "rocksdb://"})
    worker.start()
    await worker.wait_ready()
    async with TopicReader(cluster, ["consensus.updated"]) as reader:
        await cluster.produce(
            "claims.observed", [e.model_dump(mode="json") for e in events], key=lambda d: d["claim_key"].encode()
        )
        await reader.wait_for(
            "consensus.updated", lambda r: {u["claim_key"] for u in r} >= keys, timeout=60, what="every claim"
        )
        await wait_quiet(reader, "consensus.updated", quiet_s=5.0, timeout=60)  # settled, offsets committed
        before = await api_claims(worker)
        processed = (await scrape(worker))['claimwatch_processing_seconds_count{stage="consensus"}']
        assert set(before) >= keys
        assert processed >= len(events)
        last_before = {u["claim_key"]: u["version"] for u in reader.records["consensus.updated"]}

        assert worker.stop(signal.SIGKILL) == -signal.SIGKILL
        republished_from = len(reader.records["consensus.updated"])
        worker.start()  # same data directory
        await worker.wait_ready()
        after_ready = await scrape(worker)
        # the first settle after taking the partitions on re-asserts every claim's consensus
        await reader.wait_for(
            "consensus.updated",
            lambda r: {u["claim_key"] for u in r[republished_from:]} >= keys,
            timeout=30,
            what="the re-asserted consensus of every claim",
        )
        await wait_quiet(reader, "consensus.updated", quiet_s=5.0, timeout=60)
        after = await api_claims(worker)
        metrics = await scrape(worker)
        status = await readyz(worker)

    # nothing of claims.observed went through the consensus core again
    assert metrics.get('claimwatch_processing_seconds_count{stage="consensus"}', 0.0) == 0
    # the Table came back from disk: the changelog holds one record per observation at least,
    # of which (next to) none was read back
    assert after_ready['claimwatch_table_restored_records_total{table="consensus"}'] < len(keys) // 2
    # same consensus, same versions: the state and the learned weights were the ones on disk
    republished = {u["claim_key"]: u for u in reader.records["consensus.updated"][republished_from:]}
    assert {k: u["version"] for k, u in republished.items()} == {k: last_before[k] for k in republished}
    assert view(after) == view(before)
    # the API answered from the read model's own store, not a refold of the topics
    assert status["readmodel"]["restored_claims"] >= len(keys)
