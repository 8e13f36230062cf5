"""The backoff policy: exponential ceiling, full jitter, give-up rules."""

from __future__ import annotations

import random

import pytest

from streams.delivery.retry import RetryPolicy, is_retryable_status, parse_retry_after


def test_ceiling_doubles_from_base_and_is_capped() -> None:
    p = RetryPolicy(base_delay=0.5, max_delay=60)
    assert [p.ceiling(n) for n in range(1, 9)] == [0.5, 1, 2, 4, 8, 16, 32, 60]
    assert p.ceiling(10_000) == 60  # no overflow for absurd counts


def test_full_jitter_spreads_over_zero_to_ceiling() -> None:
    p = RetryPolicy(base_delay=1, max_delay=100)
    rng = random.Random(11)
    delays = [p.delay(5, rng) for _ in range(2000)]  # ceiling 16
    assert all(0 <= d <= 16 for d in delays)
    assert min(delays) < 1 and max(delays) > 15  # uses the whole range, not a fixed step
    assert 7 < sum(delays) / len(delays) < 9  # uniform: mean is half the ceiling


def test_same_seed_same_schedule() -> None:
    p = RetryPolicy()
    a = [p.delay(n, random.Random(3)) for n in range(1, 12)]
    b = [p.delay(n, random.Random(3)) for n in range(1, 12)]
    assert a == b


def test_retry_after_is_a_floor_and_is_bounded() -> None:
    p = RetryPolicy(base_delay=0.01, max_delay=0.02, max_retry_after=120)
    assert p.delay(1, random.Random(1), retry_after=7) == 7
    assert p.delay(1, random.Random(1), retry_after=86_400) == 120


def test_gives_up_on_attempt_count_or_age() -> None:
    p = RetryPolicy(max_attempts=5, max_age=600)
    assert not p.exhausted(4, age=599)
    assert p.exhausted(5, age=1)
    assert p.exhausted(1, age=600)
    assert p.would_expire(600.5) and not p.would_expire(10)


def test_default_schedule_spans_minutes() -> None:
    """A receiver down for several minutes must still get the alert with the defaults."""
    p = RetryPolicy()
    expected_span = sum(p.ceiling(n) / 2 for n in range(1, p.max_attempts))
    assert expected_span > 8 * 60
    rng = random.Random(5)
    shortest = min(sum(p.delay(n, rng) for n in range(1, p.max_attempts)) for _ in range(200))
    assert shortest > 5 * 60


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (500, True),
        (502, True),
        (503, True),
        (429, True),
        (408, True),
        (400, False),
        (401, False),
        (404, False),
        (410, False),
        (422, False),
    ],
)
def test_which_statuses_are_retried(status: int, retry: bool) -> None:
    assert is_retryable_status(status) is retry


def test_parse_retry_after() -> None:
    assert parse_retry_after("30") == 30
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-4") is None


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(max_age=0)
