"""When to retry a failed webhook delivery, and when to give up. Pure: no I/O, no clock.

Exponential backoff with *full jitter* (a uniformly random delay between 0 and
the exponential ceiling, as in the AWS Architecture Blog's "Exponential Backoff
and Jitter"): when a receiver comes back after an outage, the retries of many
alerts arrive spread out instead of in synchronized waves that knock it over
again. The ceiling is capped (``max_delay``) so that a receiver that was down
for minutes is retried within about ``max_delay`` of coming back.

A delivery stops being retried when it has made ``max_attempts`` attempts or its
first attempt is older than ``max_age`` seconds, whichever comes first; it then
goes to the dead-letter topic. With the defaults (30 attempts, 0.5 s base,
60 s cap, one hour) the expected retry span is about 11 minutes, so a receiver
that is down for several minutes loses nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: HTTP statuses that mean "this request will never succeed as sent": no retry.
#: 408 (timeout), 409, 425 and 429 (rate limited) are retried like 5xx.
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 405, 410, 411, 413, 414, 415, 422})


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff and give-up rules of one endpoint."""

    base_delay: float = 0.5
    max_delay: float = 60.0
    max_attempts: int = 30
    max_age: float = 3600.0
    #: Upper bound for a receiver's ``Retry-After`` (a misbehaving receiver must
    #: not be able to park an alert for a day).
    max_retry_after: float = 300.0

    def __post_init__(self) -> None:
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("delays must be non-negative")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_age <= 0:
            raise ValueError("max_age must be positive")

    def ceiling(self, attempts_made: int) -> float:
        """The jitter ceiling after ``attempts_made`` failed attempts (>= 1)."""
        exponent = max(0, attempts_made - 1)
        # min() before the power would overflow for a very large attempt count
        if exponent > 60:
            return self.max_delay
        return float(min(self.max_delay, self.base_delay * (2**exponent)))

    def delay(
        self,
        attempts_made: int,
        rng: random.Random | None = None,
        retry_after: float | None = None,
    ) -> float:
        """Seconds to wait before the next attempt (full jitter, honouring ``Retry-After``)."""
        uniform = rng.uniform if rng is not None else random.uniform
        wait = uniform(0.0, self.ceiling(attempts_made))
        if retry_after is not None and retry_after > 0:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait

    def exhausted(self, attempts_made: int, age: float) -> bool:
        """Whether to give up after ``attempts_made`` attempts, the first ``age`` seconds ago."""
        return attempts_made >= self.max_attempts or age >= self.max_age

    def would_expire(self, age_at_next_attempt: float) -> bool:
        """Whether the next attempt would start after ``max_age`` (then give up now)."""
        return age_at_next_attempt >= self.max_age


def is_retryable_status(status: int) -> bool:
    """Whether a non-2xx HTTP status may succeed later (5xx, 408, 429, ...)."""
    return status not in PERMANENT_STATUSES


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given as a number; ``None`` if absent or a date."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None  # the HTTP-date form is rare for webhooks; backoff applies
    return seconds if seconds >= 0 else None
