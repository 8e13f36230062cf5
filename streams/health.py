"""What ``/readyz`` and the lag gauge know about the broker and the worker's progress.

Faust's own state says whether the worker joined its group and recovered its
tables, but not whether the broker still answers, nor whether the worker is
moving: a worker can sit in its group, assigned and "recovered", and commit
nothing while its inputs grow. :class:`BrokerMonitor` asks the broker itself
every ``interval`` seconds (the end offsets of the worker's input partitions,
with ListOffsets, as kafka-consumer-groups does), and :class:`ProgressTracker`
turns end offsets and committed offsets into lag and into partitions that have
lag but committed nothing for ``stall_seconds``.

:class:`RepeatFilter` keeps a broker outage from writing the same client error
80 times a second: one line per message template and logger every ``window``
seconds, with the count of the lines it held back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

log = logging.getLogger(__name__)


@dataclass
class _Seen:
    committed: int
    since: float


@dataclass
class ProgressTracker:
    """Per partition: lag, and for how long a partition with lag has committed nothing."""

    stall_seconds: float
    clock: Callable[[], float] = time.monotonic
    _seen: dict[TopicPartition, _Seen] = field(default_factory=dict)
    lag: dict[TopicPartition, int] = field(default_factory=dict)

    def update(self, end: Mapping[TopicPartition, int], committed: Mapping[TopicPartition, int]) -> None:
        """Record the broker's end offsets and the worker's committed offsets (next to read)."""
        now = self.clock()
        for tp in list(self._seen):
            if tp not in end:  # revoked: forget it
                del self._seen[tp]
                self.lag.pop(tp, None)
        for tp, last in end.items():
            done = committed.get(tp, 0)
            lag = max(0, int(last) - int(done))
            self.lag[tp] = lag
            seen = self._seen.get(tp)
            if seen is None or seen.committed != done or lag == 0:
                self._seen[tp] = _Seen(done, now)

    def stalled(self) -> dict[TopicPartition, tuple[int, float]]:
        """Partitions with lag whose committed offset has not moved for ``stall_seconds``:
        ``{tp: (lag, seconds without progress)}``."""
        now = self.clock()
        out = {}
        for tp, seen in self._seen.items():
            idle = now - seen.since
            if self.lag.get(tp, 0) > 0 and idle >= self.stall_seconds:
                out[tp] = (self.lag[tp], idle)
        return out

    def lag_by_topic(self, topics: Iterable[str]) -> dict[str, int]:
        totals = dict.fromkeys(topics, 0)
        for tp, lag in self.lag.items():
            if tp.topic in totals:
                totals[tp.topic] += lag
        return totals


class BrokerMonitor:
    """Asks the broker every ``interval`` seconds for the end offsets of ``partitions()``.

    ``reachable`` turns False once no answer came for ``timeout`` seconds; the
    client is rebuilt after a failure (a half-open connection to a stopped broker
    would otherwise keep every request waiting).
    """

    def __init__(
        self,
        bootstrap: str,
        partitions: Callable[[], Iterable[TopicPartition]],
        committed: Callable[[], Mapping[TopicPartition, int]],
        tracker: ProgressTracker,
        *,
        interval: float = 2.0,
        timeout: float = 6.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bootstrap = bootstrap
        self.partitions = partitions
        self.committed = committed
        self.tracker = tracker
        self.interval = interval
        self.timeout = timeout
        self.clock = clock
        self.last_ok: float | None = None
        self.started_at = clock()
        self.last_error: str | None = None
        #: partitions whose end offset was below the committed offset (the broker miscounts)
        self.impossible: set[TopicPartition] = set()
        self._consumer: AIOKafkaConsumer | None = None

    @property
    def reachable(self) -> bool:
        since = self.last_ok if self.last_ok is not None else self.started_at
        return self.clock() - since < self.timeout

    def unreachable_for(self) -> float:
        since = self.last_ok if self.last_ok is not None else self.started_at
        return self.clock() - since

    async def _client(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap,
                group_id=None,
                enable_auto_commit=False,
                client_id="claimwatch-health",
                request_timeout_ms=int(max(1.0, self.timeout) * 1000),
                metadata_max_age_ms=int(self.interval * 1000),
            )
            await asyncio.wait_for(consumer.start(), self.timeout)
            self._consumer = consumer
        return self._consumer

    async def _drop_client(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(consumer.stop(), 2.0)

    async def check(self) -> None:
        """One look at the broker; never raises."""
        try:
            consumer = await self._client()
            tps = sorted(set(self.partitions()))
            if tps:
                end = await asyncio.wait_for(consumer.end_offsets(tps), self.timeout)
                start = await asyncio.wait_for(consumer.beginning_offsets(tps), self.timeout)
            else:
                await asyncio.wait_for(consumer.topics(), self.timeout)  # a metadata round trip
                end, start = {}, {}
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            await self._drop_client()
            return
        self.last_ok = self.clock()
        self.last_error = None
        # nothing committed yet counts from the log's start (retention may have moved it)
        committed = {tp: max(done, start.get(tp, 0)) for tp, done in self.committed().items()}
        for tp, last in end.items():
            if tp in committed and int(last) < committed[tp] and tp not in self.impossible:
                self.impossible.add(tp)
                log.warning(
                    "broker reports end offset %d for %s[%d], below the committed offset %d: it miscounts "
                    "(Tansu after multi-record batches); lag on this partition reads 0",
                    last, tp.topic, tp.partition, committed[tp],
                )
        self.tracker.update(end, committed)

    async def run(self) -> None:
        try:
            while True:
                await self.check()
                await asyncio.sleep(self.interval)
        finally:
            await self._drop_client()


class RepeatFilter(logging.Filter):
    """Lets one record per (logger, message template) through every ``window`` seconds.

    The next one let through says how many were held back. Only loggers under
    ``prefixes`` are limited (the Kafka clients and Faust, which log every failed
    connection attempt during a broker outage).
    """

    def __init__(
        self,
        window: float = 10.0,
        prefixes: tuple[str, ...] = ("aiokafka", "faust", "mode"),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.window = window
        self.prefixes = prefixes
        self.clock = clock
        self._last: dict[tuple[str, Any], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not record.name.startswith(self.prefixes):
            return True
        key = (record.name, record.msg)
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last[0] < self.window:
            self._last[key] = (last[0], last[1] + 1)
            return False
        held = last[1] if last is not None else 0
        self._last[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} [{held} more like this in the last {self.window:.0f}s]"
        return True


@dataclass
class Verdict:
    """A readiness check's answer with the reason a person reads."""

    ok: bool
    reason: str = ""


class ReadinessLog:
    """Logs readiness changes, and while not ready the reasons at most every ``every`` seconds."""

    def __init__(self, every: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._ready: bool | None = None
        self._reasons: tuple[str, ...] = ()
        self._logged_at = 0.0

    def observe(self, ready: bool, reasons: Mapping[str, str]) -> str | None:
        """The line to log now, if any (also logged here: WARNING when not ready).

        ``reasons`` maps each failing check to its sentence; a new set of failing
        checks is logged at once, the same set again only every ``every`` seconds.
        """
        failing = tuple(sorted(reasons))
        now = self.clock()
        line: str | None = None
        if ready and self._ready is not True:
            line = "ready" if self._ready is None else "ready again"
            log.info("worker %s", line)
        elif not ready and (
            self._ready is not False or failing != self._reasons or now - self._logged_at >= self.every
        ):
            line = "not ready: " + "; ".join(reasons[name] or name for name in failing)
            log.warning("worker %s", line)
        if line is not None:
            self._logged_at = now
        self._ready, self._reasons = ready, failing
        return line
