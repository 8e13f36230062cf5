"""Operating a worker: honest latency, readiness that tells the truth, a broker that dies with
its worker, and offsets other tools can read (issue 11, items 2, 7, 10 and 11).

Every wait is bounded. The latency bound (5 s at p99 per span) is deliberately generous: it
separates processing time (tens of milliseconds) from the age of the news (years).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.broker import EmbeddedBroker, free_port
from tests.e2e.harness import REPO, Cluster, WorkerProcess, unique_id

pytestmark = pytest.mark.e2e

SAMPLES = REPO / "streams" / "samples" / "articles.jsonl"


def historical_articles() -> list[dict[str, Any]]:
    """The sample articles, published years ago (2019): event time far from processing time."""
    out = []
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = json.loads(line)
            article["published_at"] = f"2019-05-0{1 + len(out) % 9}T09:00:00Z"
            out.append(article)
    return out


# ------------------------------------------------------------------ helpers


class Receiver:
    """A webhook receiver on a loopback port; ``status`` is what it answers."""

    def __init__(self) -> None:
        self.port = free_port()
        self.status = 200
        self.received: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.status < 300:
            self.received.append(body)
        return web.Response(status=self.status)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def readyz(worker: WorkerProcess) -> tuple[int, dict[str, Any]]:
    timeout = aiohttp.ClientTimeout(total=3)
    async with aiohttp.ClientSession(timeout=timeout) as http, http.get(f"{worker.base_url}/readyz") as resp:
        return resp.status, await resp.json()


async def until(what: str, probe: Callable[[], Awaitable[Any]], timeout: float, every: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
            last = await probe()
            if last:
                return last
        await asyncio.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last: {last!r}")


async def metrics_text(worker: WorkerProcess) -> str:
    timeout = aiohttp.ClientTimeout(total=3)
    async with aiohttp.ClientSession(timeout=timeout) as http, http.get(f"{worker.base_url}/metrics") as resp:
        return await resp.text()


def histogram(text: str, name: str, label: str, value: str) -> list[tuple[float, float]]:
    """``[(le, cumulative count)]`` of one series of a histogram in the text exposition."""
    rows = []
    pattern = re.compile(rf'^{name}_bucket\{{(.*)\}} (\S+)$')
    for line in text.splitlines():
        m = pattern.match(line)
        if m and f'{label}="{value}"' in m.group(1):
            le = re.search(r'le="([^"]+)"', m.group(1))
            assert le is not None
            rows.append((float(le.group(1)), float(m.group(2))))
    return sorted(rows)


def quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """Prometheus's histogram_quantile: linear interpolation inside the bucket."""
    total = buckets[-1][1]
    rank = q * total
    lower_le, lower_count = 0.0, 0.0
    for le, count in buckets:
        if count >= rank:
            if le == float("inf"):
                return lower_le
            return lower_le + (le - lower_le) * (rank - lower_count) / max(count - lower_count, 1e-9)
        lower_le, lower_count = le, count
    return buckets[-1][0]


def gauge(text: str, name: str, topic: str) -> float:
    m = re.search(rf'^{name}\{{topic="{re.escape(topic)}"\}} (\S+)$', text, re.M)
    assert m, f"{name}{{topic={topic}}} not exposed"
    return float(m.group(1))


@contextlib.asynccontextmanager
async def own_broker() -> AsyncIterator[EmbeddedBroker]:
    """A Tansu broker of this test's own (it is stopped, killed or paused here)."""
    broker = EmbeddedBroker().start()
    try:
        yield broker
    finally:
        if broker.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(broker.pid, signal.SIGCONT)
        broker.stop()


def embedded_only(cluster: Cluster) -> None:
    if not cluster.embedded:
        pytest.skip("stops and pauses the broker: runs on the embedded broker only")


# ------------------------------------------------------------------ item 2: latency


async def test_latency_spans_are_processing_time_for_historical_articles(
    cluster: Cluster, worker_factory: Any
) -> None:
    articles = historical_articles()
    async with Receiver() as receiver:
        worker = worker_factory(env_extra={"CLAIMWATCH_WEBHOOK_URLS": receiver.url}).start()
        await worker.wait_ready()
        await cluster.produce("articles", articles, key=lambda a: a["id"].encode())

        async def delivered() -> str | None:
            text = await metrics_text(worker)
            spans = {s: histogram(text, "claimwatch_end_to_end_seconds", "span", s)
                     for s in ("article_to_claim", "claim_to_alert", "alert_to_delivery")}
            done = all(b and b[-1][1] > 0 for b in spans.values()) and receiver.received
            consumed = re.search(r"^claimwatch_articles_consumed_total (\S+)$", text, re.M)
            return text if done and consumed and float(consumed.group(1)) == len(articles) else None

        await until("claims, alerts and deliveries", delivered, timeout=120)
        await asyncio.sleep(3)  # let the stream drain and commit
        text = await metrics_text(worker)

    figures = {}
    for span in ("article_to_claim", "claim_to_alert", "alert_to_delivery"):
        buckets = histogram(text, "claimwatch_end_to_end_seconds", "span", span)
        count = buckets[-1][1]
        within_5s = dict(buckets)[5.0]
        figures[span] = (quantile(0.5, buckets), quantile(0.99, buckets), int(count))
        # processing time: every observation under 5 s (the age of the news would be years)
        assert within_5s == count, f"{span}: {count - within_5s} of {count} over 5 s"
        assert quantile(0.99, buckets) < 5.0
    extract = histogram(text, "claimwatch_processing_seconds", "stage", "extract")
    assert extract[-1][1] == len(articles)  # once per article, not per batch
    print("\nlatency on the embedded broker (p50 / p99 / observations): " + "; ".join(
        f"{span} {p50 * 1000:.0f} ms / {p99 * 1000:.0f} ms / {n}" for span, (p50, p99, n) in figures.items()))
    # item 11: drained, the lag gauge reads 0 on every input topic
    for topic in ("articles", "claims.observed", "alerts.contradictions"):
        assert gauge(text, "claimwatch_consumer_lag_messages", cluster.topic(topic)) == 0


# ------------------------------------------------------------------ item 7: readiness


async def test_readiness_drops_when_the_broker_goes_away_and_rises_after(tmp_path: Path, cluster: Cluster) -> None:
    embedded_only(cluster)
    async with own_broker() as broker:
        mine = Cluster(broker.bootstrap_servers, embedded=True, prefix=unique_id("t") + ".")
        worker = WorkerProcess(mine, unique_id("app"), tmp_path, {
            "CLAIMWATCH_BROKER_CHECK_INTERVAL": "0.5", "CLAIMWATCH_BROKER_TIMEOUT": "3"})
        try:
            worker.start()
            await worker.wait_ready()
            assert broker.pid is not None

            os.kill(broker.pid, signal.SIGSTOP)  # the broker hangs: connections open, no answers
            stopped = time.monotonic()

            async def dropped() -> dict[str, Any] | None:
                status, body = await readyz(worker)
                return body if status == 503 else None

            body = await until("/readyz 503 after SIGSTOP", dropped, timeout=30)
            print(f"\nreadiness dropped {time.monotonic() - stopped:.1f}s after SIGSTOP: {body['reasons']}")
            assert "broker_reachable" in body["reasons"]
            assert broker.bootstrap_servers in body["reasons"]["broker_reachable"]

            os.kill(broker.pid, signal.SIGCONT)
            resumed = time.monotonic()

            async def risen() -> bool:
                return (await readyz(worker))[0] == 200

            await until("/readyz 200 after SIGCONT", risen, timeout=60)
            print(f"readiness back {time.monotonic() - resumed:.1f}s after SIGCONT")

            lines_before = len(worker.log_path.read_text(errors="replace").splitlines())
            os.kill(broker.pid, signal.SIGKILL)  # gone: connections refused
            await until("/readyz 503 after SIGKILL", dropped, timeout=30)
            await asyncio.sleep(10)
            log = worker.log_path.read_text(errors="replace").splitlines()[lines_before:]
            print(f"log lines in the ~12 s after the broker was killed: {len(log)}")
            assert len(log) < 100, "\n".join(log[-40:])  # was ~80 a second
            assert any("not ready" in line and "has not answered" in line for line in log)
        finally:
            worker.stop(signal.SIGKILL)


async def test_readiness_drops_when_a_restarted_worker_stops_making_progress(
    cluster: Cluster, worker_factory: Any, tmp_path: Path
) -> None:
    """A restarted worker whose webhook receiver fails holds its alerts (commits stop with
    lag on alerts.contradictions): not ready, saying so; ready again once it delivers."""
    async with Receiver() as receiver:
        hooks = tmp_path / "hooks.json"
        hooks.write_text(json.dumps([{
            "name": "flaky", "url": receiver.url, "base_delay_seconds": 0.2, "max_delay_seconds": 1.0,
            "max_attempts": 100000}]))
        worker = worker_factory(env_extra={
            "CLAIMWATCH_WEBHOOKS_FILE": str(hooks),
            "CLAIMWATCH_WEBHOOK_HOLD_SECONDS": "600",  # keep the alerts in memory: no deferral
            "CLAIMWATCH_STALL_SECONDS": "4",
            "CLAIMWATCH_BROKER_CHECK_INTERVAL": "0.5",
        }).start()
        await worker.wait_ready()
        worker.stop()
        receiver.status = 503
        await cluster.produce("articles", historical_articles(), key=lambda a: a["id"].encode())
        worker.start()
        await worker.wait_ready()

        seen: list[Any] = []

        async def stalled() -> dict[str, Any] | None:
            status, body = await readyz(worker)
            seen[:] = [status, body, len(receiver.received)]
            return body if status == 503 and "progressing" in body["reasons"] else None

        try:
            body = await until("/readyz 503 for lack of progress", stalled, timeout=60)
        except AssertionError:
            raise AssertionError(f"{seen}\n{worker.log_tail(40)}") from None
        print(f"\nnot ready: {body['reasons']['progressing']}")
        assert cluster.topic("alerts.contradictions") in body["reasons"]["progressing"]
        assert "lag" in body["reasons"]["progressing"]
        text = await metrics_text(worker)
        assert gauge(text, "claimwatch_consumer_lag_messages", cluster.topic("alerts.contradictions")) > 0

        receiver.status = 200

        async def risen() -> bool:
            return (await readyz(worker))[0] == 200 and bool(receiver.received)

        await until("/readyz 200 once alerts are delivered", risen, timeout=60)
        assert any("not ready: no commit on partitions with lag" in line
                   for line in worker.log_path.read_text(errors="replace").splitlines())


# ------------------------------------------------------------------ item 10: no orphan broker


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    return []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie is dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux")
async def test_a_killed_worker_takes_its_embedded_broker_with_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "CLAIMWATCH_BROKER")}
    env.update({"CLAIMWATCH_WEB_PORT": str(free_port()), "CLAIMWATCH_WEB_HOST": "127.0.0.1",
                "CLAIMWATCH_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"})
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while "embedded broker on" not in log_path.read_text(errors="replace"):
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")
            await asyncio.sleep(0.1)
        [broker_pid] = _children(proc.pid)
        assert _alive(broker_pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        killed = time.monotonic()
        while _alive(broker_pid) and time.monotonic() - killed < 5:
            await asyncio.sleep(0.05)
        gone = not _alive(broker_pid)
        if not gone:
            os.kill(broker_pid, signal.SIGKILL)
        assert gone, "the embedded broker outlived its worker by 5 s"
        print(f"\nbroker gone {time.monotonic() - killed:.2f}s after the worker's SIGKILL")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------ item 11: offsets for other tools


async def test_produce_writes_offsets_other_tools_can_count(cluster: Cluster, tmp_path: Path) -> None:
    """``claimwatch produce`` with only KAFKA_BOOTSTRAP_SERVERS: the high watermarks an
    outside client reads add up to the records written (Tansu miscounts multi-record batches)."""
    articles = [dict(a, id=f"{a['id']}-{i}") for i in range(5) for a in historical_articles()]
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in articles))
    topic = cluster.topic("produce-check")
    env = {k: v for k, v in os.environ.items() if k not in ("CLAIMWATCH_BROKER", "CLAIMWATCH_EMBEDDED_BROKER")}
    env["KAFKA_BOOTSTRAP_SERVERS"] = cluster.bootstrap
    done = subprocess.run([sys.executable, "-m", "streams.cli", "produce", str(path), "--topic", topic],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    consumer = AIOKafkaConsumer(bootstrap_servers=cluster.bootstrap, group_id=None)
    await consumer.start()
    try:
        await consumer.topics()
        parts = consumer.partitions_for_topic(topic) or set()
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in sorted(parts)])
    finally:
        await consumer.stop()
    assert sum(ends.values()) == len(articles), ends
