"""Webhook signatures: how claimwatch signs a body and how a receiver checks it.

Every webhook request carries these headers:

``X-Claimwatch-Signature: sha256=<hex>``
    HMAC-SHA256 of the **raw request body** (the exact bytes on the wire, before
    any JSON parsing) keyed with the endpoint's shared secret, hex-encoded,
    GitHub style. Absent when the endpoint has no secret configured.
``X-Claimwatch-Timestamp``
    Unix time (integer seconds) at which this attempt was sent. Informative:
    it is not part of the signed bytes, so it is not proof of freshness.
``Idempotency-Key`` and ``X-Claimwatch-Alert-Id``
    The alert's ``alert_id``. It is the same on every retry and on every
    redelivery after a worker restart (delivery is at-least-once), so a
    receiver that remembers the ids it has processed sees each alert once.
    Remembering ids is also what defeats a replayed (captured and resent)
    request: its signature is valid, but its id has been seen.
``X-Claimwatch-Attempt``
    1 for the first attempt, 2 for the first retry, and so on.

How a receiver verifies (see ``examples/receiver.py`` for a runnable one)::

    body = await request.read()                        # raw bytes, not re-serialised JSON
    if not verify(body, SECRET, request.headers.get("X-Claimwatch-Signature")):
        return 401
    alert_id = request.headers["Idempotency-Key"]
    if alert_id in seen:                               # a retry or redelivery
        return 200                                     # acknowledge, do nothing
    seen.add(alert_id); handle(json.loads(body)); return 200

From a shell (to check a captured request by hand)::

    printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"   # compare with the header's hex

Any 2xx response acknowledges the alert; anything else (or no answer within the
endpoint's timeout) makes claimwatch retry with backoff. Compare signatures with
a constant-time function (``hmac.compare_digest``), never with ``==``.

This module depends on the standard library only, so a receiver can copy it.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Claimwatch-Signature"
TIMESTAMP_HEADER = "X-Claimwatch-Timestamp"
ALERT_ID_HEADER = "X-Claimwatch-Alert-Id"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ATTEMPT_HEADER = "X-Claimwatch-Attempt"
SIGNATURE_PREFIX = "sha256="


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def sign(body: bytes, secret: str | bytes) -> str:
    """The ``X-Claimwatch-Signature`` value for ``body``: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(_key(secret), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify(body: bytes, secret: str | bytes, signature: str | None) -> bool:
    """Whether ``signature`` (the header value) is the HMAC of ``body`` under ``secret``.

    Constant-time; ``False`` for a missing, malformed or wrong signature, and for
    an empty secret (an unset secret must never make every request "valid").
    """
    if not signature or not secret or not signature.startswith(SIGNATURE_PREFIX):
        return False
    return hmac.compare_digest(sign(body, secret), signature.strip())


def headers(
    body: bytes,
    *,
    alert_id: str,
    secret: str | bytes | None,
    timestamp: int,
    attempt: int,
) -> dict[str, str]:
    """All claimwatch headers of one delivery attempt (content type included)."""
    out = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        IDEMPOTENCY_HEADER: alert_id,
        ALERT_ID_HEADER: alert_id,
        ATTEMPT_HEADER: str(attempt),
    }
    if secret:
        out[SIGNATURE_HEADER] = sign(body, secret)
    return out
