"""The delivery agents in a real worker process on a real broker, killed mid-delivery.

Alerts are produced straight onto ``alerts.contradictions`` (the rules that
decide when to alert are not under test here), the receivers are real aiohttp
servers, and the worker is ``claimwatch worker`` in a child process.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from schemas.codec import dumps
from streams.broker import EmbeddedBroker
from tests.e2e.harness import Cluster, TopicReader, WorkerProcess, unique_id

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def broker() -> Iterator[Cluster]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if configured:
        yield Cluster(configured, embedded=False)
        return
    with EmbeddedBroker() as embedded:
        yield Cluster(embedded.bootstrap_servers, embedded=True)


@pytest.fixture
def cluster(broker: Cluster) -> Cluster:
    """Topics of their own per test (a prefix), so no test reads another's alerts."""
    return Cluster(broker.bootstrap, broker.embedded, prefix=unique_id("t") + ".")


def webhooks_file(tmp_path: Path, entries: list[dict[str, Any]]) -> str:
    path = tmp_path / "webhooks.json"
    path.write_text(json.dumps(entries))
    return str(path)


def worker(cluster: Cluster, tmp_path: Path, app_id: str, hooks_file: str, hold: float = 1) -> WorkerProcess:
    return WorkerProcess(
        cluster,
        app_id,
        tmp_path,
        {
            "CLAIMWATCH_WEBHOOKS_FILE": hooks_file,
            "CLAIMWATCH_WEBHOOK_HOLD_SECONDS": str(hold),
            "CLAIMWATCH_WEBHOOK_URLS": "",
        },
    )


async def until(predicate: Any, what: str, proc: WorkerProcess, timeout: float = 90) -> None:
    for _ in range(int(timeout / 0.2)):
        if predicate():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}:\n{proc.log_tail()}")


async def test_receiver_down_across_a_worker_crash_loses_nothing(
    cluster: Cluster, tmp_path: Path, hooks, make_alert, free_port, example_receiver
) -> None:
    run = unique_id("run")
    port = free_port()
    hooks_file = webhooks_file(
        tmp_path,
        [
            {
                "name": "ops",
                "url": f"http://127.0.0.1:{port}/hook",
                "secret": "e2e-secret",
                "base_delay_seconds": 0.2,
                "max_delay_seconds": 1.0,
                "max_attempts": 500,
            }
        ],
    )
    alerts = [make_alert(i).model_copy(update={"alert_id": f"{run}-{i}"}) for i in range(8)]
    ids = {a.alert_id for a in alerts}
    w = worker(cluster, tmp_path, unique_id("deliver"), hooks_file)
    w.start()
    try:
        await w.wait_ready()
        async with TopicReader(cluster, ["alerts.retry", "alerts.deadletter"]) as topics:
            await cluster.produce("alerts.contradictions", alerts, key=lambda a: a.claim_key.encode())

            # the receiver is down: every alert fails, then waits on alerts.retry
            def all_deferred() -> bool:
                return {r["alert"]["alert_id"] for r in topics.records["alerts.retry"]} >= ids

            await until(all_deferred, "every alert on alerts.retry", w)
            attempts_before = max(r["attempts"] for r in topics.records["alerts.retry"])
            assert attempts_before >= 1
            w.stop(sig=signal.SIGKILL)  # a crash: nothing flushed, nothing said goodbye

            receiver = example_receiver.Receiver("e2e-secret")

            async def accept(hook: Any, request: web.Request) -> web.StreamResponse:
                status, text = receiver.handle(await request.read(), request.headers)
                return web.Response(status=status, text=text)

            hook = await hooks(accept, port=port)  # the receiver comes back
            w.start()  # same app id: the same consumer group and committed offsets
            await until(lambda: {p["alert_id"] for p in receiver.alerts} >= ids, "delivery", w)
            await asyncio.sleep(2)  # let any redelivery in flight arrive too
            assert topics.records["alerts.deadletter"] == []
    finally:
        w.stop()
    assert sorted(p["alert_id"] for p in receiver.alerts) == sorted(ids)  # each once, none invented
    assert receiver.rejected == 0  # every request carried a valid signature
    assert set(hook.alert_ids) == ids  # duplicates (if any) carried the same ids
    # the schedule survived the crash: attempts continued from the retry records
    assert max(int(h["X-Claimwatch-Attempt"]) for h, _ in hook.requests) > 1


async def test_exhausted_attempts_land_on_the_deadletter_topic_with_the_last_error(
    cluster: Cluster, tmp_path: Path, hooks, make_alert
) -> None:
    async def overloaded(hook: Any, request: web.Request) -> web.StreamResponse:
        return web.Response(status=503, text="queue full, try later")

    hook = await hooks(overloaded)
    hooks_file = webhooks_file(
        tmp_path,
        [
            {
                "name": "fragile",
                "url": hook.url,
                "format": "alertmanager",
                "base_delay_seconds": 0.05,
                "max_delay_seconds": 0.2,
                "max_attempts": 3,
            }
        ],
    )
    run = unique_id("dl")
    alerts = [make_alert(i).model_copy(update={"alert_id": f"{run}-{i}"}) for i in range(3)]
    w = worker(cluster, tmp_path, unique_id("deadletter"), hooks_file)
    w.start()
    try:
        await w.wait_ready()
        async with TopicReader(cluster, ["alerts.deadletter"]) as topics:
            await cluster.produce(
                "alerts.contradictions",
                [dumps(a) for a in alerts] + [b'{"alert_id": "half an alert"}'],
            )
            await topics.wait_for("alerts.deadletter", lambda recs: len(recs) >= 4, what="dead letters")
            records = topics.records["alerts.deadletter"]
    finally:
        w.stop()
    by_id = {r.get("alert_id"): r for r in records if r.get("endpoint")}
    assert set(by_id) == {a.alert_id for a in alerts}
    for rec in by_id.values():
        assert rec["type"] == "DeadLetter" and rec["reason"] == "webhook_attempts_exhausted"
        assert rec["endpoint"] == "fragile" and rec["attempts"] == 3
        assert rec["last_status"] == 503 and "queue full" in rec["last_error"]
        assert json.loads(rec["raw"])["alert_id"] == rec["alert_id"]  # replayable
    malformed = [r for r in records if not r.get("endpoint")]
    assert len(malformed) == 1 and malformed[0]["reason"] == "missing_field"
    assert len(hook.requests) == 3 * len(alerts)


async def test_crash_with_requests_in_flight_redelivers_them_with_the_same_ids(
    cluster: Cluster, tmp_path: Path, hooks, make_alert, example_receiver
) -> None:
    receiver = example_receiver.Receiver("in-flight")
    answering = asyncio.Event()

    async def stalls_until_restart(hook: Any, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        await answering.wait()  # the first worker dies before any answer comes
        status, text = receiver.handle(body, request.headers)
        return web.Response(status=status, text=text)

    hook = await hooks(stalls_until_restart)
    hooks_file = webhooks_file(
        tmp_path,
        [{"name": "ledger", "url": hook.url, "secret": "in-flight", "concurrency": 16, "timeout_seconds": 120}],
    )
    run = unique_id("inflight")
    alerts = [make_alert(i).model_copy(update={"alert_id": f"{run}-{i}"}) for i in range(6)]
    ids = {a.alert_id for a in alerts}
    w = worker(cluster, tmp_path, unique_id("inflight"), hooks_file, hold=600)
    w.start()
    try:
        await w.wait_ready()
        await cluster.produce("alerts.contradictions", alerts, key=lambda a: a.claim_key.encode())
        await until(lambda: set(hook.alert_ids) >= ids, "every request in flight", w)
        w.stop(sig=signal.SIGKILL)
        # the receiver now acts on the six requests, but the answers reach a dead worker
        answering.set()
        w.start()
        await until(lambda: len(hook.requests) >= 2 * len(ids), "redelivery", w)
    finally:
        w.stop()
    # uncommitted, so every alert was sent again after the crash, with its id ...
    assert sorted(hook.alert_ids) == sorted(list(ids) * 2)
    # ... and the receiver acted on each once, recognising the second copy by its id
    assert sorted(p["alert_id"] for p in receiver.alerts) == sorted(ids)
    assert receiver.duplicates == len(ids) and receiver.rejected == 0
