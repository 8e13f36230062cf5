"""Feeds every partition of the output topics into the worker's read model.

Why not a Faust agent: agents consume as members of the app's consumer group,
so each worker would see only its share of claims, yet every worker's API must
answer for all of them. A plain aiokafka consumer with no group, assigned every
partition and reading from the beginning, gives each worker the full picture
(the log of record is replayed into memory at start; ``consensus.updated`` is
compacted, so it stays short).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import BaseModel, ValidationError

from schemas.codec import decode
from schemas.events import ClaimObserved, ConsensusUpdated, ContradictionDetected
from streams import metrics
from streams.readmodel import ReadModel

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
    ) -> None:
        self.model = model
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
            observe(decode(raw, cls))

        return handle

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
            consumer.subscribe(sorted(wanted))
            known: set[TopicPartition] = set()
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=500, max_records=2000)
                for tp, records in batches.items():
                    for record in records:
                        self.handle(tp.topic, record.value)
                new = consumer.assignment() - known
                if new:
                    known |= new
                    self._targets.update(await consumer.end_offsets(sorted(new)))
                    self.caught_up = False
                if {tp.topic for tp in known} == wanted:
                    await self._check_caught_up(consumer, known)
        finally:
            await consumer.stop()
