"""Dead-letter records: what was rejected, why, and where it came from.

A rejected input must never stop a worker, and must never vanish either: it goes
to a dead-letter topic with a reason an operator can act on and enough of the
original to replay it after a fix.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

#: The original record is kept up to this many characters, so that a dead letter of a huge
#: article still fits in one Kafka message (1 MiB by default); partition and offset point at
#: the whole original either way.
MAX_RAW_CHARS = 256_000


def record(
    *,
    reason: str,
    message: str,
    raw: bytes | str | None,
    topic: str,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A JSON-able dead-letter record (``type`` = ``DeadLetter``)."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="replace")
    truncated = raw is not None and len(raw) > MAX_RAW_CHARS
    return {
        "type": "DeadLetter",
        "schema_version": 1,
        "reason": reason,
        "message": message,
        "source_topic": topic,
        "partition": partition,
        "offset": offset,
        "key": key,
        "raw": raw[:MAX_RAW_CHARS] if raw is not None else None,
        "raw_truncated": truncated,
        "rejected_at": datetime.now(UTC).isoformat(),
        **extra,
    }


def reason_for_validation_error(exc: Exception) -> str:
    """A short snake_case reason code (a metric label) for a decode failure."""
    text = str(exc)
    if text.startswith("invalid JSON"):
        return "invalid_json"
    if text.startswith("expected a JSON object"):
        return "not_an_object"
    if "Field required" in text or "missing" in text:
        return "missing_field"
    return "invalid_field"
