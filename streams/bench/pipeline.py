"""End-to-end latency of the live pipeline at a steady load: article produced → webhook received.

A ``claimwatch worker`` child process runs on the embedded broker (or
KAFKA_BOOTSTRAP_SERVERS) with a local webhook receiver. Short flood, fire and
storm stories (72 claims, three reports each: two alike, then one far off) are
produced at a steady rate of half the extraction capacity measured on these
very texts in this run (``Extractor.extract_many`` in batches of the extract
agent's size), all first reports, then all second ones, then all third ones.
Each third report must alert; the figure is the time from producing an
article to its alert's webhook arriving, p50 and p99.

Baseline, same broker, same run, same rate and count: a bare hop, a record
produced, read by a plain aiokafka consumer (the worker's fetch settings) and
POSTed to the same kind of receiver. The ratios read as "so many bare hops".
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
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from schemas.codec import dumps, loads
from schemas.events import Article
from streams import topics
from streams.app import EMBEDDED_FETCH_MAX_WAIT_MS
from streams.broker import bootstrap_servers, free_port
from streams.kafka_io import producer, wait_for_topics

CITIES = ["Valencia", "Derna", "Houston", "Dhaka", "Lagos", "Manila", "Karachi", "Jakarta", "Lima", "Nairobi",
          "Hanoi", "Quito"]
DISASTERS = ["floods", "landslide", "fire", "storm", "explosion", "typhoon"]
N_STORIES = len(CITIES) * len(DISASTERS)
EXTRACT_BATCH = 16  # streams.agents.extract.BATCH_SIZE


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def _story(i: int) -> list[dict[str, Any]]:
    """A toll reported twice alike, then once far off: the third article must alert."""
    city, what = CITIES[i % len(CITIES)], DISASTERS[(i // len(CITIES)) % len(DISASTERS)]
    base = {"outlet": "bench.example"}
    return [
        {**base, "id": f"bench-{i}-a", "published_at": "2025-05-01T08:00:00Z",
         "text": f"{what.capitalize()} hit {city} on Monday. Officials at the regional emergency service said "
                 f"about 40 people were killed in the {what} in {city}."},
        {**base, "id": f"bench-{i}-b", "published_at": "2025-05-02T08:00:00Z",
         "text": f"The Red Cross said that 41 people were killed in the {what} in {city}."},
        {**base, "id": f"bench-{i}-c", "published_at": "2025-05-03T08:00:00Z",
         "text": f"A local mayor told reporters that 400 people were killed in the {what} in {city}."},
    ]


def schedule() -> list[dict[str, Any]]:
    """Every story's first report, then every second one, then every third one."""
    stories = [_story(i) for i in range(N_STORIES)]
    return [s[k] for k in range(3) for s in stories]


def capacity(docs: list[dict[str, Any]]) -> float:
    """Articles per second ``Extractor.extract_many`` manages on these texts (best of three)."""
    from streams.extraction import Extractor

    ex = Extractor()
    articles = [Article.model_validate(d) for d in docs]
    list(ex.extract_many(articles[:EXTRACT_BATCH], batch_size=EXTRACT_BATCH))  # warm-up
    rates = []
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in ex.extract_many(articles, batch_size=EXTRACT_BATCH):
            pass
        rates.append(len(articles) / (time.perf_counter() - t0))
    return max(rates)


async def _paced(items: list[Any], rate: float, send: Callable[[Any], Awaitable[None]]) -> dict[str, float]:
    """Call ``send`` for each item at a steady ``rate`` per second; when each was sent."""
    sent: dict[str, float] = {}
    t0 = time.perf_counter()
    for k, item in enumerate(items):
        delay = t0 + k / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent[item["id"]] = time.perf_counter()
        await send(item)
    return sent


async def _receiver(on_body: Callable[[dict[str, Any]], object]) -> tuple[web.AppRunner, int]:
    async def hook(request: web.Request) -> web.Response:
        on_body(loads(await request.read()))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


async def _settle_until(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not done() and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)


async def _bare_hops(bootstrap: str, embedded: bool, prefix: str, n: int, rate: float) -> list[float]:
    """Produce → a plain consumer → POST to a receiver, ``n`` records at ``rate``."""
    name = f"{prefix}bench.hop"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=4, replication_factor=1)])
    finally:
        await admin.close()
    got: dict[str, float] = {}
    runner, port = await _receiver(lambda body: got.setdefault(body["id"], time.perf_counter()))
    kwargs: dict[str, Any] = {"fetch_max_wait_ms": EMBEDDED_FETCH_MAX_WAIT_MS} if embedded else {}
    consumer = AIOKafkaConsumer(name, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                **kwargs)
    prod = producer(bootstrap, embedded=embedded)
    await consumer.start()
    await prod.start()

    async def forward() -> None:
        async with ClientSession(timeout=ClientTimeout(total=10)) as http:
            while True:
                for msgs in (await consumer.getmany(timeout_ms=100)).values():
                    for m in msgs:
                        async with http.post(f"http://127.0.0.1:{port}/hook", data=m.value) as resp:
                            await resp.read()

    task = asyncio.create_task(forward())
    try:
        await prod.send_and_wait(name, dumps({"id": "warm-up"}))
        await _settle_until(lambda: "warm-up" in got, 20)
        items = [{"id": f"hop-{i}"} for i in range(n)]

        async def send(item: dict[str, Any]) -> None:
            await prod.send(name, dumps(item))

        sent = await _paced(items, rate, send)
        await _settle_until(lambda: all(i in got for i in sent), 30)
        return [got[i] - sent[i] for i in sent if i in got]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await prod.stop()
        await consumer.stop()
        await runner.cleanup()


async def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.perf_counter() + timeout
    async with ClientSession(timeout=ClientTimeout(total=2)) as http:
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the worker exited ({proc.returncode})")
            with contextlib.suppress(Exception):
                async with http.get(url) as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise TimeoutError(url)


async def _pipeline(
    bootstrap: str, embedded: bool, prefix: str, docs: list[dict[str, Any]], rate: float
) -> tuple[float, list[float]]:
    got: dict[str, float] = {}
    runner, hook_port = await _receiver(
        lambda body: got.setdefault(body["observation"]["article_id"], time.perf_counter())
    )
    web_port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "CLAIMWATCH_EMBEDDED_BROKER": "1" if embedded else "",
        "CLAIMWATCH_TOPIC_PREFIX": prefix,
        "CLAIMWATCH_APP_ID": f"{prefix}bench",
        "CLAIMWATCH_WEB_PORT": str(web_port),
        "CLAIMWATCH_WEB_HOST": "127.0.0.1",
        "CLAIMWATCH_WEBHOOK_URLS": f"http://127.0.0.1:{hook_port}/hook",
        "CLAIMWATCH_WEBHOOK_SECRET": "bench",
    }
    prod = producer(bootstrap, embedded=embedded)
    with tempfile.TemporaryDirectory() as tmp:
        env["CLAIMWATCH_DATA_DIR"] = tmp
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            started = time.perf_counter()
            await _wait_ready(f"http://127.0.0.1:{web_port}/readyz", proc)
            ready_s = time.perf_counter() - started
            await wait_for_topics(bootstrap, [prefix + topics.ARTICLES])
            await prod.start()

            async def send(doc: dict[str, Any]) -> None:
                await prod.send(prefix + topics.ARTICLES, dumps(doc), key=doc["id"].encode())

            sent = await _paced(docs, rate, send)
            thirds = [d["id"] for d in docs if d["id"].endswith("-c")]
            await _settle_until(lambda: all(a in got for a in thirds), 60)
            await asyncio.sleep(1.0)  # any late alert of an earlier report
        finally:
            await prod.stop()
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            await runner.cleanup()
    return ready_s, [got[a] - sent[a] for a in sent if a in got]


def run() -> dict[str, float]:
    prefix = f"b{os.getpid()}."
    docs = schedule()
    cap = capacity(docs)
    rate = cap / 2
    with bootstrap_servers() as (bootstrap, embedded):
        hops = asyncio.run(_bare_hops(bootstrap, embedded, prefix, len(docs), rate))
        ready_s, spans = asyncio.run(_pipeline(bootstrap, embedded, prefix, docs, rate))
    ms = 1000.0
    out: dict[str, float] = {
        "extraction_capacity_articles_per_s": cap,
        "rate_articles_per_s": rate,
        "articles": float(len(docs)),
        "stories": float(N_STORIES),
        "alerts_received": float(len(spans)),
        "worker_ready_s": ready_s,
        "hop_p50_ms": statistics.median(hops) * ms,
        "hop_p99_ms": _pct(hops, 0.99) * ms,
        "hops": float(len(hops)),
        "article_to_webhook_p50_ms": statistics.median(spans) * ms if spans else float("nan"),
        "article_to_webhook_p99_ms": _pct(spans, 0.99) * ms,
    }
    out["ratio_p50"] = out["article_to_webhook_p50_ms"] / out["hop_p50_ms"]
    out["ratio_p99"] = out["article_to_webhook_p99_ms"] / out["hop_p99_ms"]
    print(f"live pipeline, {len(docs)} articles ({N_STORIES} stories) at {rate:.1f}/s "
          f"(half of {cap:.1f}/s extraction capacity on these texts); worker ready after {ready_s:.1f} s")
    print(f"  article produced → webhook received  p50 {out['article_to_webhook_p50_ms']:7.1f} ms  "
          f"p99 {out['article_to_webhook_p99_ms']:7.1f} ms  ({len(spans)} of {N_STORIES} alerts)")
    print(f"  bare produce → consume → POST hop    p50 {out['hop_p50_ms']:7.1f} ms  "
          f"p99 {out['hop_p99_ms']:7.1f} ms  ({len(hops)} records, same rate)")
    print(f"  ratio                                p50 {out['ratio_p50']:7.1f}     p99 {out['ratio_p99']:7.1f}")
    return out


if __name__ == "__main__":
    run()
