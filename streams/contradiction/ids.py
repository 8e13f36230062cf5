"""Deterministic alert ids: the same contradiction replayed is the same alert."""

from __future__ import annotations

import hashlib


def alert_id(claim_key: str, trigger_event_id: str, kind: str) -> str:
    """32 hex chars from (claim_key, trigger event, kind).

    Webhook receivers use it as an idempotency key, so a redelivery or a
    replay of the log must produce the very same id.
    """
    raw = "\x1f".join((claim_key, trigger_event_id, kind)).encode()
    return hashlib.sha256(raw).hexdigest()[:32]
