"""Feeds every partition of the output topics into the worker's read model.

Why not a Faust agent: agents consume as members of the app's consumer group,
so each worker would see only its share of claims, yet every worker's API must
answer for all of them. A plain aiokafka consumer with no group, assigned every
partition, gives each worker the full picture.

Where it starts reading, so that a start does not refold the whole history:

- with a :class:`~streams.readmodel.store.ReadModelStore` (the worker's on-disk
  store): the claims, their latest consensus and the newest alerts come back from
  it, and every partition is read on from the position stored with them;
- without one, or for a partition it has no position for: ``consensus.updated``
  from its beginning (compacted: the latest consensus of every claim), and only
  the last ``tail`` records of each partition of ``claims.observed`` and
  ``alerts.contradictions`` (``tail=-1``: from the beginning).

A stored position beyond a partition's end means the broker no longer has the
log the store was built from (a broker that keeps its log in memory was
restarted): the store is cleared and the feed starts over.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import BaseModel, ValidationError

from schemas.codec import decode, dumps
from schemas.events import ClaimObserved, ConsensusUpdated, ContradictionDetected
from streams import metrics
from streams.readmodel import ReadModel
from streams.readmodel.store import ReadModelStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedTopics:
    """Names of the topics the read model folds (defaults: the product's topics)."""

    claims: str = "claims.observed"
    consensus: str = "consensus.updated"
    alerts: str = "alerts.contradictions"

    def names(self) -> list[str]:
        return [self.claims, self.consensus, self.alerts]


class ReadModelFeeder:
    """Reads the topics in :class:`FeedTopics` from the start and folds them into a model."""

    def __init__(
        self,
        model: ReadModel,
        bootstrap_servers: str,
        topics: FeedTopics | None = None,
        *,
        client_id: str = "claimwatch-readmodel",
        metadata_max_age_ms: int = 2000,
        store: ReadModelStore | None = None,
        tail: int = -1,
    ) -> None:
        self.model = model
        self.store = store
        self.tail = tail
        #: Claims and alerts brought back from the store at start.
        self.restored_claims = 0
        self.restored_alerts = 0
        self._dirty: set[str] = set()
        self._new_alerts: list[bytes] = []
        self.bootstrap_servers = bootstrap_servers
        self.topics = topics or FeedTopics()
        self.client_id = client_id
        self.metadata_max_age_ms = metadata_max_age_ms
        self.records = 0
        self.bad_records = 0
        #: True once every assigned partition was read up to its end offset at assignment.
        self.caught_up = False
        self._targets: dict[TopicPartition, int] = {}
        self._handlers: dict[str, Callable[[bytes], None]] = {
            self.topics.claims: self._fold(ClaimObserved, model.observe_claim),
            self.topics.consensus: self._fold(ConsensusUpdated, model.observe_consensus),
            self.topics.alerts: self._fold(ContradictionDetected, model.observe_alert),
        }

    def _fold(self, cls: type[BaseModel], observe: Callable[..., bool]) -> Callable[[bytes], None]:
        def handle(raw: bytes) -> None:
            event: Any = decode(raw, cls)
            if observe(event) and self.store is not None:
                self._dirty.add(event.claim_key)
                if cls is ContradictionDetected:
                    self._new_alerts.append(raw)

        return handle

    def restore(self) -> dict[tuple[str, int], int]:
        """Bring the model back from the store; the positions to read on from."""
        if self.store is None:
            return {}
        for summary, raw in self.store.claims():
            latest = decode(raw, ConsensusUpdated) if raw is not None else None
            self.model.restore_claim(summary, latest)
            self.restored_claims += 1
        for raw in self.store.alerts():
            self.model.restore_alert(decode(raw, ContradictionDetected))
            self.restored_alerts += 1
        positions = self.store.positions()
        if self.restored_claims or positions:
            log.info(
                "read model: %d claims and %d alerts from local state, reading on from %d positions",
                self.restored_claims, self.restored_alerts, len(positions),
            )
        return positions

    def persist(self, positions: dict[tuple[str, int], int]) -> None:
        """Write what the last batch changed, with the positions after it (one atomic write)."""
        if self.store is None or not positions:
            return
        claims: dict[str, tuple[dict[str, Any], bytes | None]] = {}
        for key in self._dirty:
            summary = self.model.snapshot(key)
            if summary is None:  # evicted beyond the cap
                continue
            latest = self.model.latest(key)
            claims[key] = (summary, dumps(latest) if latest is not None else None)
        self.store.write(claims, self._new_alerts, positions)
        self._dirty.clear()
        self._new_alerts = []

    async def _start_positions(
        self,
        consumer: AIOKafkaConsumer,
        tps: set[TopicPartition],
        stored: dict[tuple[str, int], int],
    ) -> bool:
        """Seek each new partition to where reading starts; False when a stored position is
        beyond its partition's end (the broker lost the log the store was built from)."""
        ordered = sorted(tps)
        begin = await consumer.beginning_offsets(ordered)
        end = await consumer.end_offsets(ordered)
        if any(stored.get((tp.topic, tp.partition), 0) > end[tp] for tp in ordered):
            return False
        for tp in ordered:
            position = stored.get((tp.topic, tp.partition))
            if position is not None:
                start = max(position, begin[tp])
            elif tp.topic != self.topics.consensus and self.tail >= 0:
                start = max(begin[tp], end[tp] - self.tail)
                if tp.topic == self.topics.claims and start > begin[tp]:
                    self.model.partial_history = True
            else:
                start = begin[tp]
            consumer.seek(tp, start)
        return True

    def handle(self, topic: str, value: bytes | None) -> None:
        """Fold one record; undecodable ones are counted and skipped, never fatal."""
        self.records += 1
        if value is None:  # a tombstone on the compacted topic: nothing to show
            return
        try:
            self._handlers[topic](value)
        except (ValueError, ValidationError) as exc:
            self.bad_records += 1
            metrics.READMODEL_RECORDS.labels(outcome="bad").inc()
            log.warning("read model skipped a bad record on %s: %s", topic, exc)
        else:
            metrics.READMODEL_RECORDS.labels(outcome="folded").inc()

    def _start_over(self) -> None:
        self.model.clear()
        self._dirty.clear()
        self._new_alerts = []
        self._targets.clear()
        self.restored_claims = self.restored_alerts = 0
        if self.store is not None:
            self.store.clear()

    async def _check_caught_up(
        self, consumer: AIOKafkaConsumer, tps: Iterable[TopicPartition]
    ) -> None:
        if self.caught_up:
            return
        for tp in tps:
            if await consumer.position(tp) < self._targets.get(tp, 0):
                return
        self.caught_up = True
        log.info("read model caught up: %d records, %d claims", self.records, len(self.model))

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Consume until ``stop`` is set (or the task is cancelled).

        ``subscribe`` without a group assigns every partition of the topics and
        follows topics and partitions created later (a sink topic appears on
        its first write), re-reading metadata every ``metadata_max_age_ms``.
        """
        stop = stop or asyncio.Event()
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=None,
            client_id=self.client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=self.metadata_max_age_ms,
        )
        try:
            await consumer.start()
            wanted = set(self.topics.names())
            # Subscribing to a missing topic makes brokers with auto-creation create it
            # with their default partition count; the worker declares these, so wait.
            while not stop.is_set() and not wanted <= await consumer.topics():
                await asyncio.sleep(1.0)
            stored = self.restore()
            consumer.subscribe(sorted(wanted))
            # every partition of the topics is assigned from the metadata: wait for it so
            # that each is sought to its start before anything is fetched from it
            deadline = asyncio.get_running_loop().time() + 10.0
            while not stop.is_set() and {tp.topic for tp in consumer.assignment()} != wanted:
                if asyncio.get_running_loop().time() > deadline:
                    break
                await asyncio.sleep(0.05)
            known: set[TopicPartition] = set()
            while not stop.is_set():
                new = consumer.assignment() - known
                if new:
                    if not await self._start_positions(consumer, new, stored):
                        log.warning(
                            "read model: local state is ahead of the broker's log (a new broker?); starting over"
                        )
                        self._start_over()
                        stored = {}
                        known = set()
                        continue
                    known |= new
                    self._targets.update(await consumer.end_offsets(sorted(new)))
                    self.caught_up = False
                batches = await consumer.getmany(timeout_ms=500, max_records=2000)
                positions: dict[tuple[str, int], int] = {}
                for tp, records in batches.items():
                    for record in records:
                        self.handle(tp.topic, record.value)
                    if records:
                        positions[(tp.topic, tp.partition)] = records[-1].offset + 1
                self.persist(positions)
                if {tp.topic for tp in known} == wanted:
                    await self._check_caught_up(consumer, known)
        finally:
            await consumer.stop()
