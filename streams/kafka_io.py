"""Small aiokafka helpers for the edges of the system: feeding articles and tailing topics.

The worker itself talks to Kafka through Faust; these helpers serve the
``produce`` command, the demo and the end-to-end tests, which act as an outside
producer and an outside consumer would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from schemas.codec import loads


async def one_record_per_batch(bootstrap: str) -> bool:
    """Whether producers to ``bootstrap`` must write one record per batch: the
    configured ``CLAIMWATCH_BROKER``, or the broker's answer when it is ``auto``
    (:func:`streams.broker.identify`; anything but Apache Kafka gets the workaround)."""
    from streams.broker import identify
    from streams.config import Settings

    kind = Settings().broker_kind
    if kind is None:
        kind, _why = await identify(bootstrap)
    return kind == "tansu"


def producer(bootstrap: str, *, embedded: bool) -> AIOKafkaProducer:
    """A producer; one record per batch on the embedded broker (DESIGN.md quirk)."""
    kwargs: dict[str, Any] = {"bootstrap_servers": bootstrap, "acks": "all"}
    if embedded:
        kwargs.update(max_batch_size=1, linger_ms=0)
    else:
        kwargs.update(linger_ms=5, compression_type=None)
    return AIOKafkaProducer(**kwargs)


async def send_all(
    bootstrap: str,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes]],
    *,
    embedded: bool | None = None,
    headers: list[tuple[str, bytes]] | None = None,
) -> int:
    """Send ``(key, value)`` records in order, each with ``headers``, and wait for every acknowledgement.

    ``embedded=None`` asks :func:`one_record_per_batch`, so that ``claimwatch produce``
    against Tansu writes what its end offsets can count (other tools see the right
    high watermarks and lag).
    """
    if embedded is None:
        embedded = await one_record_per_batch(bootstrap)
    prod = producer(bootstrap, embedded=embedded)
    await prod.start()
    try:
        futures = [await prod.send(topic, value=value, key=key, headers=headers) for key, value in records]
        for fut in futures:
            await fut
        return len(futures)
    finally:
        await prod.stop()


async def tail(
    bootstrap: str, topics: list[str], *, from_beginning: bool = True, poll_ms: int = 200
) -> AsyncIterator[tuple[str, bytes | None, Any]]:
    """Yield ``(topic, key, decoded JSON value)`` from every partition, without a consumer group."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
    )
    await consumer.start()
    try:
        consumer.subscribe(topics)
        while True:
            batches = await consumer.getmany(timeout_ms=poll_ms)
            for tp, messages in batches.items():
                for m in messages:
                    value = loads(m.value) if m.value is not None else None
                    yield tp.topic, m.key, value
            if not batches:
                await asyncio.sleep(0)
    finally:
        await consumer.stop()


async def wait_for_topics(bootstrap: str, names: Iterable[str], timeout: float = 60.0) -> None:
    """Wait until the broker knows every topic in ``names`` (the worker declares them)."""
    wanted = set(names)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            known = await consumer.topics()
            if wanted <= known:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"topics never appeared: {sorted(wanted - known)}")
            await asyncio.sleep(0.5)
    finally:
        await consumer.stop()
