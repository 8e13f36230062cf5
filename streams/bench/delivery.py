"""Webhook delivery latency: alert submitted → request received by a local receiver.

Baseline: a bare ``aiohttp`` POST of the same body to the same receiver, in the
same process and run, interleaved request by request with the dispatcher so
both see the same machine noise. The dispatcher's overhead (rendering, signing,
queueing on its lane, bookkeeping) shows as the ratio of the two.

Three scenarios:

* ``sequential``: one alert at a time, one healthy endpoint.
* ``isolated``: the same, with two more endpoints configured: one whose port
  is closed (every attempt fails and is retried) and one that answers after
  0.5 s. The figure is the healthy receiver's latency, which must stay close
  to ``sequential`` (a sick receiver does not hold up the others).
* ``burst``: all alerts submitted at once; alerts delivered per second against
  the same number of bare POSTs with the same concurrency.

And the issue's "alert emitted → received" through the real thing
(:func:`through_worker`): a ``claimwatch worker`` child process on the embedded
broker (or ``KAFKA_BOOTSTRAP_SERVERS``), alerts produced one at a time onto
``alerts.contradictions``, latency until the webhook arrives at a local
receiver. Its baseline is the Kafka hop alone: a bare aiokafka consumer in this
process reading the same records. Skip it with ``CLAIMWATCH_BENCH_E2E=0``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime

import aiohttp
from aiohttp import web

from schemas import ClaimObserved, ConsensusUpdated, ContradictionDetected
from schemas.events import Estimate, Evidence, Source, Value
from streams.app import EMBEDDED_FETCH_MAX_WAIT_MS
from streams.broker import bootstrap_servers
from streams.delivery import Dispatcher, Endpoint, FailedDelivery
from streams.delivery.formats import render
from streams.delivery.signing import headers as sign_headers

N_ALERTS = 300
WARMUP = 20
CONCURRENCY = 4
SECRET = "bench-secret"


def _alert(i: int) -> ContradictionDetected:
    now = datetime.now(UTC)
    text = f"The port authority said {120 + i} containers fell overboard."
    obs = ClaimObserved(
        event_id=f"bench-obs-{i}",
        claim_key="containers-overboard:count@north-sea",
        subject="containers overboard",
        measure="count",
        location="North Sea",
        value=Value(best=120 + i, hedge="exact"),
        source=Source(name="the port authority"),
        article_id=f"bench-article-{i}",
        evidence=Evidence(text=text, start=0, end=len(text)),
        observed_at=now,
    )
    before = ConsensusUpdated(
        claim_key=obs.claim_key,
        version=4,
        estimate=Estimate(low=40, best=45, high=50),
        n_sources=3,
        updated_at=now,
        trigger_event_id="bench-prior",
    )
    return ContradictionDetected(
        alert_id=f"bench-alert-{i:06d}",
        claim_key=obs.claim_key,
        kind="value_conflict",
        severity="high",
        reason=f"the port authority now says {120 + i}; consensus was 45 (40-50) from 3 sources",
        observation=obs,
        consensus_before=before,
        detected_at=now,
    )


class _Receiver:
    """Records the arrival time of every request by its idempotency key."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.arrived: dict[str, float] = {}
        self.events: dict[str, asyncio.Event] = {}
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        key = request.headers.get("Idempotency-Key", "")
        self.arrived.setdefault(key, time.perf_counter())
        if key in self.events:
            self.events[key].set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.Response(text="ok")

    def expect(self, key: str) -> asyncio.Event:
        self.events[key] = ev = asyncio.Event()
        return ev

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{self.port}/hook"

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _no_deadletter(_: FailedDelivery) -> None:
    return None


async def _interleaved(
    receiver: _Receiver, url: str, endpoints: list[Endpoint], n: int, tag: str
) -> tuple[list[float], list[float]]:
    """Per alert: one bare POST, then one dispatcher delivery; latencies of both (seconds)."""
    base: list[float] = []
    disp: list[float] = []
    alerts = [_alert(i) for i in range(n + WARMUP)]
    async with (
        aiohttp.ClientSession() as session,
        Dispatcher(endpoints, on_deadletter=_no_deadletter) as dispatcher,
    ):
        for i, alert in enumerate(alerts):
            key = f"{tag}-bare-{i}"
            body = render(alert, "native")
            hdrs = sign_headers(body, alert_id=key, secret=SECRET, timestamp=int(time.time()), attempt=1)
            got = receiver.expect(key)
            t0 = time.perf_counter()
            async with session.post(url, data=body, headers=hdrs) as resp:
                await resp.read()
            await got.wait()
            if i >= WARMUP:
                base.append(receiver.arrived[key] - t0)

            alert = alert.model_copy(update={"alert_id": f"{tag}-disp-{i}"})
            got = receiver.expect(alert.alert_id)
            t0 = time.perf_counter()
            await dispatcher.submit(alert)
            await got.wait()
            if i >= WARMUP:
                disp.append(receiver.arrived[alert.alert_id] - t0)
    return base, disp


async def _burst(receiver: _Receiver, url: str, n: int) -> tuple[float, float]:
    """(bare POSTs/s, dispatcher alerts/s) for ``n`` requests, ``CONCURRENCY`` in flight."""
    alerts = [_alert(i) for i in range(n)]
    bodies = [render(a, "native") for a in alerts]
    sem = asyncio.Semaphore(CONCURRENCY)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as s:

        async def post(i: int) -> None:
            async with sem:
                hdrs = sign_headers(
                    bodies[i],
                    alert_id=f"burst-bare-{i}",
                    secret=SECRET,
                    timestamp=int(time.time()),
                    attempt=1,
                )
                async with s.post(url, data=bodies[i], headers=hdrs) as resp:
                    await resp.read()

        t0 = time.perf_counter()
        await asyncio.gather(*(post(i) for i in range(n)))
        bare_rate = n / (time.perf_counter() - t0)

    ep = Endpoint(name="burst", url=url, secret=SECRET, concurrency=CONCURRENCY)
    async with Dispatcher([ep], on_deadletter=_no_deadletter) as d:
        renamed = [a.model_copy(update={"alert_id": f"burst-disp-{a.alert_id}"}) for a in alerts]
        t0 = time.perf_counter()
        futures = [await d.submit(a) for a in renamed]
        await asyncio.gather(*futures)
        disp_rate = n / (time.perf_counter() - t0)
    return bare_rate, disp_rate


async def _run() -> dict[str, float]:
    fast, slow = _Receiver(), _Receiver(delay=0.5)
    url = await fast.start()
    slow_url = await slow.start()
    try:
        healthy = Endpoint(name="healthy", url=url, secret=SECRET)
        base_seq, disp_seq = await _interleaved(fast, url, [healthy], N_ALERTS, "seq")
        sick = [
            healthy,
            Endpoint(
                name="down",
                url=f"http://127.0.0.1:{_closed_port()}/hook",
                secret=SECRET,
                base_delay_seconds=0.05,
                max_delay_seconds=0.5,
                max_attempts=1000,
            ),
            Endpoint(name="slow", url=slow_url, secret=SECRET, timeout_seconds=2),
        ]
        base_iso, disp_iso = await _interleaved(fast, url, sick, N_ALERTS, "iso")
        bare_rate, disp_rate = await _burst(fast, url, N_ALERTS)
    finally:
        await fast.stop()
        await slow.stop()

    ms = 1000.0
    out = {
        "alerts": float(N_ALERTS),
        "baseline_p50_ms": _pct(base_seq, 0.5) * ms,
        "baseline_p99_ms": _pct(base_seq, 0.99) * ms,
        "delivery_p50_ms": _pct(disp_seq, 0.5) * ms,
        "delivery_p99_ms": _pct(disp_seq, 0.99) * ms,
        "delivery_p50_ratio": _pct(disp_seq, 0.5) / _pct(base_seq, 0.5),
        "delivery_p99_ratio": _pct(disp_seq, 0.99) / _pct(base_seq, 0.99),
        "delivery_mean_ms": statistics.fmean(disp_seq) * ms,
        "isolated_p50_ms": _pct(disp_iso, 0.5) * ms,
        "isolated_p99_ms": _pct(disp_iso, 0.99) * ms,
        "isolated_p50_ratio": _pct(disp_iso, 0.5) / _pct(base_iso, 0.5),
        "isolated_p99_ratio": _pct(disp_iso, 0.99) / _pct(base_iso, 0.99),
        "burst_baseline_per_s": bare_rate,
        "burst_delivery_per_s": disp_rate,
        "burst_ratio": disp_rate / bare_rate,
    }
    return out


N_E2E = 40
E2E_WARMUP = 5
#: What faust-streaming 0.15.3 hard-codes for its consumer, and what the worker lowers it to on
#: the embedded broker (streams.app.shorten_fetch_wait); the baseline uses the worker's value, so
#: the ratio shows the worker's own cost and not the long-poll setting.
FAUST_FETCH_MAX_WAIT_MS = 1500


async def _wait_ready(base_url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited with status {proc.returncode}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.get(f"{base_url}/readyz") as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.3)
    raise RuntimeError("worker not ready")


async def _through_worker(bootstrap: str, embedded: bool, n: int) -> tuple[list[float], list[float]]:
    """(Kafka hop latencies, produced → webhook received latencies), seconds, sequentially."""
    from aiokafka import AIOKafkaConsumer

    from streams.broker import free_port
    from streams.kafka_io import producer

    prefix = f"bench-{uuid.uuid4().hex[:6]}."
    topic = prefix + "alerts.contradictions"
    receiver = _Receiver()
    url = await receiver.start()
    web_port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "CLAIMWATCH_EMBEDDED_BROKER": "1" if embedded else "",
        "CLAIMWATCH_APP_ID": prefix + "worker",
        "CLAIMWATCH_TOPIC_PREFIX": prefix,
        "CLAIMWATCH_WEB_PORT": str(web_port),
        "CLAIMWATCH_WEB_HOST": "127.0.0.1",
        "CLAIMWATCH_WEBHOOK_URLS": url,
        "CLAIMWATCH_WEBHOOK_SECRET": SECRET,
        "CLAIMWATCH_WEBHOOKS_FILE": "",
    }
    hops: dict[str, float] = {}
    hop_events: dict[str, asyncio.Event] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env["CLAIMWATCH_DATA_DIR"] = tmp
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warning"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            metadata_max_age_ms=1000,
            fetch_max_wait_ms=EMBEDDED_FETCH_MAX_WAIT_MS if embedded else FAUST_FETCH_MAX_WAIT_MS,
        )
        prod = producer(bootstrap, embedded=embedded)
        tail: asyncio.Task[None] | None = None
        try:
            await _wait_ready(f"http://127.0.0.1:{web_port}", proc)
            await consumer.start()
            consumer.subscribe([topic])
            await prod.start()

            async def follow() -> None:
                async for msg in consumer:
                    key = (msg.key or b"").decode()
                    hops.setdefault(key, time.perf_counter())
                    if key in hop_events:
                        hop_events[key].set()

            tail = asyncio.create_task(follow())
            hop_lat: list[float] = []
            e2e_lat: list[float] = []
            for i in range(n + E2E_WARMUP):
                alert = _alert(i).model_copy(update={"alert_id": f"{prefix}{i}"})
                got_hook = receiver.expect(alert.alert_id)
                got_hop = hop_events.setdefault(alert.alert_id, asyncio.Event())
                body = render(alert, "native")
                t0 = time.perf_counter()
                await (await prod.send(topic, value=body, key=alert.alert_id.encode()))
                await asyncio.wait_for(got_hook.wait(), 60)
                await asyncio.wait_for(got_hop.wait(), 60)
                if i >= E2E_WARMUP:  # the first ones include the consumers' partition discovery
                    hop_lat.append(hops[alert.alert_id] - t0)
                    e2e_lat.append(receiver.arrived[alert.alert_id] - t0)
            return hop_lat, e2e_lat
        finally:
            if tail is not None:
                tail.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await tail
            await prod.stop()
            await consumer.stop()
            await receiver.stop()
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def through_worker(n: int = N_E2E) -> dict[str, float]:
    """Alert produced onto alerts.contradictions → webhook received, through a real worker."""
    with bootstrap_servers() as (bootstrap, embedded):
        hop, e2e = asyncio.run(_through_worker(bootstrap, embedded, n))
    ms = 1000.0
    return {
        "e2e_alerts": float(n),
        "e2e_kafka_hop_p50_ms": _pct(hop, 0.5) * ms,
        "e2e_kafka_hop_p99_ms": _pct(hop, 0.99) * ms,
        "e2e_p50_ms": _pct(e2e, 0.5) * ms,
        "e2e_p99_ms": _pct(e2e, 0.99) * ms,
        "e2e_p50_ratio": _pct(e2e, 0.5) / _pct(hop, 0.5),
        "e2e_p99_ratio": _pct(e2e, 0.99) / _pct(hop, 0.99),
    }


def run() -> dict[str, float]:
    """Measure, print a summary, return the figures."""
    out = asyncio.run(_run())
    print(f"webhook delivery latency over {N_ALERTS} alerts (submitted → received), local receiver")
    print(f"  bare aiohttp POST     p50 {out['baseline_p50_ms']:.2f} ms   p99 {out['baseline_p99_ms']:.2f} ms")
    print(
        f"  dispatcher            p50 {out['delivery_p50_ms']:.2f} ms   "
        f"p99 {out['delivery_p99_ms']:.2f} ms   "
        f"(x{out['delivery_p50_ratio']:.2f} / x{out['delivery_p99_ratio']:.2f} of bare)"
    )
    print(
        f"  + a down and a slow   p50 {out['isolated_p50_ms']:.2f} ms   "
        f"p99 {out['isolated_p99_ms']:.2f} ms   "
        f"(x{out['isolated_p50_ratio']:.2f} / x{out['isolated_p99_ratio']:.2f} of bare)"
    )
    print(
        f"  burst, {CONCURRENCY} in flight     bare {out['burst_baseline_per_s']:.0f}/s   "
        f"dispatcher {out['burst_delivery_per_s']:.0f}/s   (x{out['burst_ratio']:.2f})"
    )
    if os.environ.get("CLAIMWATCH_BENCH_E2E", "1") != "0":
        e2e = through_worker()
        out.update(e2e)
        print(f"through a worker, alert produced → webhook received ({N_E2E} alerts, one at a time)")
        print(
            f"  Kafka hop alone       p50 {e2e['e2e_kafka_hop_p50_ms']:.2f} ms   "
            f"p99 {e2e['e2e_kafka_hop_p99_ms']:.2f} ms"
        )
        print(
            f"  worker + webhook      p50 {e2e['e2e_p50_ms']:.2f} ms   "
            f"p99 {e2e['e2e_p99_ms']:.2f} ms   "
            f"(x{e2e['e2e_p50_ratio']:.2f} / x{e2e['e2e_p99_ratio']:.2f} of the hop)"
        )
    return out


if __name__ == "__main__":
    run()
