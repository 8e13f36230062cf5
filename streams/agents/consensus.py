"""Consensus agent: ``claims.observed`` → Table ``consensus`` → ``consensus.updated`` + alerts.

``claims.observed`` is keyed by claim_key, so the stream and the Table are
co-partitioned: each worker owns the claims of its partitions and nothing else.
Source reliability is the one global piece of state; it travels through the
compacted changelog of a GlobalTable that every worker reads in full, so two
workers learn from each other's claims exactly as one worker would.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from aiokafka.partitioner import murmur2
from faust.tables.globaltable import GlobalTable
from pydantic import ValidationError
from yarl import URL

from schemas.codec import dumps
from streams import deadletter, metrics
from streams.agents.extract import EVIDENCE_HEADER
from streams.configured import build_engine
from streams.consensus.engine import DUPLICATE
from streams.consensus.evidence import presence_evidence
from streams.consensus.observed import Observed, from_json

if TYPE_CHECKING:
    from streams.app import Context

log = logging.getLogger(__name__)

TABLE_NAME = "consensus"
#: Outcomes of a step that changed nothing because the statement was already known
#: (redelivered, copied, repeated or older than the source's latest): the duplicates metric.
NO_CHANGE_OUTCOMES = frozenset({"duplicate", "stale", "copy", "repeat"})
RELIABILITY_TABLE = "reliability"


def rocksdb_options() -> dict[str, Any]:
    """RocksDB settings of each Table partition on disk (``rocksdb://``).

    Faust's defaults (three 64 MB memtables and a 2 GB block cache per partition
    database) size memory for large hosts; a worker's resident memory should follow
    the number of live claims instead, so memtables and caches are kept small (the
    values are read by key, and each claim's state is read once per observation).
    A fresh dict each time: Faust's store pops keys from the one it is given.
    """
    return {
        "write_buffer_size": 4 * 1024 * 1024,
        "max_write_buffer_number": 2,
        "target_file_size_base": 16 * 1024 * 1024,
        "block_cache_size": 16 * 1024 * 1024,
        "block_cache_compressed_size": 0,
    }


def _partition_zero_store() -> type:
    """Faust's RocksDB store, writing every key to the database of partition 0 (built lazily:
    importing faust.stores.rocksdb is only needed when the on-disk store is in use)."""
    from faust.stores import rocksdb

    class PartitionZeroStore(rocksdb.Store):  # type: ignore[misc, valid-type]
        """Writes land in the database of partition 0, the changelog partition they are sent to.

        Faust's store writes to the database of the partition of the event being
        processed (a claims.observed partition), but only the changelog partition 0
        is assigned to the global table after a restart: keys written from events of
        other partitions would sit in databases nobody opens again, while the
        persisted offset (kept in partition 0's database) says they are there.
        """

        def _set(self, key: bytes, value: bytes | None) -> None:
            self._key_index[key] = 0
            self._db_for_partition(0).put(key, value)

        def _del(self, key: bytes) -> None:
            for db in list(self._dbs.values()):
                db.delete(key)

    return PartitionZeroStore


class SinglePartitionGlobalTable(GlobalTable):
    """A GlobalTable whose writes always go to partition 0 of its one-partition changelog.

    Faust would write to the partition of the event being processed (4 here),
    or ask the producer's metadata for the changelog topic before it has any
    (a crash on first use); neither fits a table every worker reads in full.
    On disk, the values go to partition 0's database too (see ``_partition_zero_store``).

    ``on_recovered`` is called with the table once, after the first recovery: with a
    store on disk, recovery reads only the changelog past the local state, so what
    is derived from the values (the reliability book) is rebuilt from the local ones.
    """

    def __init__(self, *args: Any, on_recovered: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_recovered = on_recovered

    def partition_for_key(self, key: Any) -> int | None:
        return 0

    def _new_store_by_url(self, url: str | URL) -> Any:
        if URL(str(url)).scheme != "rocksdb":
            return super()._new_store_by_url(url)
        return _partition_zero_store()(
            url,
            self.app,
            self,
            table_name=self.name,
            key_type=self.key_type,
            key_serializer=self.key_serializer,
            value_serializer=self.value_serializer,
            value_type=self.value_type,
            loop=self.loop,
            options=self.options,
        )

    def _on_changelog_sent(self, fut: Any) -> None:
        """Leave the persisted changelog offset alone when one of this worker's writes is
        acknowledged.

        Faust records the acknowledged offset as the store's persisted offset, where a
        restart or rebalance resumes reading the changelog. That holds for a Table whose
        changelog partition has one writer; this one has a writer on every worker, and
        the records other workers wrote just before ours may not have been read here
        yet: with the offset moved past them, a restarted worker's recovery started
        after them and its reliability book never had them (measured: a worker SIGKILLed
        with its persisted offset at 670 had read 543 of the 671 records; after its
        restart its book lacked 127 records for good). The offset now moves only as
        the changelog is read, in order, own writes included (every worker reads this
        changelog in full); a record read twice is replaced by key, a no-op.
        """

    async def on_recovery_completed(self, active_tps: Any, standby_tps: Any) -> None:
        await super().on_recovery_completed(active_tps, standby_tps)
        hook, self._on_recovered = self._on_recovered, None
        if hook is not None:
            hook(self)


def register(ctx: Context) -> None:
    """Add the consensus agent, its tables and the settle timer to the app."""
    from streams.consensus import ClaimState

    app, topics, settings = ctx.app, ctx.topics, ctx.settings
    engine = build_engine(settings)
    for reason in deadletter.DECODE_REASONS:  # the series exist from start (DESIGN.md)
        metrics.CLAIMS_DEADLETTERED.labels(reason)

    async def on_consensus_restored(event: Any) -> None:
        metrics.TABLE_RESTORED_RECORDS.labels(TABLE_NAME).inc()

    for name in (TABLE_NAME, RELIABILITY_TABLE):
        metrics.TABLE_RESTORED_RECORDS.labels(name)
    table = app.Table(
        TABLE_NAME,
        default=None,
        partitions=topics.partitions,
        key_type=str,
        options=rocksdb_options() if settings.store_on_disk else None,
        on_changelog_event=on_consensus_restored,
        help="ClaimState per claim_key (the consensus and what it was built from).",
    )

    def on_reliability_recovered(recovered: Any) -> None:
        n = 0
        for key, value in recovered.items():
            if value is not None:
                engine.reliability.ingest(str(key), value)
                n += 1
        log.info("reliability: %d records from the table after recovery", n)

    async def on_reliability(event: Any) -> None:
        metrics.TABLE_RESTORED_RECORDS.labels(RELIABILITY_TABLE).inc()
        key, value = event.key, event.value
        if key is None:
            return
        if value is not None:
            engine.reliability.ingest(str(key), value)

    reliability: Any = app.tables.add(
        SinglePartitionGlobalTable(
            app,
            name=RELIABILITY_TABLE,
            default=None,
            beacon=app.tables.beacon,
            partitions=1,
            recovery_buffer_size=1,  # faust's advice for GlobalTables with several workers
            standby_buffer_size=1,
            is_global=True,
            key_type=str,
            on_changelog_event=on_reliability,
            on_recovered=on_reliability_recovered,
            options=rocksdb_options() if settings.store_on_disk else None,
            help="Each (source, claim) contribution to the source's learned reliability.",
        )
    )

    async def emit_alert(step: Any, ingested_at: float | None) -> None:
        """Send the step's alert and wait until the broker has it.

        Waiting matters for at-least-once: the Table write that follows marks
        the event as seen, so a redelivery after a crash would be dropped as a
        duplicate. With the alert acknowledged first, a crash before the Table
        write replays the event and re-sends the same alert_id (receivers
        deduplicate), and a crash after it finds the alert already on the topic.
        Alerts are rare, so the round trip costs little. ``ingested_at`` is the
        claim record's Kafka timestamp: claim_to_alert is processing time, not the
        age of the statement (``detected_at`` stays event time, for replays).
        """
        alert = step.alert
        if alert is None:
            return
        delivery = await topics.alerts.send(key=alert.claim_key.encode(), value=dumps(alert))
        await delivery
        metrics.CONTRADICTIONS.labels(alert.kind, alert.severity).inc()
        metrics.observe_span("claim_to_alert", ingested_at, time.time())

    #: Claims this process has published an update for: their last record on
    #: ``consensus.updated`` is this process's, from the state it holds, so the first
    #: settle of their partition has nothing to re-assert for them (see settle_agent).
    published_here: set[str] = set()

    def publish(key: str, wire: bytes) -> None:
        """Hand a claim's update to the producer, in the order of the calls, without waiting.

        Through Faust's producer buffer (``send_soon``), the queue the Tables'
        changelog writes go through: one queue, sent in order, so a claim's updates
        reach its partition in the order they were computed, behind the claim's
        Table write. Awaiting ``send`` instead made every statement wait for the
        previous record of its partition to leave (one record per batch on the
        embedded broker: a produce round trip per statement). Offsets are committed
        only once the buffer is empty (``streams.app.flush_producer_buffer_fully``),
        so an event whose update is still queued is redelivered after a crash.
        """
        topics.consensus.send_soon(key=key.encode(), value=wire)
        metrics.CONSENSUS_UPDATES.inc()
        published_here.add(key)

    def emit_update(step: Any) -> None:
        wire = step.update_wire()  # the update as JSON bytes, without building the pydantic model
        if wire is not None:
            publish(step.state.claim_key, wire)

    def republish(records: list[tuple[str, dict[str, Any]]]) -> None:
        """Write the records the shared table lacks or holds another value for."""
        for rkey, rvalue in records:
            if reliability.get(rkey) != rvalue:
                engine.reliability.ingest(rkey, rvalue)
                reliability[rkey] = rvalue

    #: Held from reading a claim's state to handing its update to the producer, by the
    #: consensus agent and the settle agent alike. The two agents run concurrently and both
    #: publish a claim's consensus; without it the settle agent could read a claim, wait in
    #: the producer (a full batch: one record per batch on the embedded broker), and have
    #: its update land behind a newer one the consensus agent computed meanwhile: the last
    #: record of the key (what compaction keeps, what readers take as current) was then
    #: an older version. Producer order per partition is the order records were handed over.
    publishing = asyncio.Lock()

    async def step_claim(event: Any, obs: Observed) -> None:
        """One statement through the engine: alert, Table write, records, update."""
        msg = event.message
        key = obs.claim_key
        started = time.perf_counter()
        stored = table.get(key)
        state = ClaimState.from_dict(stored) if stored else None
        step = engine.apply(state, obs)
        metrics.PROCESSING_SECONDS.labels("consensus").observe(time.perf_counter() - started)
        if not step.changed and step.outcome in NO_CHANGE_OUTCOMES:
            metrics.DUPLICATE_OBSERVATIONS.inc()
        if step.outcome == DUPLICATE and state is not None:
            # a crash may have come between the Table write and these sends
            update, records = engine.resend(state, obs.event_id)
            republish(records)
            if update is not None:
                publish(key, dumps(update))
            return
        await emit_alert(step, metrics.record_seconds(msg.timestamp))
        # the presence a force's count implies, to the presence claims' owners
        # (before the Table write, like the alert: a crash in between re-derives
        # the same event ids, which the owners drop as duplicates), unless the
        # extract agent sent it behind the article's claims already
        implied = () if event.headers.get(EVIDENCE_HEADER) else presence_evidence(obs)
        for derived in implied:
            await topics.claims.send(key=derived.claim_key.encode(), value=dumps(derived.model()))
            metrics.CLAIMS_OBSERVED.labels(derived.measure).inc()
        table[key] = step.state.to_dict()
        for rkey, rvalue in step.reliability:
            engine.reliability.ingest(rkey, rvalue)
            if rvalue is not None:
                reliability[rkey] = rvalue
            elif rkey in reliability:  # a late statement showed it to be a copy
                del reliability[rkey]
        emit_update(step)

    @app.agent(topics.claims, name="claimwatch.consensus")
    async def consensus_agent(stream: Any) -> None:
        async for event in stream.events():
            raw, msg = event.value, event.message
            try:
                # the light record, read as the replay reads a line: the same checks
                # and errors as decode(raw, ClaimObserved) without building the model
                # (pydantic's validation cost more than the engine's step; an alert
                # builds it from the record when it quotes the observation)
                obs = from_json(raw)
            except (ValueError, ValidationError) as exc:
                reason = deadletter.reason_for_validation_error(exc)
                metrics.CLAIMS_DEADLETTERED.labels(reason).inc()
                log.warning("claim dead-lettered (%s): %s", reason, exc)
                rec = deadletter.record(
                    reason=reason, message=str(exc), raw=raw, topic=topics.claims.get_topic_name(),
                    partition=msg.partition, offset=msg.offset, key=msg.key,
                )
                await deadletter.send(topics.claims_deadletter, rec)
                continue
            async with publishing:  # read, step and send as one, against the settle agent
                await step_claim(event, obs)

    @app.timer(interval=settings.settle_interval, name="claimwatch.settle_tick")
    async def settle_tick() -> None:
        """Ask the owner of every partition to re-settle its claims (see :func:`settle_agent`)."""
        for partition in range(topics.partitions):
            await topics.consensus_settle.send(value=dumps({"type": "SettleTick"}), partition=partition)

    def reconcile(partition: int) -> None:
        """Re-publish the reliability records of a partition's claims that the
        shared table lacks (or holds another value for).

        A claim's state is written before its records are sent; a crash in
        between, on an event whose offset was committed anyway, would leave a
        statement counted in the claim but missing from every worker's source
        reliability. Run once per partition a worker takes on; writing a record
        that is already there is a no-op, so nothing else changes.
        """
        for key in _claims_of(table, partition, topics.partitions):
            stored = table.get(key)
            if not stored:
                continue
            republish(engine.records(ClaimState.from_dict(stored)))

    @app.agent(topics.consensus_settle, name="claimwatch.settle")
    async def settle_agent(stream: Any) -> None:
        """Re-derive the claims of one partition whose sources' reliability moved.

        Reliability is learned from every claim on every worker, so a claim's
        consensus can go stale without a new observation of its own. Running
        this as an agent on a topic co-partitioned with ``claims.observed``
        (instead of in the timer) keeps Table writes inside stream iteration,
        on the changelog partition of the claims they belong to.
        """
        settled_at: dict[int, int] = {}  # partition → reliability generation it was settled with
        async for event in stream.events():
            partition = event.message.partition
            first = partition not in settled_at
            if first:
                reconcile(partition)
            engine.reliability.refresh()
            generation = engine.reliability.generation
            if settled_at.get(partition) == generation:
                continue  # no source weight moved since this partition was last settled
            settled_at[partition] = generation
            for i, key in enumerate(_claims_of(table, partition, topics.partitions)):
                if i and not i % 64:
                    await asyncio.sleep(0)  # the sends no longer wait: let the other agents run
                async with publishing:  # as in the consensus agent: read to send as one
                    stored = table.get(key)
                    if not stored:
                        continue
                    state = ClaimState.from_dict(stored)
                    update = engine.recompute(state)
                    if update is not None:
                        table[key] = state.to_dict()
                    elif first and key not in published_here:
                        # Table writes reach the changelog when the offset is committed, the
                        # update at once: a crash in between leaves on the topic an update
                        # the recovered state never had. The first settle after taking a
                        # partition on re-asserts the consensus of every claim this process
                        # has not published itself: a claim it published since it started
                        # already ends on the record of the state it holds, and a second
                        # copy of that version is a repeat to every consumer (a fresh
                        # worker re-sent every claim of the demo's first article).
                        update = engine.published(state)
                    if update is None:
                        continue
                    publish(key, dumps(update))


def _claims_of(table: Any, partition: int, partitions: int) -> list[str]:
    return sorted(k for k in list(table) if partition_of(k, partitions) == partition)


def partition_of(claim_key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner gives ``claim_key`` (murmur2, as producers use)."""
    return (murmur2(claim_key.encode()) & 0x7FFFFFFF) % partitions
