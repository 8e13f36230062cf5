"""Webhook agents: ``alerts.contradictions`` and ``alerts.retry`` → HTTP receivers.

The thin Faust shell around :class:`streams.delivery.Dispatcher`:

* ``claimwatch.deliver`` reads ``alerts.contradictions`` with manual acks
  (``stream.noack()``) and acknowledges a record only when every endpoint has a
  final outcome for its alert. Faust commits an offset only up to the first
  unacknowledged record of a partition, so a crash or restart redelivers every
  alert whose delivery had not finished: nothing is lost, and the redelivery
  carries the same ``alert_id`` (receivers deduplicate on it).
* A delivery that cannot finish within ``hold_seconds`` (a receiver down for
  minutes) is written to ``alerts.retry`` as a ``PendingDelivery`` (attempt
  count, first-attempt time, next due time) *before* its source record is
  acknowledged; ``claimwatch.deliver_retry`` reads that topic the same way and
  resumes the schedule. Undelivered alerts therefore survive restarts without
  stalling commits on ``alerts.contradictions``.
* Given up deliveries (attempts or age exhausted, or a permanent 4xx) go to
  ``alerts.deadletter`` as ``DeadLetter`` records with the last error; the
  source record is acknowledged only after the broker accepted that record.

* With an ``alertmanager`` endpoint configured, two more agents send
  Alertmanager's ``resolved`` (:func:`register_resolutions`):
  ``claimwatch.track_alerts`` keeps, in the changelog-backed Table
  ``open_alerts`` (key: claim key, the key of both ``alerts.contradictions`` and
  ``consensus.updated``, so the two are co-partitioned with the Table), the
  alerts that went to alertmanager endpoints; ``claimwatch.resolve`` reads
  ``consensus.updated`` and, when a later consensus settles an open alert
  (:mod:`streams.delivery.open_alerts`), hands its resolution to
  ``alerts.retry`` (one ``PendingDelivery`` with ``resolved_at`` per endpoint,
  due at once) and waits for the broker *before* it drops the alert from the
  Table. The retry agent delivers it. A crash before the Table write reads the
  update again and writes the same resolution again (same body, same
  ``<alert_id>:resolved`` key: receivers deduplicate); after it, the update read
  again finds the alert gone: no second resolution.

Topics used: ``alerts`` (alerts.contradictions), ``alerts_retry``
(alerts.retry: same partition count, delete policy, keyed by alert_id),
``alerts_deadletter`` and, for resolutions, ``consensus`` (consensus.updated).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from schemas import ConsensusUpdated, ContradictionDetected
from schemas.codec import decode, dumps
from streams import deadletter, metrics
from streams.delivery import Dispatcher, Endpoint, FailedDelivery, PendingDelivery, open_alerts
from streams.delivery.endpoints import EXTERNAL_URL_ENV, FILE_ENV, SECRET_ENV, URLS_ENV, load_endpoints

if TYPE_CHECKING:
    import faust

    from streams.config import Settings

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

#: The Table of alerts still firing on alertmanager endpoints, per claim key.
OPEN_ALERTS_TABLE = "open_alerts"


def endpoints_from_settings(settings: Settings | None) -> list[Endpoint]:
    """The configured endpoints (settings first, the process environment otherwise)."""
    if settings is None:
        return load_endpoints()
    env: Mapping[str, str] = {
        URLS_ENV: settings.webhook_urls,
        SECRET_ENV: settings.webhook_secret.get_secret_value(),
        FILE_ENV: settings.webhooks_file,
        EXTERNAL_URL_ENV: getattr(settings, "external_url", ""),
    }
    return load_endpoints(env)


class DeliveryService:
    """One dispatcher shared by both agents, started by whichever runs first."""

    def __init__(self, endpoints: Sequence[Endpoint], topics: Any, hold_seconds: float) -> None:
        self.endpoints = list(endpoints)
        self.topics = topics
        self.hold_seconds = hold_seconds
        #: Without an alerts.retry topic, undelivered alerts stay in memory (and unacked).
        self.can_defer = getattr(topics, "alerts_retry", None) is not None
        self._dispatcher: Dispatcher | None = None
        self._users = 0
        self._lock = asyncio.Lock()

    async def _send(self, topic: Any, key: str, value: bytes) -> None:
        """Send and wait for the broker's acknowledgement (not just the producer buffer)."""
        fut = await topic.send(key=key.encode(), value=value)
        await fut

    async def deadletter(self, failed: FailedDelivery) -> None:
        record = failed.as_deadletter(self.topics.alerts.get_topic_name())
        await self._send(self.topics.alerts_deadletter, failed.alert.alert_id, dumps(record))

    async def defer(self, pending: PendingDelivery) -> None:
        await self._send(self.topics.alerts_retry, pending.alert.alert_id, dumps(pending))

    async def resolve(self, res: open_alerts.Resolution) -> None:
        """Hand a resolution over for delivery to the alertmanager endpoints its alert went to.

        With ``alerts.retry``: one ``PendingDelivery`` (``resolved_at`` set, due now) per
        endpoint, each acknowledged by the broker before this returns, so the caller may
        then forget the alert; the retry agent delivers them. Without (embedding, tests):
        straight to the dispatcher, in memory.
        """
        current = {ep.name for ep in self.endpoints if ep.format == "alertmanager"}
        names = [name for name in res.endpoints if name in current]
        if not names:
            return
        if not self.can_defer:
            dispatcher = await self.acquire()
            try:
                await dispatcher.submit_resolution(res.alert, res.resolved_at, endpoints=names, fired_at=res.fired_at)
            finally:
                await self.release()
            return
        now = datetime.now(UTC)
        for name in names:
            await self.defer(PendingDelivery(
                alert=res.alert,
                endpoint=name,
                first_attempt_at=now,
                next_attempt_at=now,
                ingested_at=datetime.fromtimestamp(res.fired_at, tz=UTC),
                resolved_at=res.resolved_at,
            ))

    async def acquire(self) -> Dispatcher:
        async with self._lock:
            if self._dispatcher is None:
                self._dispatcher = Dispatcher(
                    self.endpoints,
                    on_deadletter=self.deadletter,
                    on_defer=self.defer if self.can_defer else None,
                    hold_seconds=self.hold_seconds,
                )
                await self._dispatcher.start()
            self._users += 1
            return self._dispatcher

    async def release(self) -> None:
        async with self._lock:
            self._users -= 1
            if self._users <= 0 and self._dispatcher is not None:
                await self._dispatcher.close()
                self._dispatcher = None

    async def reject(self, topic: Any, event: Any, exc: Exception) -> None:
        """Dead-letter an undecodable record (it can never be delivered as it is)."""
        msg = event.message
        reason = deadletter.reason_for_validation_error(exc)
        log.warning("alert record dead-lettered (%s): %s", reason, exc)
        rec = deadletter.record(
            reason=reason,
            message=str(exc),
            raw=event.value,
            topic=topic.get_topic_name(),
            partition=msg.partition,
            offset=msg.offset,
            key=msg.key,
        )
        fut = await self.topics.alerts_deadletter.send(value=dumps(rec))
        await fut


async def decoded(
    service: DeliveryService, stream: Any, topic: Any, model: type[T]
) -> AsyncIterator[tuple[Any, T]]:
    """``(event, decoded record)`` from a manual-ack stream; undecodable records are
    dead-lettered and acknowledged here, since they can never be delivered as they are."""
    async for event in stream.noack().events():
        try:
            obj = decode(event.value, model)
        except (ValueError, ValidationError) as exc:
            await service.reject(topic, event, exc)
            event.ack()
            continue
        yield event, obj


def acker(app: faust.App, event: Any) -> Callable[[], None]:
    """An ``on_done`` that acknowledges ``event`` unless a rebalance happened meanwhile.

    After a rebalance Faust seeks every assigned partition back to its committed
    offset and reads the unacknowledged records again (they are delivered again,
    with the same alert ids). Acknowledging a record of the previous generation
    could let the commit skip records of the new one, so such late acks are
    dropped.
    """
    generation = getattr(event.message, "generation_id", None)

    def ack() -> None:
        if generation is None or generation == app.consumer_generation_id:
            event.ack()

    return ack


def register(
    app: faust.App,
    topics: Any,
    *,
    settings: Settings | None = None,
    endpoints: Sequence[Endpoint] | None = None,
    hold_seconds: float | None = None,
) -> DeliveryService:
    """Add the delivery agents to ``app``; raises ``ConfigError`` on a bad webhook config.

    A worker with no endpoint configured still consumes (and acknowledges) the
    alerts, so that adding an endpoint later does not replay the whole history.
    """
    from streams.config import get_settings

    if settings is None and (endpoints is None or hold_seconds is None):
        settings = get_settings()
    eps = list(endpoints) if endpoints is not None else endpoints_from_settings(settings)
    if hold_seconds is None:
        assert settings is not None
        hold_seconds = settings.webhook_hold_seconds
    service = DeliveryService(eps, topics, hold_seconds)
    if not eps:
        log.info("no webhook endpoints configured: alerts are only published to the topic")

    @app.agent(topics.alerts, name="claimwatch.deliver")
    async def deliver(stream: Any) -> None:
        if not eps:
            async for _ in stream:
                pass
            return
        dispatcher = await service.acquire()
        try:
            async for event, alert in decoded(service, stream, topics.alerts, ContradictionDetected):
                await dispatcher.submit(
                    alert, on_done=acker(app, event), ingested_at=metrics.record_seconds(event.message.timestamp)
                )
        finally:
            await service.release()

    if service.can_defer:

        @app.agent(topics.alerts_retry, name="claimwatch.deliver_retry")
        async def deliver_retry(stream: Any) -> None:
            dispatcher = await service.acquire()
            try:
                async for event, pending in decoded(service, stream, topics.alerts_retry, PendingDelivery):
                    await dispatcher.resume(pending, on_done=acker(app, event))
            finally:
                await service.release()

    if any(ep.format == "alertmanager" for ep in eps):
        register_resolutions(app, topics, service, store_on_disk=bool(settings and settings.store_on_disk))
    return service


def register_resolutions(app: faust.App, topics: Any, service: DeliveryService, *, store_on_disk: bool) -> Any:
    """Add the Table ``open_alerts`` and the two agents that send Alertmanager's ``resolved``
    (see the module docstring); returns the Table. The decisions are
    :mod:`streams.delivery.open_alerts`'s; this only reads, writes and hands over."""
    from streams.agents.consensus import rocksdb_options

    table: Any = app.Table(
        OPEN_ALERTS_TABLE,
        default=None,
        partitions=topics.partitions,
        key_type=str,
        options=rocksdb_options() if store_on_disk else None,
        help="Per claim_key: the alerts still firing on alertmanager endpoints (the newest few).",
    )
    recent = open_alerts.RecentUpdates()

    async def hand_over(key: str, resolutions: list[open_alerts.Resolution], now: float) -> None:
        """Send the resolutions (durably), then drop their alerts and the expired ones."""
        for res in resolutions:
            log.info("alert %s on %s resolved: %s", res.alert.alert_id, key, res.reason)
            await service.resolve(res)
        # read again: the other agent may have added an alert while the sends were awaited
        current = table.get(key)
        pruned = open_alerts.without(current, [r.alert.alert_id for r in resolutions], now)
        if pruned is current:
            return
        if pruned is None:
            del table[key]
        else:
            table[key] = pruned

    @app.agent(topics.alerts, name="claimwatch.track_alerts")
    async def track_alerts(stream: Any) -> None:
        async for event in stream.events():
            try:
                alert = decode(event.value, ContradictionDetected)
            except (ValueError, ValidationError):
                continue  # the delivery agent dead-letters it
            names, resolve_after = open_alerts.targets(alert, service.endpoints)
            if not names:
                continue
            fired_at = metrics.record_seconds(event.message.timestamp) or time.time()
            key = alert.claim_key
            stored = table.get(key)
            tracked = open_alerts.track(stored, alert, fired_at=fired_at, endpoints=names,
                                        resolve_after=resolve_after)
            if tracked is stored:
                continue  # read again after a restart: already open (or already resolved and gone)
            table[key] = tracked
            held = recent.get(key)
            if held is None:
                continue
            # the update that settles it may have been read first (the topics are read apart)
            try:
                update = decode(held[0], ConsensusUpdated)
            except (ValueError, ValidationError):
                continue
            resolutions = open_alerts.settle(tracked, update, held[1])
            if resolutions:
                await hand_over(key, resolutions, held[1])

    @app.agent(topics.consensus, name="claimwatch.resolve")
    async def resolve(stream: Any) -> None:
        async for event in stream.events():
            raw = event.value
            at = metrics.record_seconds(event.message.timestamp) or time.time()
            key = event.key.decode("utf-8", "replace") if isinstance(event.key, bytes) else None
            if key is not None:
                recent.remember(key, raw, at)
                if table.get(key) is None:
                    continue  # nothing open on this claim: not even decoded
            try:
                update = decode(raw, ConsensusUpdated)
            except (ValueError, ValidationError):
                continue  # not claimwatch's: consumers of this topic skip it
            key = update.claim_key
            stored = table.get(key)
            if stored is None:
                continue
            await hand_over(key, open_alerts.settle(stored, update, at), at)

    return table
