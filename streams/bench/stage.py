"""The consensus stage through Kafka: ClaimObserved events per second through a worker.

The same seeded stream as :mod:`.consensus` (synthetic claims, messy sources)
is written to ``claims.observed`` before anything reads it, followed by one
fresh claim per partition (the sentinels). A ``claimwatch worker`` child process
then consumes it: the consensus agent applies each event, writes the claim's
Table row and the reliability records to their changelogs and publishes the
updates and alerts. The stage is done when the update of every sentinel is on
``consensus.updated`` (a partition is consumed in order, so its sentinel comes
last). The rate is the events over the time from the first update seen to the
last sentinel's.

Baseline, same broker, same run: a plain aiokafka consume-and-produce loop
reading the same records of the same topic and writing each one, by its key,
to a topic with as many partitions, with the producer and fetch settings the
worker uses (one record per batch and a 50 ms fetch wait on the embedded
broker, see ``../shared/DESIGN.md``). It is this stack's ceiling: the ratio
says what the consensus agent, its Table and its two changelogs cost on top.
It is run before (after a warm-up run) and after the worker; the mean of the
two is the baseline.

Where the worker's time goes (py-spy, 6,000 events, embedded broker): it is
not CPU-bound (the event loop waits in ``select`` most of the time, the agent
itself is about a fifth of the samples, decoding Kafka responses another
fifth, the web read model's feeder a tenth). Each event writes an update, a
Table row and a reliability record, and the reliability GlobalTable's
changelog has one partition; with one record per batch, the likely bound (not
verified) is one produce round trip per record on that partition, where the
loop spreads its records over four. The last partition also finished long
after the other three (42 s against 15 s in one run).
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

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from schemas.codec import dumps, loads
from schemas.events import ClaimObserved
from streams import topics
from streams.agents.consensus import partition_of
from streams.app import EMBEDDED_FETCH_MAX_WAIT_MS
from streams.bench.consensus import synthetic_stream
from streams.broker import bootstrap_servers, free_port
from streams.kafka_io import producer

N_EVENTS = int(os.environ.get("CLAIMWATCH_BENCH_STAGE_EVENTS", "4000"))
PARTITIONS = 4  # the worker's default (CLAIMWATCH_PARTITIONS)


def _sentinels(template: ClaimObserved) -> list[ClaimObserved]:
    """One new claim per partition, its key chosen to land there."""
    out: dict[int, ClaimObserved] = {}
    i = 0
    while len(out) < PARTITIONS:
        key = f"bench-sentinel-{i}:count@nowhere"
        p = partition_of(key, PARTITIONS)
        if p not in out:
            out[p] = template.model_copy(update={"claim_key": key, "event_id": f"sentinel-{i}"})
        i += 1
    return [out[p] for p in sorted(out)]


async def _create(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, num_partitions=PARTITIONS, replication_factor=1) for n in names])
    finally:
        await admin.close()


async def _preload(bootstrap: str, embedded: bool, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    prod = producer(bootstrap, embedded=embedded)
    await prod.start()
    try:
        futures = [await prod.send(topic, value=v, key=k) for k, v in records]
        for fut in futures:
            await fut
    finally:
        await prod.stop()


def _consumer(bootstrap: str, embedded: bool) -> AIOKafkaConsumer:
    kwargs: dict[str, Any] = {"bootstrap_servers": bootstrap, "group_id": None, "enable_auto_commit": False,
                              "auto_offset_reset": "earliest", "metadata_max_age_ms": 1000}
    if embedded:
        kwargs["fetch_max_wait_ms"] = EMBEDDED_FETCH_MAX_WAIT_MS
    return AIOKafkaConsumer(**kwargs)


async def _loop(bootstrap: str, embedded: bool, source: str, sink: str, n: int) -> float:
    """The plain consume-and-produce loop over ``n`` records: records per second."""
    consumer = _consumer(bootstrap, embedded)
    prod = producer(bootstrap, embedded=embedded)
    await consumer.start()
    await prod.start()
    try:
        consumer.subscribe([source])
        futures: list[Any] = []
        started: float | None = None
        while len(futures) < n:
            batches = await consumer.getmany(timeout_ms=1000)
            for msgs in batches.values():
                if started is None and msgs:
                    started = time.perf_counter()
                for m in msgs:
                    futures.append(await prod.send(sink, value=m.value, key=m.key))
        for fut in futures:
            await fut
        assert started is not None
        return n / (time.perf_counter() - started)
    finally:
        await prod.stop()
        await consumer.stop()


async def _through_worker(bootstrap: str, embedded: bool, prefix: str, n: int, sentinel_ids: set[str]) -> float:
    web_port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "CLAIMWATCH_EMBEDDED_BROKER": "1" if embedded else "",
        "CLAIMWATCH_TOPIC_PREFIX": prefix,
        "CLAIMWATCH_APP_ID": f"{prefix}stage",
        "CLAIMWATCH_WEB_PORT": str(web_port),
        "CLAIMWATCH_WEB_HOST": "127.0.0.1",
        "CLAIMWATCH_PARTITIONS": str(PARTITIONS),
    }
    consumer = _consumer(bootstrap, embedded)
    await consumer.start()
    consumer.subscribe([prefix + topics.CONSENSUS])
    with tempfile.TemporaryDirectory() as tmp:
        env["CLAIMWATCH_DATA_DIR"] = tmp
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            first: float | None = None
            waiting = set(sentinel_ids)
            seen, last_print = 0, 0.0
            deadline = time.perf_counter() + 600
            while waiting:
                if time.perf_counter() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the worker did not finish the stage ({len(waiting)} partitions left)")
                batches = await consumer.getmany(timeout_ms=500)
                now = time.perf_counter()
                seen += sum(len(v) for v in batches.values())
                if os.environ.get("CLAIMWATCH_BENCH_DEBUG") and now - last_print > 5:
                    last_print = now
                    left = len(waiting)
                    print(f"    {now - (first or now):6.1f}s {seen} updates, {left} partitions left", flush=True)
                for msgs in batches.values():
                    if msgs and first is None:
                        first = now
                    for m in msgs:
                        if m.value and b"sentinel-" in m.value:
                            waiting.discard(loads(m.value).get("trigger_event_id"))
            assert first is not None
            return n / (now - first)
        finally:
            await consumer.stop()
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            if proc.poll() is None:
                proc.kill()
                proc.wait()


async def _run(bootstrap: str, embedded: bool) -> dict[str, float]:
    prefix = f"s{os.getpid()}."
    events = synthetic_stream(N_EVENTS)
    sentinels = _sentinels(events[0])
    stream = events + sentinels
    records = [(e.claim_key.encode(), dumps(e)) for e in stream]
    source, sink = prefix + topics.CLAIMS, prefix + "bench.loop.out"
    await _create(bootstrap, [source, sink, prefix + "bench.loop.out2", prefix + "bench.loop.warm"])
    await _preload(bootstrap, embedded, source, records)
    await _loop(bootstrap, embedded, source, prefix + "bench.loop.warm", len(records))  # warm-up: metadata
    loop_before = await _loop(bootstrap, embedded, source, sink, len(records))
    stage = await _through_worker(bootstrap, embedded, prefix, len(records), {s.event_id for s in sentinels})
    loop_after = await _loop(bootstrap, embedded, source, prefix + "bench.loop.out2", len(records))
    loop = statistics.mean((loop_before, loop_after))
    return {
        "events": float(len(records)),
        "stage_events_per_s": stage,
        "loop_events_per_s": loop,
        "loop_before_events_per_s": loop_before,
        "loop_after_events_per_s": loop_after,
        "ratio": stage / loop,
        "one_record_per_batch": float(embedded),
    }


def run() -> dict[str, float]:
    with bootstrap_servers() as (bootstrap, embedded):
        out = asyncio.run(_run(bootstrap, embedded))
    where = "embedded broker, one record per batch" if embedded else "KAFKA_BOOTSTRAP_SERVERS"
    print(f"consensus stage through Kafka, {out['events']:,.0f} ClaimObserved events, {where}")
    print(f"  worker (consensus agent, Table, changelogs) {out['stage_events_per_s']:>9,.0f} events/s")
    print(f"  plain aiokafka consume-and-produce loop     {out['loop_events_per_s']:>9,.0f} events/s "
          f"(before {out['loop_before_events_per_s']:,.0f}, after {out['loop_after_events_per_s']:,.0f})")
    print(f"  ratio                                       {out['ratio']:>9.3f}  (goal >= 0.5)")
    return out


if __name__ == "__main__":
    run()
