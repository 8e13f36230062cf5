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
#: What an alert found (``streams.contradiction.rules``).
AlertKind = Literal[
    "value_conflict", "presence_denied", "presence_asserted", "revision", "update", "dispute", "retraction"
]
#: Every hedge the extractor writes (``streams.extraction.numbers``): the JSON Schema's enum.
HEDGES = (
    "exact",
    "approximately",
    "at_least",
    "at_most",
    "more_than",
    "less_than",
    "range",
    "up_to",
    "nearly",
    "vague",
)
#: The JSON Schema dialect of the files in ``schemas/json`` (what pydantic generates).
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (the contract's only timezone)."""
    return datetime.now(UTC)


def _in_utc_range(v: datetime | None, *, naive_as_utc: bool = True) -> datetime | None:
    """``v`` (naive read as UTC unless told not to), refused when it has no UTC equivalent.

    "9999-12-31T23:59:59-23:59" is year 10000 in UTC: no date arithmetic works on it.
    """
    if v is None:
        return v
    if v.tzinfo is None:
        return v.replace(tzinfo=UTC) if naive_as_utc else v
    try:
        v.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range once converted to UTC") from None
    return v


class _Event(BaseModel):
    """Base of every model: tolerant of extra fields, strict on declared ones."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _envelope_schema(schema: dict[str, Any]) -> None:
    """JSON Schema of a top-level event: ``type`` and ``schema_version`` required and constant.

    The models read them leniently (a missing ``type`` takes its default), but every
    event claimwatch writes carries both, and consumers route on them.
    """
    required = schema.setdefault("required", [])
    for name in ("schema_version", "type"):
        if name not in required:
            required.insert(0, name)
    schema["properties"]["schema_version"]["const"] = SCHEMA_VERSION


class _Envelope(_Event):
    """Base of the four events that travel on their own (with ``type`` and ``schema_version``)."""

    model_config = ConfigDict(json_schema_extra=_envelope_schema)


class Article(_Envelope):
    """Input on ``articles``: one news article."""

    type: Literal["Article"] = "Article"
    schema_version: int = SCHEMA_VERSION
    # Bounds on the short fields: each is copied into every claim of the article (and its
    # alerts), so a megabyte id would make records too large for Kafka. ``text`` is bounded
    # by the extractor (``too_long``), which says so in its own dead-letter reason.
    id: str = Field(min_length=1, max_length=1_000)
    text: str
    url: str | None = Field(default=None, max_length=8_000)
    outlet: str | None = Field(default=None, max_length=1_000)
    title: str | None = Field(default=None, max_length=2_000)
    published_at: datetime | None = None
    language: str | None = Field(default=None, max_length=64)

    @field_validator("published_at")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        return _in_utc_range(v)


class Value(_Event):
    """A quantity as an interval; ``hedge`` says how the source qualified it.

    hedge is one of ``exact``, ``approximately``, ``at_least``, ``at_most``,
    ``more_than``, ``less_than``, ``range``, ``up_to``, ``nearly``, ``vague``
    (:data:`HEDGES`, an enum in the JSON Schema). A new hedge is added to that
    list, which changes the schema; the model itself reads any string.
    """

    low: float | None = None
    best: float
    high: float | None = None
    hedge: str = Field(default="exact", json_schema_extra={"enum": list(HEDGES)})


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


class ClaimObserved(_Envelope):
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

    @field_validator("published_at", "as_of", "observed_at")
    @classmethod
    def _utc_range(cls, v: datetime | None) -> datetime | None:
        return _in_utc_range(v, naive_as_utc=False)


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


class ConsensusUpdated(_Envelope):
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
    #: the event time this consensus stands at: the latest statement time (as_of,
    #: else published_at) among the statements behind it. In an alert's
    #: ``consensus_before`` for a statement that arrived late, the moment just
    #: before that statement in event time (``updated_at`` and ``version`` are
    #: then those of the arrival)
    as_of: datetime | None = None


class ContradictionDetected(_Envelope):
    """An alert: a new observation contradicts the consensus (on ``alerts.contradictions``)."""

    type: Literal["ContradictionDetected"] = "ContradictionDetected"
    schema_version: int = SCHEMA_VERSION
    alert_id: str
    claim_key: str
    kind: AlertKind
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
