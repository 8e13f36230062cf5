"""Deliver alerts to many webhook endpoints, each on its own lane.

Why lanes: a receiver that is slow or down must not hold up the others. Every
endpoint has its own queue, its own HTTP connection pool and its own
``concurrency`` workers; an alert is fanned out to every lane and each lane
retries on its own schedule (:mod:`streams.delivery.retry`).

How nothing gets lost (at-least-once, the same ``alert_id`` every time):

* :meth:`Dispatcher.submit` returns at once; its ``on_done`` callback runs only
  when *every* endpoint has reached a final state for that alert: delivered
  (2xx), dead-lettered (the ``on_deadletter`` callback returned), or deferred
  (the ``on_defer`` callback returned). The Faust shell acknowledges the source
  record from ``on_done``, so the consumer offset never runs ahead of delivery:
  a crash before then redelivers the record, and the alert is sent again with
  the same id (receivers deduplicate on it).
* An alert is never held in memory for more than ``hold_seconds``: when a
  lane's next attempt is due later than that (a receiver down for minutes) the
  delivery is handed to ``on_defer`` as a :class:`PendingDelivery` (the shell
  writes it to ``alerts.retry`` and acknowledges the source). When the retry
  record comes back it is resumed with :meth:`Dispatcher.resume`, keeping its
  attempt count, first-attempt time and due time. So a worker restart neither
  loses a pending delivery nor restarts its schedule, and commits keep moving.
* Without ``on_defer`` (tests, benchmarks, embedding) lanes retry in memory.

Resolutions (:meth:`Dispatcher.submit_resolution`): an alert that a later consensus
settled gets Alertmanager's ``status: resolved`` on the ``alertmanager`` endpoints it
went to, through the same lanes, retries, deferral and dead letters, under its own
idempotency key ``<alert_id>:resolved``. A deferred resolution keeps ``resolved_at`` on
its ``PendingDelivery``, so it is resumed as a resolution. The native and Slack formats
have none (:func:`streams.delivery.formats.render` refuses to render one).

Metrics: ``claimwatch_webhook_deliveries_total{outcome}`` counts attempts that
ended ``delivered`` or ``failed`` and deliveries ``deadlettered``;
``claimwatch_webhook_retries_total`` counts failed attempts that will be
retried; ``claimwatch_end_to_end_seconds{span="alert_to_delivery"}`` observes
the alert's ingestion (its Kafka record timestamp, else its submission) → 2xx
received: processing time, never ``detected_at`` (event time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, TypeVar

import aiohttp

from schemas import ContradictionDetected
from streams import metrics
from streams.delivery import formats, signing
from streams.delivery.endpoints import Endpoint, redact_url
from streams.delivery.records import FailedDelivery, PendingDelivery, resolution_id
from streams.delivery.retry import RetryPolicy, is_retryable_status, parse_retry_after

log = logging.getLogger(__name__)

Outcome = Literal["delivered", "deadlettered", "deferred"]
DeadLetterFn = Callable[[FailedDelivery], Awaitable[None]]
DeferFn = Callable[[PendingDelivery], Awaitable[None]]
DoneFn = Callable[[], object]
_R = TypeVar("_R")

USER_AGENT = "claimwatch-webhook/1"
_MAX_ERROR_BODY = 200
#: Timers may fire a little early (clock resolution, wall vs monotonic clock).
_TIMER_SLACK = 0.05


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


@dataclass
class DeliveryReport:
    """How one alert ended on each endpoint (by endpoint name)."""

    alert_id: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)


class _Tracker:
    """Counts an alert's lanes down to zero, then resolves its future and calls ``on_done``."""

    def __init__(self, alert_id: str, lanes: int, on_done: DoneFn | None, release: DoneFn) -> None:
        self.report = DeliveryReport(alert_id)
        self.remaining = lanes
        self.future: asyncio.Future[DeliveryReport] = asyncio.get_running_loop().create_future()
        self._on_done = on_done
        self._release = release
        if lanes == 0:
            self._complete()

    def finish(self, endpoint: str, outcome: Outcome) -> None:
        self.report.outcomes[endpoint] = outcome
        self.remaining -= 1
        if self.remaining == 0:
            self._complete()

    def _complete(self) -> None:
        self._release()
        if self._on_done is not None:
            try:
                self._on_done()
            except Exception:  # the shell's ack must not kill a lane worker
                log.exception("on_done callback failed for alert %s", self.report.alert_id)
        if not self.future.done():
            self.future.set_result(self.report)


@dataclass
class _Job:
    """One alert on one lane: the body to send and where its retry schedule stands."""

    alert: ContradictionDetected
    body: bytes
    tracker: _Tracker
    attempts: int
    #: When this delivery started (submission; kept across deferrals): ``max_age`` counts from it.
    first_attempt_at: float
    next_attempt_at: float
    hold_until: float
    #: Whether this worker made an attempt since it took the job (then a long wait is
    #: deferred at once; a resumed job first waits out its hold window instead, so a
    #: retry record not yet due does not spin through the topic).
    attempted_here: bool = False
    last_error: str | None = None
    last_status: int | None = None
    last_attempt_at: float | None = None
    #: When the alert entered the pipeline's Kafka topic (Unix seconds): alert_to_delivery
    #: counts from here.
    ingested_at: float = 0.0
    #: Set for the alert's resolution (Unix seconds: the ``endsAt`` of ``status: resolved``).
    resolved_at: float | None = None

    @property
    def delivery_id(self) -> str:
        """The idempotency key: the alert id, or ``<alert_id>:resolved`` for its resolution."""
        return self.alert.alert_id if self.resolved_at is None else resolution_id(self.alert.alert_id)


@dataclass(frozen=True)
class _Result:
    ok: bool
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None


class _Lane:
    """One endpoint: a queue, ``concurrency`` workers and timers for jobs waiting to retry."""

    def __init__(self, endpoint: Endpoint, owner: Dispatcher) -> None:
        self.endpoint = endpoint
        self.policy: RetryPolicy = endpoint.policy
        self.owner = owner
        self.queue: asyncio.Queue[_Job] = asyncio.Queue()
        self.timers: set[asyncio.TimerHandle] = set()
        self.workers: list[asyncio.Task[None]] = []
        self.session: aiohttp.ClientSession | None = None
        self.in_flight = 0

    async def start(self) -> None:
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.endpoint.concurrency),
            headers={"User-Agent": USER_AGENT},
        )
        self.workers = [
            asyncio.create_task(self._work(), name=f"webhook:{self.endpoint.name}:{i}")
            for i in range(self.endpoint.concurrency)
        ]

    async def close(self) -> None:
        for handle in self.timers:
            handle.cancel()
        self.timers.clear()
        for task in self.workers:
            task.cancel()
        for task in self.workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.workers = []
        if self.session is not None:
            await self.session.close()
            self.session = None

    @property
    def waiting(self) -> int:
        """Jobs queued or waiting for a retry timer on this lane."""
        return self.queue.qsize() + len(self.timers)

    def schedule(self, job: _Job) -> None:
        """Queue ``job`` now if due, else wake it when due (or at its hold deadline)."""
        now = self.owner.clock()
        wake = job.next_attempt_at
        if self.owner.can_defer and wake > job.hold_until:
            wake = now if job.attempted_here else job.hold_until
        if wake <= now:
            self.queue.put_nowait(job)
            return
        loop = asyncio.get_running_loop()
        handle: asyncio.TimerHandle

        def fire() -> None:
            self.timers.discard(handle)
            self.queue.put_nowait(job)

        handle = loop.call_later(wake - now, fire)
        self.timers.add(handle)

    async def _work(self) -> None:
        while True:
            job = await self.queue.get()
            self.in_flight += 1
            try:
                await self._process(job)
            except asyncio.CancelledError:
                raise
            except Exception:  # never let one job stop the lane
                log.exception("webhook %s: unexpected error", self.endpoint.name)
                job.next_attempt_at = self.owner.clock() + self.policy.max_delay
                self.schedule(job)
            finally:
                self.in_flight -= 1

    async def _process(self, job: _Job) -> None:
        now = self.owner.clock()
        if self.policy.would_expire(now - job.first_attempt_at):
            # too old even before this attempt (e.g. it kept waiting behind a slow lane)
            job.last_error = job.last_error or "expired before an attempt could be made"
            await self._deadletter(job, "too_old")
            return
        due = job.next_attempt_at <= now + _TIMER_SLACK
        if self.owner.can_defer and (not due or now >= job.hold_until):
            # not due within the hold window, or queued past it: persist and let go
            await self._defer(job)
            return
        job.attempted_here = True
        job.attempts += 1
        job.last_attempt_at = now
        started = time.perf_counter()
        result = await self._attempt(job)
        metrics.PROCESSING_SECONDS.labels(stage="deliver").observe(time.perf_counter() - started)
        if result.ok:
            metrics.WEBHOOK_DELIVERIES.labels(outcome="delivered").inc()
            if job.resolved_at is None:  # a resolution's ingested_at is its alert's
                metrics.observe_span("alert_to_delivery", job.ingested_at, self.owner.clock())
            job.tracker.finish(self.endpoint.name, "delivered")
            return
        metrics.WEBHOOK_DELIVERIES.labels(outcome="failed").inc()
        job.last_error, job.last_status = result.error, result.status
        now = self.owner.clock()
        age = now - job.first_attempt_at
        if result.status is not None and not is_retryable_status(result.status):
            await self._deadletter(job, "rejected")
            return
        if self.policy.exhausted(job.attempts, age):
            reason = "attempts_exhausted" if job.attempts >= self.policy.max_attempts else "too_old"
            await self._deadletter(job, reason)
            return
        delay = self.policy.delay(job.attempts, self.owner.rng, result.retry_after)
        if self.policy.would_expire(age + delay):
            await self._deadletter(job, "too_old")
            return
        metrics.WEBHOOK_RETRIES.inc()
        log.info(
            "webhook %s: alert %s attempt %d failed (%s); retrying in %.1fs",
            self.endpoint.name,
            job.delivery_id,
            job.attempts,
            result.error,
            delay,
        )
        job.next_attempt_at = now + delay
        self.schedule(job)

    async def _attempt(self, job: _Job) -> _Result:
        assert self.session is not None, "dispatcher not started"
        ep = self.endpoint
        hdrs = dict(ep.headers)
        hdrs.update(
            signing.headers(
                job.body,
                alert_id=job.alert.alert_id,
                secret=ep.secret_value,
                timestamp=int(self.owner.clock()),
                attempt=job.attempts,
                idempotency_key=job.delivery_id,
            )
        )
        try:
            async with self.session.post(
                ep.url,
                data=job.body,
                headers=hdrs,
                timeout=aiohttp.ClientTimeout(total=ep.timeout_seconds),
                allow_redirects=False,
            ) as resp:
                if 200 <= resp.status < 300:
                    await resp.read()
                    return _Result(ok=True, status=resp.status)
                text = (await resp.content.read(_MAX_ERROR_BODY)).decode("utf-8", "replace")
                return _Result(
                    ok=False,
                    status=resp.status,
                    error=f"HTTP {resp.status}: {text.strip()}"[: _MAX_ERROR_BODY + 20],
                    retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                )
        except TimeoutError:
            return _Result(ok=False, error=f"timeout after {ep.timeout_seconds:g}s")
        except aiohttp.ClientError as exc:
            message = str(exc).replace(ep.url, redact_url(ep.url))  # no tokens in errors
            return _Result(ok=False, error=f"{type(exc).__name__}: {message}")
        except OSError as exc:
            return _Result(ok=False, error=f"{type(exc).__name__}: {exc.strerror or exc}")

    async def _deadletter(self, job: _Job, reason: str) -> None:
        failed = FailedDelivery(
            alert=job.alert,
            endpoint=self.endpoint.name,
            attempts=job.attempts,
            first_attempt_at=_utc(job.first_attempt_at),
            last_attempt_at=_utc(job.last_attempt_at) if job.last_attempt_at else None,
            last_error=job.last_error or reason,
            last_status=job.last_status,
            reason=reason,  # type: ignore[arg-type]
            resolved_at=_utc(job.resolved_at) if job.resolved_at is not None else None,
        )
        log.warning(
            "webhook %s: alert %s dead-lettered after %d attempts (%s): %s",
            self.endpoint.name,
            job.delivery_id,
            job.attempts,
            reason,
            failed.last_error,
        )

        def recorded() -> None:
            metrics.WEBHOOK_DELIVERIES.labels(outcome="deadlettered").inc()
            job.tracker.finish(self.endpoint.name, "deadlettered")

        await self.owner.record(self.owner.on_deadletter, failed, recorded)

    async def _defer(self, job: _Job) -> None:
        assert self.owner.on_defer is not None
        now = self.owner.clock()
        pending = PendingDelivery(
            alert=job.alert,
            endpoint=self.endpoint.name,
            attempts=job.attempts,
            first_attempt_at=_utc(job.first_attempt_at),
            next_attempt_at=_utc(max(job.next_attempt_at, now)),
            last_error=job.last_error,
            last_status=job.last_status,
            ingested_at=_utc(job.ingested_at),
            resolved_at=_utc(job.resolved_at) if job.resolved_at is not None else None,
        )
        await self.owner.record(
            self.owner.on_defer, pending, lambda: job.tracker.finish(self.endpoint.name, "deferred")
        )


class Dispatcher:
    """Fans alerts out to endpoint lanes; see the module docstring for the guarantees.

    Use as ``async with Dispatcher(endpoints, on_deadletter=...) as d:``, then
    ``await d.submit(alert, on_done=...)`` (returns a future of the
    :class:`DeliveryReport`) or ``await d.deliver(alert)`` (waits for it).
    """

    def __init__(
        self,
        endpoints: Sequence[Endpoint],
        *,
        on_deadletter: DeadLetterFn,
        on_defer: DeferFn | None = None,
        hold_seconds: float = 30.0,
        max_pending: int = 10_000,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        names = [ep.name for ep in endpoints]
        if len(set(names)) != len(names):
            raise ValueError("endpoint names must be unique")
        self.endpoints = list(endpoints)
        self.on_deadletter = on_deadletter
        self.on_defer = on_defer
        self.hold_seconds = hold_seconds
        self.rng = rng or random.Random()
        self.clock = clock
        self._lanes = {ep.name: _Lane(ep, self) for ep in endpoints}
        self._max_pending = max_pending
        self._slots: asyncio.Semaphore | None = None
        self._trackers: set[_Tracker] = set()
        self._background: set[asyncio.Task[None]] = set()
        self._started = False

    @property
    def can_defer(self) -> bool:
        return self.on_defer is not None

    @property
    def pending(self) -> int:
        """Alerts submitted whose delivery has not reached a final state on every endpoint."""
        return len(self._trackers)

    def lane_backlog(self) -> dict[str, int]:
        """Per endpoint: jobs queued, waiting to retry or in flight."""
        return {name: lane.waiting + lane.in_flight for name, lane in self._lanes.items()}

    async def start(self) -> None:
        if self._started:
            return
        self._slots = asyncio.Semaphore(self._max_pending)
        for lane in self._lanes.values():
            await lane.start()
        self._started = True
        for ep in self.endpoints:
            log.info("webhook endpoint %s", ep.describe())

    async def close(self) -> None:
        """Stop every lane. Unfinished alerts stay unfinished (their ``on_done`` never runs)."""
        for lane in self._lanes.values():
            await lane.close()
        for task in list(self._background):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._background.clear()
        for tracker in self._trackers:
            if not tracker.future.done():
                tracker.future.cancel()
        self._trackers.clear()
        self._started = False

    async def __aenter__(self) -> Dispatcher:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _tracker(self, alert_id: str, lanes: int, on_done: DoneFn | None) -> _Tracker:
        if not self._started:
            raise RuntimeError("Dispatcher.start() has not been awaited")
        assert self._slots is not None
        await self._slots.acquire()  # backpressure: the caller waits when too much is pending
        holder: list[_Tracker] = []

        def release() -> None:
            assert self._slots is not None
            self._slots.release()
            if holder:
                self._trackers.discard(holder[0])

        tracker = _Tracker(alert_id, lanes, on_done, release)
        if tracker.remaining:
            holder.append(tracker)
            self._trackers.add(tracker)
        return tracker

    async def submit(
        self,
        alert: ContradictionDetected,
        on_done: DoneFn | None = None,
        *,
        only: Iterable[str] | None = None,
        ingested_at: float | None = None,
    ) -> asyncio.Future[DeliveryReport]:
        """Start delivering ``alert`` to every endpoint (or those named in ``only``).

        ``ingested_at`` is the alert record's Kafka timestamp (Unix seconds; default:
        now): the start of alert_to_delivery and Alertmanager's ``startsAt``.
        """
        lanes = [lane for lane in self._lanes.values() if lane.endpoint.wants(alert.kind)]
        if only is not None:
            wanted = set(only)
            lanes = [lane for lane in lanes if lane.endpoint.name in wanted]
        tracker = await self._tracker(alert.alert_id, len(lanes), on_done)
        now = self.clock()
        since = ingested_at if ingested_at is not None else now
        for lane in lanes:
            body = formats.render(alert, lane.endpoint.format, receiver=lane.endpoint.name,
                                  external_url=lane.endpoint.external_url, starts_at=_utc(since),
                                  resolve_after=lane.endpoint.resolve_after_seconds)
            lane.schedule(self._first_job(alert, body, tracker, now, since))
        return tracker.future

    def _first_job(
        self, alert: ContradictionDetected, body: bytes, tracker: _Tracker, now: float, since: float,
        resolved_at: float | None = None,
    ) -> _Job:
        """A delivery's job on one lane before any attempt (a firing alert, or its resolution)."""
        return _Job(
            alert=alert,
            body=body,
            tracker=tracker,
            attempts=0,
            first_attempt_at=now,
            next_attempt_at=now,
            hold_until=now + self.hold_seconds,
            ingested_at=since,
            resolved_at=resolved_at,
        )

    async def resume(self, pending: PendingDelivery, on_done: DoneFn | None = None) -> asyncio.Future[DeliveryReport]:
        """Continue a deferred delivery (a record from ``alerts.retry``) where it stopped."""
        lane = self._lanes.get(pending.endpoint)
        tracker = await self._tracker(pending.delivery_id, 1, on_done)
        now = self.clock()
        resolving = pending.resolved_at is not None
        if lane is None or (resolving and lane.endpoint.format != "alertmanager"):
            # the endpoint was removed from the configuration while this waited (or, for a
            # resolution, no longer takes Alertmanager bodies: the others have no resolution)
            failed = FailedDelivery(
                alert=pending.alert,
                endpoint=pending.endpoint,
                attempts=pending.attempts,
                first_attempt_at=pending.first_attempt_at,
                last_attempt_at=None,
                last_error=(f"endpoint {pending.endpoint!r} is no longer configured" if lane is None
                            else f"endpoint {pending.endpoint!r} is no longer an alertmanager endpoint"),
                last_status=pending.last_status,
                reason="unknown_endpoint",
                resolved_at=pending.resolved_at,
            )

            def recorded() -> None:
                metrics.WEBHOOK_DELIVERIES.labels(outcome="deadlettered").inc()
                tracker.finish(pending.endpoint, "deadlettered")

            await self.record(self.on_deadletter, failed, recorded)
            return tracker.future
        since = (pending.ingested_at or pending.first_attempt_at).timestamp()
        job = _Job(
            alert=pending.alert,
            body=formats.render(pending.alert, lane.endpoint.format, receiver=lane.endpoint.name,
                                external_url=lane.endpoint.external_url, starts_at=_utc(since),
                                resolve_after=lane.endpoint.resolve_after_seconds,
                                resolved_at=pending.resolved_at),
            tracker=tracker,
            attempts=pending.attempts,
            first_attempt_at=pending.first_attempt_at.timestamp(),
            next_attempt_at=pending.next_attempt_at.timestamp(),
            hold_until=now + self.hold_seconds,
            last_error=pending.last_error,
            last_status=pending.last_status,
            ingested_at=since,
            resolved_at=pending.resolved_at.timestamp() if pending.resolved_at is not None else None,
        )
        lane.schedule(job)
        return tracker.future

    async def submit_resolution(
        self,
        alert: ContradictionDetected,
        resolved_at: datetime,
        *,
        endpoints: Iterable[str],
        fired_at: float | None = None,
        on_done: DoneFn | None = None,
    ) -> asyncio.Future[DeliveryReport]:
        """Start delivering the resolution of ``alert`` (Alertmanager ``status: resolved``,
        ``endsAt`` = ``resolved_at``) to the named endpoints the alert went to.

        Only ``alertmanager`` endpoints get one: the native and Slack formats have no
        resolution message, so the names of other endpoints (and of endpoints no longer
        configured) are skipped. The idempotency key is ``<alert_id>:resolved``, so a
        receiver that deduplicates does not drop it as a repeat of the firing alert, and a
        second copy of the resolution (a redelivery) carries the same key. ``fired_at`` is
        when the alert was written to Kafka (Unix seconds): the same ``startsAt`` as the
        firing notification.
        """
        wanted = set(endpoints)
        lanes = [lane for lane in self._lanes.values()
                 if lane.endpoint.name in wanted and lane.endpoint.format == "alertmanager"]
        tracker = await self._tracker(resolution_id(alert.alert_id), len(lanes), on_done)
        now = self.clock()
        since = fired_at if fired_at is not None else now
        for lane in lanes:
            body = formats.render(alert, "alertmanager", receiver=lane.endpoint.name,
                                  external_url=lane.endpoint.external_url, starts_at=_utc(since),
                                  resolve_after=lane.endpoint.resolve_after_seconds, resolved_at=resolved_at)
            lane.schedule(self._first_job(alert, body, tracker, now, since, resolved_at.timestamp()))
        return tracker.future

    async def deliver(self, alert: ContradictionDetected) -> DeliveryReport:
        """Submit and wait until every endpoint has a final outcome."""
        return await (await self.submit(alert))

    async def record(self, fn: Callable[[_R], Awaitable[None]], record: _R, then: Callable[[], object]) -> None:
        """Hand ``record`` to a dead-letter/defer callback, then run ``then``.

        The first try is inline (natural backpressure while the broker is slow).
        If it fails, the retries move to a background task so that the lane goes
        on with other alerts; the alert stays unfinished (unacknowledged) until
        the record is written, so a restart meanwhile redelivers it.
        """
        try:
            await fn(record)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("could not record a webhook delivery (%s); retrying in the background", exc)
            task = asyncio.create_task(self._persist_then(fn, record, then))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return
        then()

    async def _persist_then(self, fn: Callable[[_R], Awaitable[None]], record: _R, then: Callable[[], object]) -> None:
        await self.persist(fn, record, failures=1)
        then()

    async def persist(self, fn: Callable[[_R], Awaitable[None]], record: _R, failures: int = 0) -> None:
        """Call a dead-letter/defer callback until it succeeds (the broker may be briefly away)."""
        if failures:
            await asyncio.sleep(min(30.0, 0.2 * 2**failures))
        while True:
            try:
                await fn(record)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                wait = min(30.0, 0.2 * 2**failures)
                log.warning("could not record a webhook delivery (%s); retrying in %.1fs", exc, wait)
                await asyncio.sleep(wait)
