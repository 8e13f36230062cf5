"""Lag, stalls, rate-limited logs and readiness lines, on a fake clock."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError

from streams import health
from streams.health import ProgressTracker, ReadinessLog, RepeatFilter

A0, A1 = TopicPartition("articles", 0), TopicPartition("articles", 1)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lag_is_end_minus_committed_and_a_partition_without_commits_stalls() -> None:
    clock = Clock()
    tracker = ProgressTracker(stall_seconds=10, clock=clock)
    tracker.update({A0: 5, A1: 3}, {A0: 2, A1: 3})
    assert tracker.lag == {A0: 3, A1: 0}
    assert tracker.lag_by_topic(["articles", "claims"]) == {"articles": 3, "claims": 0}
    clock.now += 9
    tracker.update({A0: 6, A1: 3}, {A0: 2, A1: 3})
    assert tracker.stalled() == {}
    clock.now += 2
    assert tracker.stalled() == {A0: (4, 11.0)}  # lag and no commit for 11 s; A1 has no lag
    tracker.update({A0: 6, A1: 3}, {A0: 4, A1: 3})  # a commit: progress again
    assert tracker.stalled() == {}
    tracker.update({A1: 3}, {A1: 3})  # A0 revoked: forgotten
    assert A0 not in tracker.lag


def test_repeated_client_errors_pass_once_per_window_with_a_count() -> None:
    clock = Clock()
    limit = RepeatFilter(window=10, clock=clock)

    def record(name: str = "aiokafka.client", level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, "Unable connect to node with id %s", (1,), None)

    assert limit.filter(record())
    assert not any(limit.filter(record()) for _ in range(79))
    assert limit.filter(record("streams.web"))  # our own lines are never limited
    assert limit.filter(record(level=logging.INFO))
    clock.now += 10
    again = record()
    assert limit.filter(again)
    assert "[79 more like this in the last 10s]" in again.getMessage()


def test_readiness_is_logged_on_change_and_then_every_30_seconds() -> None:
    clock = Clock()
    lines = ReadinessLog(every=30, clock=clock)
    assert lines.observe(True, {}) == "ready"
    assert lines.observe(True, {}) is None
    assert lines.observe(False, {"broker_reachable": "broker x has not answered for 3s"}) == (
        "not ready: broker x has not answered for 3s")
    clock.now += 2
    assert lines.observe(False, {"broker_reachable": "broker x has not answered for 5s"}) is None
    clock.now += 30
    assert lines.observe(False, {"broker_reachable": "broker x has not answered for 35s"}) is not None
    assert lines.observe(True, {}) == "ready again"


async def test_a_health_client_that_fails_to_start_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each failed check against a gone broker used to leave an unclosed consumer behind."""
    made: list[Any] = []

    class Failing:
        def __init__(self, **kwargs: Any) -> None:
            self.stopped = False
            made.append(self)

        async def start(self) -> None:
            raise KafkaConnectionError("Unable to bootstrap")

        async def stop(self) -> None:
            self.stopped = True

    monkeypatch.setattr(health, "AIOKafkaConsumer", Failing)
    monitor = health.BrokerMonitor("127.0.0.1:1", lambda: [], dict, health.ProgressTracker(stall_seconds=5))
    await monitor.check()
    await monitor.check()
    assert len(made) == 2 and all(c.stopped for c in made)
    assert monitor.last_error is not None and "KafkaConnectionError" in monitor.last_error


async def test_a_read_model_feed_that_fails_to_start_stops_its_client(monkeypatch: pytest.MonkeyPatch) -> None:
    from streams.readmodel import ReadModel
    from streams.web import feeder

    made: list[Any] = []

    class Failing:
        def __init__(self, **kwargs: Any) -> None:
            self.stopped = False
            made.append(self)

        async def start(self) -> None:
            raise KafkaConnectionError("Unable to bootstrap")

        async def stop(self) -> None:
            self.stopped = True

    monkeypatch.setattr(feeder, "AIOKafkaConsumer", Failing)
    with pytest.raises(KafkaConnectionError):
        await feeder.ReadModelFeeder(ReadModel(), "127.0.0.1:1").run()
    assert len(made) == 1 and made[0].stopped
