"""What a pending or failed delivery looks like on a topic.

``PendingDelivery`` (on ``alerts.retry``) is the durable state of one alert's
delivery to one endpoint that has not succeeded yet: the alert itself, how many
attempts were made, when the first one was, and when the next is due. A worker
never holds an undelivered alert in memory for long without either its source
record still uncommitted or a ``PendingDelivery`` written for it, so a restart
resumes the retry schedule instead of losing or restarting it.

``FailedDelivery`` becomes a ``DeadLetter`` record on ``alerts.deadletter``
(same envelope as the other dead-letter topics, see :mod:`streams.deadletter`)
once an endpoint's attempts or age are exhausted, with the last error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from schemas import ContradictionDetected
from schemas.codec import dumps
from streams import deadletter


class PendingDelivery(BaseModel):
    """One alert still to be delivered to one endpoint (a record on ``alerts.retry``)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["PendingDelivery"] = "PendingDelivery"
    schema_version: int = 1
    alert: ContradictionDetected
    endpoint: str
    #: Attempts already made (0 if none was made yet).
    attempts: int = 0
    first_attempt_at: datetime
    next_attempt_at: datetime
    last_error: str | None = None
    last_status: int | None = None
    #: When the alert record was written to Kafka (its record timestamp): the start of
    #: alert_to_delivery and Alertmanager's ``startsAt``, kept across deferrals.
    ingested_at: datetime | None = None
    #: Set when this is the alert's resolution (Alertmanager ``status: resolved``,
    #: ``endsAt`` = this time) rather than the alert itself: kept across deferrals, so a
    #: retried resolution still renders as resolved. Idempotency key ``<alert_id>:resolved``.
    resolved_at: datetime | None = None

    @property
    def delivery_id(self) -> str:
        """The idempotency key: the alert id, or ``<alert_id>:resolved`` for its resolution."""
        return resolution_id(self.alert.alert_id) if self.resolved_at is not None else self.alert.alert_id


def resolution_id(alert_id: str) -> str:
    """The idempotency key of an alert's resolution (never the alert's own, which a
    receiver that saw the firing alert would drop as a duplicate)."""
    return f"{alert_id}:resolved"


@dataclass(frozen=True)
class FailedDelivery:
    """An alert one endpoint never acknowledged: given up after ``attempts``."""

    alert: ContradictionDetected
    endpoint: str
    attempts: int
    first_attempt_at: datetime
    last_attempt_at: datetime | None
    last_error: str
    last_status: int | None
    reason: Literal["attempts_exhausted", "too_old", "rejected", "unknown_endpoint"]
    #: Set when the failed delivery was the alert's resolution, not the alert.
    resolved_at: datetime | None = None

    def as_deadletter(self, source_topic: str = "alerts.contradictions") -> dict[str, Any]:
        """The ``alerts.deadletter`` record: the alert (replayable) and why it failed
        (with ``resolved_at`` when it was the alert's resolution)."""
        # only on a resolution: an alert's dead letter is as it was
        extra: dict[str, Any] = {"resolved_at": self.resolved_at.isoformat()} if self.resolved_at else {}
        return deadletter.record(
            reason=f"webhook_{self.reason}",
            message=self.last_error,
            raw=dumps(self.alert),
            topic=source_topic,
            key=self.alert.alert_id,
            alert_id=self.alert.alert_id,
            claim_key=self.alert.claim_key,
            endpoint=self.endpoint,
            attempts=self.attempts,
            first_attempt_at=self.first_attempt_at.isoformat(),
            last_attempt_at=self.last_attempt_at.isoformat() if self.last_attempt_at else None,
            last_error=self.last_error,
            last_status=self.last_status,
            **extra,
        )
