"""Pydantic models of every event claimwatch reads or writes.

The contract (``../shared/DESIGN.md``): one JSON object per event with ``type``
and ``schema_version``; consumers may rely on every field declared here. New
fields may be added freely; renaming or dropping one needs a new
schema_version. Unknown fields on input are kept (``extra="allow"``) so that a
newer producer does not break an older worker.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1

Stance = Literal["asserts", "denies", "neutral"]
Severity = Literal["low", "medium", "high"]


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (the contract's only timezone)."""
    return datetime.now(UTC)


class _Event(BaseModel):
    """Base of every model: tolerant of extra fields, strict on declared ones."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Article(_Event):
    """Input on ``articles``: one news article."""

    type: Literal["Article"] = "Article"
    schema_version: int = SCHEMA_VERSION
    id: str = Field(min_length=1)
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    language: str | None = None

    @field_validator("published_at")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            return v.replace(tzinfo=UTC)
        return v


class Value(_Event):
    """A quantity as an interval; ``hedge`` says how the source qualified it.

    hedge is one of ``exact``, ``approximately``, ``at_least``, ``at_most``,
    ``more_than``, ``less_than``, ``range``, ``up_to``, ``nearly``, ``vague``
    (consumers should accept others).
    """

    low: float | None = None
    best: float
    high: float | None = None
    hedge: str = "exact"


class Source(_Event):
    """Who makes the statement (not who published it). ``kind`` ``outlet``: no
    one is quoted and the publisher stands in, so the same words printed by
    another outlet are one article (the consensus counts them once)."""

    name: str
    kind: str | None = None


class Evidence(_Event):
    """The sentence a claim came from, as character offsets into ``Article.text``."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class ClaimObserved(_Event):
    """One attributed factual statement found in one article (on ``claims.observed``)."""

    type: Literal["ClaimObserved"] = "ClaimObserved"
    schema_version: int = SCHEMA_VERSION
    event_id: str
    claim_key: str
    subject: str
    measure: str
    location: str | None = None
    value: Value | None = None
    stance: Stance = "asserts"
    source: Source
    outlet: str | None = None
    article_id: str
    url: str | None = None
    published_at: datetime | None = None
    as_of: datetime | None = None
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0, default=0.5)
    parent_key: str | None = None
    observed_at: datetime = Field(default_factory=utcnow)


class Estimate(_Event):
    low: float
    best: float
    high: float


class Presence(_Event):
    probability: float = Field(ge=0.0, le=1.0)


class Supporter(_Event):
    """One source's current contribution to a consensus."""

    source: str
    value: Value | None = None
    stance: Stance
    weight: float
    event_id: str


class ConsensusUpdated(_Event):
    """The consensus of one claim after a change (on ``consensus.updated``, compacted)."""

    type: Literal["ConsensusUpdated"] = "ConsensusUpdated"
    schema_version: int = SCHEMA_VERSION
    claim_key: str
    version: int = Field(ge=1)
    estimate: Estimate | None = None
    presence: Presence | None = None
    supporting: list[Supporter] = Field(default_factory=list)
    n_sources: int = Field(ge=0)
    updated_at: datetime
    trigger_event_id: str
    subject: str | None = None
    measure: str | None = None
    location: str | None = None
    parent_key: str | None = None


class ContradictionDetected(_Event):
    """An alert: a new observation contradicts the consensus (on ``alerts.contradictions``)."""

    type: Literal["ContradictionDetected"] = "ContradictionDetected"
    schema_version: int = SCHEMA_VERSION
    alert_id: str
    claim_key: str
    kind: str
    severity: Severity
    reason: str
    observation: ClaimObserved
    consensus_before: ConsensusUpdated
    detected_at: datetime


EVENT_MODELS: dict[str, type[_Event]] = {
    "Article": Article,
    "ClaimObserved": ClaimObserved,
    "ConsensusUpdated": ConsensusUpdated,
    "ContradictionDetected": ContradictionDetected,
}


def to_jsonable(model: BaseModel) -> dict[str, Any]:
    """The wire form of an event: JSON types only, ISO 8601 timestamps."""
    return model.model_dump(mode="json")
