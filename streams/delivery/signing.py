"""Webhook signatures: how claimwatch signs a body and how a receiver checks it.

Every webhook request carries these headers:

``X-Claimwatch-Signature-Timestamped: t=<unix>,v1=<hex>``
    Stripe style: ``v1`` is the hex HMAC-SHA256, keyed with the endpoint's shared
    secret, of ``"<t>." + raw body`` (the decimal timestamp, a dot, then the exact
    bytes on the wire). Because the timestamp is signed, a receiver can refuse a
    request whose ``t`` is too far from its own clock (:func:`verify_timestamped`,
    five minutes by default): a captured request cannot be replayed later, even by
    a receiver that has forgotten the alert ids it saw. Absent when the endpoint
    has no secret configured.
``X-Claimwatch-Signature: sha256=<hex>``
    GitHub style, kept for receivers written against it: HMAC-SHA256 of the **raw
    request body** alone. It proves the body but not its freshness.
``X-Claimwatch-Timestamp``
    Unix time (integer seconds) at which this attempt was sent: the same ``t`` as
    in the timestamped signature (each retry is signed afresh with its own time).
``Idempotency-Key`` and ``X-Claimwatch-Alert-Id``
    The alert's ``alert_id``. It is the same on every retry and on every
    redelivery after a worker restart (delivery is at-least-once), so a
    receiver that remembers the ids it has processed sees each alert once.
``X-Claimwatch-Attempt``
    1 for the first attempt, 2 for the first retry, and so on.

How a receiver verifies (see ``examples/receiver.py`` for a runnable one)::

    body = await request.read()                        # raw bytes, not re-serialised JSON
    header = request.headers.get("X-Claimwatch-Signature-Timestamped")
    if not verify_timestamped(body, SECRET, header, tolerance=300):
        return 401                                     # forged, tampered, or too old: a replay
    alert_id = request.headers["Idempotency-Key"]
    if alert_id in seen:                               # a retry or redelivery
        return 200                                     # acknowledge, do nothing
    seen.add(alert_id); handle(json.loads(body)); return 200

From a shell (to check a captured request by hand)::

    printf '%s.%s' "$T" "$BODY" | openssl dgst -sha256 -hmac "$SECRET"   # compare with v1
    printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"           # compare with sha256=

Any 2xx response acknowledges the alert; anything else (or no answer within the
endpoint's timeout) makes claimwatch retry with backoff. Compare signatures with
a constant-time function (``hmac.compare_digest``), never with ``==``.

This module depends on the standard library only, so a receiver can copy it.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Claimwatch-Signature"
TIMESTAMPED_SIGNATURE_HEADER = "X-Claimwatch-Signature-Timestamped"
TIMESTAMP_HEADER = "X-Claimwatch-Timestamp"
ALERT_ID_HEADER = "X-Claimwatch-Alert-Id"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ATTEMPT_HEADER = "X-Claimwatch-Attempt"
SIGNATURE_PREFIX = "sha256="
#: How far (seconds) a signed timestamp may be from the receiver's clock, either way.
DEFAULT_TOLERANCE = 300


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


def _timestamped_digest(body: bytes, secret: str | bytes, timestamp: int) -> str:
    return hmac.new(_key(secret), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def sign_timestamped(body: bytes, secret: str | bytes, timestamp: int) -> str:
    """The ``X-Claimwatch-Signature-Timestamped`` value: ``t=<timestamp>,v1=<hex HMAC of "t.body">``."""
    return f"t={int(timestamp)},v1={_timestamped_digest(body, secret, int(timestamp))}"


def parse_timestamped(header: str) -> tuple[int, list[str]] | None:
    """``(t, [v1 signatures])`` from a header value, or None when it is malformed.

    Several ``v1`` entries may appear (a sender rotating its secret signs with both);
    unknown schemes are ignored, as Stripe's are.
    """
    t: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            return None
        if key == "t":
            if t is not None or not value.isdigit():
                return None
            t = int(value)
        elif key == "v1":
            signatures.append(value)
    if t is None or not signatures:
        return None
    return t, signatures


def verify_timestamped(
    body: bytes,
    secret: str | bytes,
    header: str | None,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """Whether ``header`` signs ``body`` under ``secret`` with a timestamp within ``tolerance`` of ``now``.

    ``False`` for a missing or malformed header, a wrong signature, an empty secret,
    and a timestamp more than ``tolerance`` seconds away from ``now`` (default: this
    machine's clock) in either direction: a replayed request carries its old,
    signed time and cannot be given a new one without the secret.
    """
    if not header or not secret:
        return False
    parsed = parse_timestamped(header)
    if parsed is None:
        return False
    t, signatures = parsed
    current = time.time() if now is None else now
    if abs(current - t) > tolerance:
        return False
    expected = _timestamped_digest(body, secret, t)
    return any(hmac.compare_digest(expected, sig.strip()) for sig in signatures)


def headers(
    body: bytes,
    *,
    alert_id: str,
    secret: str | bytes | None,
    timestamp: int,
    attempt: int,
    idempotency_key: str | None = None,
) -> dict[str, str]:
    """All claimwatch headers of one delivery attempt (content type included).

    ``Idempotency-Key`` is ``idempotency_key`` when given (an alert's resolution:
    ``<alert_id>:resolved``, so a receiver does not drop it as a duplicate of the firing
    alert), else the alert id; ``X-Claimwatch-Alert-Id`` is always the alert id.
    """
    out = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        IDEMPOTENCY_HEADER: idempotency_key or alert_id,
        ALERT_ID_HEADER: alert_id,
        ATTEMPT_HEADER: str(attempt),
    }
    if secret:
        out[SIGNATURE_HEADER] = sign(body, secret)
        out[TIMESTAMPED_SIGNATURE_HEADER] = sign_timestamped(body, secret, timestamp)
    return out
