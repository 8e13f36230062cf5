"""Restart of a worker after N claim events: time to ready and resident memory, per Table store.

For each store (``memory://``, ``rocksdb://``), in the same invocation: a broker
(the embedded one, fresh for each store, unless ``KAFKA_BOOTSTRAP_SERVERS`` is set),
a worker, and N ClaimObserved events written to ``claims.observed``, over a fixed
set of live claims (``N_CLAIMS`` claims, each reported again and again by
``N_SOURCES`` sources with moving figures: the live state stops growing after the
first few thousand events, only the history grows). Once the worker has committed
every event it is stopped (SIGTERM) and started again on the same data directory:

- ``ready_s``: from starting the process to ``/readyz`` answering 200 (group
  joined, Tables recovered: the whole changelog with ``memory://``, the tail past
  the local state with ``rocksdb://``);
- ``rss_ready_mb``: its resident memory then;
- ``rss_peak_mb``: its peak resident memory (VmHWM) once its read model has
  caught up as well (what a restart costs at its worst);
- ``restored``: changelog records its Tables read back
  (``claimwatch_table_restored_records_total``).

The worker then goes on with the next N (the events are cumulative: 10,000 then
90,000 more for 100,000). ``ratio_*`` are memory over on-disk, same N, same run.
Default N: 10,000 and 100,000; ``python -m streams.bench restart --million`` (or
``CLAIMWATCH_BENCH_MILLION=1``) adds 1,000,000, which takes long on the embedded
broker (one record per batch, about 4k records/s to write, the worker slower still).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from schemas.events import ClaimObserved
from streams import topics
from streams.broker import bootstrap_servers, free_port
from streams.kafka_io import send_all

N_CLAIMS = 500
N_SOURCES = 10
EVENT_COUNTS = (10_000, 100_000)
MILLION = 1_000_000
STORES = ("memory://", "rocksdb://")
#: Events per send_all call (one producer per chunk).
CHUNK = 5_000
#: Longest wait for the worker to commit what was written (seconds per 10,000 events).
PROCESS_TIMEOUT_PER_10K = 240.0


#: Longest wait for a restarted worker to be ready (seconds); past it the figure is recorded
#: as this value with ``timed_out`` set, and that store's larger N are not measured.
READY_TIMEOUT = 1200.0


def event_counts() -> tuple[int, ...]:
    """N: 10,000 and 100,000; ``CLAIMWATCH_BENCH_MILLION=1`` adds 1,000,000;
    ``CLAIMWATCH_BENCH_EVENTS=10000,30000`` replaces them (a shorter run)."""
    given = os.environ.get("CLAIMWATCH_BENCH_EVENTS", "").strip()
    if given:
        return tuple(sorted(int(x) for x in given.split(",") if x.strip()))
    million = os.environ.get("CLAIMWATCH_BENCH_MILLION", "").strip() not in ("", "0")
    return (*EVENT_COUNTS, MILLION) if million else EVENT_COUNTS


class Events:
    """A seeded endless stream of claim events over N_CLAIMS live claims, as raw JSON."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.truths = [self.rng.randint(2_000, 90_000) for _ in range(N_CLAIMS)]
        self.t0 = datetime(2024, 1, 1, tzinfo=UTC)
        self.template = ClaimObserved(
            event_id="x", claim_key="x", subject="x", measure="population",
            value={"low": 1, "best": 1, "high": 1, "hedge": "exact"},  # type: ignore[arg-type]
            source={"name": "x"},  # type: ignore[arg-type]
            article_id="x", as_of=self.t0, published_at=self.t0, observed_at=self.t0,
            evidence={"text": "x", "start": 0, "end": 1},  # type: ignore[arg-type]
        ).model_dump(mode="json")
        self.i = 0

    def take(self, n: int) -> list[tuple[bytes, bytes]]:
        out = []
        for _ in range(n):
            i, self.i = self.i, self.i + 1
            c = self.rng.randrange(N_CLAIMS)
            s = self.rng.randrange(N_SOURCES)
            value = round(self.truths[c] * (1 + 0.0001 * (i // N_CLAIMS)) * self.rng.uniform(0.99, 1.01))
            when = (self.t0 + timedelta(minutes=i)).isoformat().replace("+00:00", "Z")
            key = f"town-{c}:population@region"
            doc = dict(self.template)
            doc.update(
                event_id=f"restart-{i}", claim_key=key, subject=f"town {c}",
                value={"low": value, "best": value, "high": value, "hedge": "exact"},
                source={"name": f"source {s}", "kind": None},
                article_id=f"art-{i}", as_of=when, published_at=when, observed_at=when,
                evidence={"text": f"source {s} counted {value} people.", "start": 0, "end": 10},
            )
            out.append((key.encode(), orjson.dumps(doc)))
        return out


def _rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(rest.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


async def _get(url: str) -> tuple[int, Any]:
    from aiohttp import ClientSession, ClientTimeout

    async with ClientSession(timeout=ClientTimeout(total=2)) as http, http.get(url) as resp:
        body = await resp.read()
        return resp.status, body


async def _committed(bootstrap: str, group: str, topic: str) -> int:
    """Offsets the worker's group committed on ``topic``, summed over its partitions."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        total = 0
        for p in sorted(partitions):
            total += await consumer.committed(TopicPartition(topic, p)) or 0
        return total
    finally:
        await consumer.stop()


class Worker:
    """``claimwatch worker`` in a child process on a given broker, store and data directory."""

    def __init__(self, bootstrap: str, embedded: bool, store: str, data_dir: str, prefix: str) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "CLAIMWATCH_EMBEDDED_BROKER": "1" if embedded else "",
            "CLAIMWATCH_TOPIC_PREFIX": prefix,
            "CLAIMWATCH_APP_ID": f"{prefix}restart",
            "CLAIMWATCH_WEB_PORT": str(self.port),
            "CLAIMWATCH_WEB_HOST": "127.0.0.1",
            "CLAIMWATCH_DATA_DIR": data_dir,
            "CLAIMWATCH_STORE": store,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, timeout: float = READY_TIMEOUT) -> float:
        """Start and wait for ``/readyz``; seconds from spawning to ready."""
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warning"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}")
            with contextlib.suppress(Exception):
                status, _ = await _get(f"{self.url}/readyz")
                if status == 200:
                    return time.perf_counter() - started
            await asyncio.sleep(0.1)
        raise TimeoutError("worker not ready")

    async def wait_read_model(self, timeout: float = 300.0) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with contextlib.suppress(Exception):
                _, body = await _get(f"{self.url}/readyz")
                if orjson.loads(body).get("readmodel", {}).get("caught_up"):
                    return
            await asyncio.sleep(0.5)

    async def restored(self) -> float:
        _, body = await _get(f"{self.url}/metrics")
        return sum(
            float(line.rpartition(" ")[2])
            for line in body.decode().splitlines()
            if line.startswith("claimwatch_table_restored_records_total{")
        )

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def measure_store(store: str, counts: tuple[int, ...]) -> dict[str, dict[str, float]]:
    """Figures per N for one store (its own broker, worker and data directory)."""
    results: dict[str, dict[str, float]] = {}
    events = Events()
    with bootstrap_servers() as (bootstrap, embedded), tempfile.TemporaryDirectory() as data_dir:
        prefix = f"restart{random.randrange(10**6)}."
        claims_topic = prefix + topics.CLAIMS
        worker = Worker(bootstrap, embedded, store, data_dir, prefix)
        group = f"{prefix}restart"
        try:
            await worker.start()
            written = 0
            for n in counts:
                while written < n:
                    chunk = events.take(min(CHUNK, n - written))
                    await send_all(bootstrap, claims_topic, chunk, embedded=embedded)
                    written += len(chunk)
                deadline = time.perf_counter() + PROCESS_TIMEOUT_PER_10K * max(1, n // 10_000)
                while await _committed(bootstrap, group, claims_topic) < written:
                    if time.perf_counter() > deadline:
                        raise TimeoutError(f"{store}: worker did not process {n} events")
                    await asyncio.sleep(1.0)
                await asyncio.sleep(2.0)  # the last changelog writes and commits
                worker.stop()
                try:
                    ready_s = await worker.start()
                except TimeoutError:
                    assert worker.proc is not None
                    rss, peak = _rss_mb(worker.proc.pid)
                    restored = await worker.restored()
                    results[str(n)] = {"ready_s": READY_TIMEOUT, "timed_out": 1.0, "rss_ready_mb": round(rss, 1),
                                       "rss_peak_mb": round(peak, 1), "restored": restored}
                    print(f"  {store:<12} N={n:>9,}: not ready after {READY_TIMEOUT:.0f} s (RSS {rss:.1f} MB,"
                          f" changelog records read back so far {restored:,.0f})", flush=True)
                    break
                assert worker.proc is not None
                rss_ready, _ = _rss_mb(worker.proc.pid)
                restored = await worker.restored()
                await worker.wait_read_model()
                await asyncio.sleep(1.0)
                _, peak = _rss_mb(worker.proc.pid)
                results[str(n)] = {
                    "ready_s": round(ready_s, 2),
                    "rss_ready_mb": round(rss_ready, 1),
                    "rss_peak_mb": round(peak, 1),
                    "restored": restored,
                }
                print(
                    f"  {store:<12} N={n:>9,}: ready {ready_s:6.2f} s, RSS at ready {rss_ready:6.1f} MB,"
                    f" peak {peak:6.1f} MB, changelog records read back {restored:,.0f}",
                    flush=True,
                )
        finally:
            worker.stop()
    return results


async def measure(counts: tuple[int, ...]) -> dict[str, float]:
    by_store = {store: await measure_store(store, counts) for store in STORES}
    flat: dict[str, float] = {}
    for store, per_n in by_store.items():
        name = store.split(":")[0]
        for n, figures in per_n.items():
            for field, value in figures.items():
                flat[f"{name}_{n}_{field}"] = value
    print(f"  {'N':>9} {'ready mem/disk':>15} {'RSS ready mem/disk':>19} {'peak mem/disk':>14}")
    for n in map(str, counts):
        mem, disk = by_store["memory://"].get(n), by_store["rocksdb://"].get(n)
        if not mem or not disk:
            continue
        for field in ("ready_s", "rss_ready_mb", "rss_peak_mb"):
            flat[f"ratio_{n}_{field}"] = round(mem[field] / disk[field], 2) if disk[field] else 0.0
        print(
            f"  {int(n):>9,} {flat[f'ratio_{n}_ready_s']:>15.2f} {flat[f'ratio_{n}_rss_ready_mb']:>19.2f}"
            f" {flat[f'ratio_{n}_rss_peak_mb']:>14.2f}"
        )
    return flat


def run() -> dict[str, float]:
    counts = event_counts()
    print(f"restart after N claim events ({N_CLAIMS} live claims, {N_SOURCES} sources): N = "
          + ", ".join(f"{n:,}" for n in counts))
    return asyncio.run(measure(counts))


if __name__ == "__main__":
    if "--million" in sys.argv[1:]:
        os.environ["CLAIMWATCH_BENCH_MILLION"] = "1"
    print(run())
