"""Dead-letter records: what was rejected, why, and where it came from.

A rejected input must never stop a worker, and must never vanish either: it goes
to a dead-letter topic with a reason an operator can act on and enough of the
original to replay it after a fix.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

log = logging.getLogger(__name__)

#: The original record is kept up to this many characters, so that a dead letter of a huge
#: article still fits in one Kafka message (1 MiB by default); partition and offset point at
#: the whole original either way.
MAX_RAW_CHARS = 256_000
#: ... and up to this many bytes once JSON-encoded: 256,000 emoji are 1 MB of UTF-8, and a
#: NUL is six bytes (``\u0000``) in JSON, so characters alone do not bound the message.
MAX_RAW_BYTES = 512_000
#: The key, the message and any other string (an article id) are cut at this many characters.
MAX_FIELD_CHARS = 2_000


def _encoded_len(text: str) -> int:
    return len(orjson.dumps(text))


def fit(text: str, max_chars: int = MAX_RAW_CHARS, max_bytes: int = MAX_RAW_BYTES) -> tuple[str, bool]:
    """``text`` cut so that it has at most ``max_chars`` characters and ``max_bytes`` bytes as a
    JSON string; returns ``(text, truncated)``."""
    out = text[:max_chars]
    size = _encoded_len(out)
    while size > max_bytes:
        out = out[: max(0, int(len(out) * max_bytes / size) - 1)]
        size = _encoded_len(out)
    return out, len(out) < len(text)


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
        return value[: MAX_FIELD_CHARS - 1] + "…"
    return value


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
    truncated = False
    if raw is not None:
        raw, truncated = fit(raw)
    return {
        "type": "DeadLetter",
        "schema_version": 1,
        "reason": reason,
        "message": _short(message),
        "source_topic": topic,
        "partition": partition,
        "offset": offset,
        "key": _short(key),
        "raw": raw,
        "raw_truncated": truncated,
        "rejected_at": datetime.now(UTC).isoformat(),
        **{k: _short(v) for k, v in extra.items()},
    }


async def send(topic: Any, rec: dict[str, Any]) -> None:
    """Send a dead letter; if the broker refuses it (a record still too large for a broker
    configured with a smaller limit), send it again without the original, which partition and
    offset point at. A dead letter must never stop the agent that writes it."""
    try:
        await topic.send(value=orjson.dumps(rec))
    except Exception as exc:
        log.error("dead letter refused (%r); sending it without the original record", exc)
        slim = {**rec, "raw": None, "raw_truncated": rec.get("raw") is not None}
        await topic.send(value=orjson.dumps(slim))


#: Every reason a decode failure gets (metric label values, initialised at start).
DECODE_REASONS = ("invalid_json", "not_an_object", "missing_field", "invalid_field")
#: ... and every reason an article gets (``streams.extraction.rejections.REASONS`` and a crash).
ARTICLE_REASONS = (*DECODE_REASONS, "empty_text", "not_english", "too_long", "extraction_error")


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
