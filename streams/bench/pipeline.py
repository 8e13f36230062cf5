"""End-to-end latency of the live pipeline on the embedded broker (or KAFKA_BOOTSTRAP_SERVERS).

Article produced → ClaimObserved on ``claims.observed`` → ContradictionDetected
on ``alerts.contradictions`` → webhook received, through a real worker process.
The baseline, measured in the same run on the same broker, is one bare Kafka
hop (produce → a plain consumer receives it): the pipeline has three hops and
two pieces of work, so its figures read as "so many bare hops".
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from aiohttp import web
from aiokafka import AIOKafkaConsumer

from schemas.codec import dumps, loads
from streams import topics
from streams.broker import bootstrap_servers, free_port
from streams.kafka_io import send_all

N_STORIES = 12  # one per city in CITIES
HOP_SAMPLES = 60


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


CITIES = ["Valencia", "Derna", "Houston", "Dhaka", "Lagos", "Manila", "Karachi", "Jakarta", "Lima", "Nairobi",
          "Hanoi", "Quito"]


def _story(i: int) -> list[dict[str, Any]]:
    """A flood toll reported twice alike, then once far off: the third article must alert."""
    city = CITIES[i % len(CITIES)]
    base = {"outlet": "bench.example"}
    return [
        {**base, "id": f"bench-{i}-a", "published_at": "2025-05-01T08:00:00Z",
         "text": f"Floods hit {city} on Monday. Officials at the regional emergency service said "
                 f"about 40 people were killed in the floods in {city}."},
        {**base, "id": f"bench-{i}-b", "published_at": "2025-05-02T08:00:00Z",
         "text": f"The Red Cross said that 41 people were killed in the floods in {city}."},
        {**base, "id": f"bench-{i}-c", "published_at": "2025-05-03T08:00:00Z",
         "text": f"A local mayor told reporters that 400 people were killed in the floods in {city}."},
    ]


async def _bare_hops(bootstrap: str, embedded: bool, prefix: str) -> list[float]:
    name = f"{prefix}bench.hop"
    consumer = AIOKafkaConsumer(
        name, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest", fetch_max_wait_ms=50
    )
    await send_all(bootstrap, name, [(None, b"{}")], embedded=embedded)  # create the topic
    await consumer.start()
    out = []
    try:
        await consumer.getmany(timeout_ms=1000)
        for _ in range(HOP_SAMPLES):
            sent = time.perf_counter()
            await send_all(bootstrap, name, [(None, dumps({"t": sent}))], embedded=embedded)
            while True:
                batch = await consumer.getmany(timeout_ms=2000)
                if any(batch.values()):
                    out.append(time.perf_counter() - sent)
                    break
    finally:
        await consumer.stop()
    return out


async def _pipeline(bootstrap: str, embedded: bool, prefix: str) -> dict[str, list[float]]:
    got: dict[str, float] = {}

    async def hook(request: web.Request) -> web.Response:
        body = loads(await request.read())
        got.setdefault(f"hook:{body['observation']['article_id']}", time.perf_counter())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    hook_port, web_port = free_port(), free_port()
    await web.TCPSite(runner, "127.0.0.1", hook_port).start()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "CLAIMWATCH_EMBEDDED_BROKER": "1" if embedded else "",
        "CLAIMWATCH_TOPIC_PREFIX": prefix,
        "CLAIMWATCH_APP_ID": f"{prefix}bench",
        "CLAIMWATCH_WEB_PORT": str(web_port),
        "CLAIMWATCH_WEBHOOK_URLS": f"http://127.0.0.1:{hook_port}/hook",
        "CLAIMWATCH_WEBHOOK_SECRET": "bench",
    }
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        metadata_max_age_ms=1000,
        fetch_max_wait_ms=50,
    )
    sent: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env["CLAIMWATCH_DATA_DIR"] = tmp
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            started = time.perf_counter()
            await _wait_ready(f"http://127.0.0.1:{web_port}/readyz")
            ready_s = time.perf_counter() - started
            await consumer.start()
            consumer.subscribe([prefix + topics.CLAIMS, prefix + topics.ALERTS])

            async def reader() -> None:
                while True:
                    batches = await consumer.getmany(timeout_ms=100)
                    now = time.perf_counter()
                    for tp, msgs in batches.items():
                        for m in msgs:
                            doc = loads(m.value)
                            if tp.topic.endswith(topics.CLAIMS):
                                got.setdefault(f"claim:{doc['article_id']}", now)
                            else:
                                got.setdefault(f"alert:{doc['observation']['article_id']}", now)

            task = asyncio.create_task(reader())
            for i in range(N_STORIES):
                for doc in _story(i):
                    sent[doc["id"]] = time.perf_counter()
                    await send_all(bootstrap, prefix + topics.ARTICLES, [(doc["id"].encode(), dumps(doc))],
                                   embedded=embedded)
                    deadline = time.perf_counter() + 20
                    wanted = f"hook:{doc['id']}" if doc["id"].endswith("-c") else f"claim:{doc['id']}"
                    while wanted not in got and time.perf_counter() < deadline:
                        await asyncio.sleep(0.005)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            await consumer.stop()
            proc.terminate()
            proc.wait(timeout=30)
            await runner.cleanup()
    third = [a for a in sent if a.endswith("-c")]
    return {
        "ready_s": [ready_s],
        "article_to_claim": [got[f"claim:{a}"] - sent[a] for a in sent if f"claim:{a}" in got],
        "article_to_alert": [got[f"alert:{a}"] - sent[a] for a in third if f"alert:{a}" in got],
        "article_to_webhook": [got[f"hook:{a}"] - sent[a] for a in third if f"hook:{a}" in got],
        "alert_to_webhook": [
            got[f"hook:{a}"] - got[f"alert:{a}"] for a in third if f"hook:{a}" in got and f"alert:{a}" in got
        ],
    }


async def _wait_ready(url: str, timeout: float = 120) -> None:
    from aiohttp import ClientSession, ClientTimeout

    deadline = time.perf_counter() + timeout
    async with ClientSession(timeout=ClientTimeout(total=2)) as http:
        while time.perf_counter() < deadline:
            with contextlib.suppress(Exception):
                async with http.get(url) as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise TimeoutError(url)


def run() -> dict[str, float]:
    prefix = f"b{os.getpid()}."
    with bootstrap_servers() as (bootstrap, embedded):
        hops = asyncio.run(_bare_hops(bootstrap, embedded, prefix))
        spans = asyncio.run(_pipeline(bootstrap, embedded, prefix))
    hop50 = statistics.median(hops)
    out: dict[str, float] = {
        "worker_ready_s": spans["ready_s"][0],
        "bare_hop_p50_ms": hop50 * 1000,
        "bare_hop_p99_ms": _pct(hops, 0.99) * 1000,
        "stories": float(N_STORIES),
        "alerts_received": float(len(spans["article_to_webhook"])),
    }
    print(f"worker ready after {out['worker_ready_s']:.1f} s; bare Kafka hop p50 {hop50 * 1000:.1f} ms")
    for span in ("article_to_claim", "article_to_alert", "article_to_webhook", "alert_to_webhook"):
        xs = spans[span]
        if not xs:
            print(f"  {span:<20} no samples")
            continue
        p50, p99 = statistics.median(xs), _pct(xs, 0.99)
        out[f"{span}_p50_ms"] = p50 * 1000
        out[f"{span}_p99_ms"] = p99 * 1000
        out[f"{span}_p50_in_hops"] = p50 / hop50
        print(f"  {span:<20} p50 {p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  "
              f"(= {p50 / hop50:.1f} bare hops, n={len(xs)})")
    print(f"  alerts received at the webhook: {len(spans['article_to_webhook'])} of {N_STORIES} stories")
    return out


if __name__ == "__main__":
    run()
