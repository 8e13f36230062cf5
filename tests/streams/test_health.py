"""Lag, stalls, rate-limited logs and readiness lines, on a fake clock."""

from __future__ import annotations

import logging

from aiokafka import TopicPartition

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
