"""Builders of the three event types the read model folds, with readable defaults.

Shared by the read model and web tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schemas.events import (
    ClaimObserved,
    ConsensusUpdated,
    ContradictionDetected,
    Estimate,
    Evidence,
    Source,
    Supporter,
    Value,
)

T0 = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)


class Events:
    """Makes events for one story; times are minutes after T0."""

    def observation(
        self,
        event_id: str,
        *,
        key: str = "bridge-collapse:injured@lisbon",
        source: str = "Civil protection",
        best: float | None = 12,
        low: float | None = None,
        high: float | None = None,
        minute: float = 0,
        stance: str = "asserts",
        subject: str = "bridge collapse",
        measure: str = "injured",
        location: str | None = "Lisbon",
        evidence: str = "Civil protection said twelve people were hurt.",
    ) -> ClaimObserved:
        value = None
        if best is not None:
            value = Value(low=low if low is not None else best, best=best,
                          high=high if high is not None else best, hedge="approximately")
        return ClaimObserved(
            event_id=event_id,
            claim_key=key,
            subject=subject,
            measure=measure,
            location=location,
            value=value,
            stance=stance,  # type: ignore[arg-type]
            source=Source(name=source),
            outlet="The Daily Example",
            article_id=f"art-{event_id}",
            evidence=Evidence(text=evidence, start=0, end=len(evidence)),
            observed_at=T0 + timedelta(minutes=minute),
        )

    def consensus(
        self,
        version: int,
        *,
        key: str = "bridge-collapse:injured@lisbon",
        best: float = 12,
        low: float = 10,
        high: float = 14,
        minute: float = 0,
        supporters: list[tuple[str, float]] | None = None,
        trigger: str = "e1",
        **extra: Any,
    ) -> ConsensusUpdated:
        sup = [
            Supporter(source=s, value=Value(low=best, best=best, high=best), stance="asserts",
                      weight=w, event_id=f"{trigger}-{s}")
            for s, w in (supporters or [("Civil protection", 1.0)])
        ]
        return ConsensusUpdated(
            claim_key=key,
            version=version,
            estimate=Estimate(low=low, best=best, high=high),
            supporting=sup,
            n_sources=len(sup),
            updated_at=T0 + timedelta(minutes=minute),
            trigger_event_id=trigger,
            **extra,
        )

    def alert(
        self, alert_id: str, observation: ClaimObserved, before: ConsensusUpdated, *, minute: float
    ) -> ContradictionDetected:
        return ContradictionDetected(
            alert_id=alert_id,
            claim_key=observation.claim_key,
            kind="value_conflict",
            severity="high",
            reason=f"{observation.source.name} reports a value outside the consensus interval.",
            observation=observation,
            consensus_before=before,
            detected_at=T0 + timedelta(minutes=minute),
        )
