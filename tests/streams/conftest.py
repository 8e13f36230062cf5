"""Claim factories shared by the consensus and contradiction tests: short events in our own words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schemas.events import ClaimObserved
from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def claim(
    event_id: str,
    source: str,
    best: float | None = None,
    *,
    key: str = "ferry-passengers:missing@lake-kivu",
    hedge: str = "exact",
    low: float | None = None,
    high: float | None = None,
    stance: str = "asserts",
    day: float = 0,
    text: str | None = None,
    measure: str = "missing",
    subject: str = "ferry passengers",
    location: str | None = "Lake Kivu",
    parent_key: str | None = None,
    confidence: float = 0.8,
    seen_day: float | None = None,
    source_kind: str | None = None,
) -> ClaimObserved:
    """One ClaimObserved; ``day`` is the statement date, ``seen_day`` when it was read."""
    when = T0 + timedelta(days=day)
    seen = T0 + timedelta(days=seen_day if seen_day is not None else day)
    value: dict[str, Any] | None = None
    if best is not None:
        value = {"best": best, "low": low, "high": high, "hedge": hedge}
    words = text or f"{source} told reporters on day {day} something about item {event_id}."
    return ClaimObserved(
        event_id=event_id,
        claim_key=key,
        subject=subject,
        measure=measure,
        location=location,
        value=value,
        stance=stance,  # type: ignore[arg-type]
        source={"name": source, "kind": source_kind},
        article_id=f"article-{event_id}",
        published_at=when,
        as_of=when,
        evidence={"text": words, "start": 0, "end": len(words)},
        confidence=confidence,
        parent_key=parent_key,
        observed_at=seen,
    )


@pytest.fixture
def engine() -> ConsensusEngine:
    return ConsensusEngine(EngineSettings(), ReliabilityBook())


@pytest.fixture
def make() -> Any:
    """The :func:`claim` factory, as a fixture (conftest modules are not importable)."""
    return claim
