"""HMAC signatures: what claimwatch sends is what a receiver can check."""

from __future__ import annotations

import hashlib
import hmac

from streams.delivery import signing


def test_signature_is_github_style_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"alert_id":"a-1","reason":"numbers disagree"}'
    expected = hmac.new(b"tulip-season", body, hashlib.sha256).hexdigest()
    assert signing.sign(body, "tulip-season") == f"sha256={expected}"


def test_verify_accepts_own_signature_and_rejects_any_change() -> None:
    body = b'{"claim_key":"ferry-passengers:missing@lake-kivu"}'
    sig = signing.sign(body, "k1")
    assert signing.verify(body, "k1", sig)
    assert not signing.verify(body + b" ", "k1", sig)  # one byte more
    assert not signing.verify(body, "k2", sig)  # other secret
    assert not signing.verify(body, "k1", sig.replace("sha256=", "sha1="))
    assert not signing.verify(body, "k1", None)
    assert not signing.verify(body, "k1", "")


def test_empty_secret_never_verifies() -> None:
    body = b"{}"
    assert not signing.verify(body, "", signing.sign(body, ""))


def test_headers_carry_alert_id_twice_timestamp_and_attempt() -> None:
    h = signing.headers(b"{}", alert_id="alert-77", secret="s", timestamp=1_800_000_000, attempt=3)
    assert h["Idempotency-Key"] == h["X-Claimwatch-Alert-Id"] == "alert-77"
    assert h["X-Claimwatch-Timestamp"] == "1800000000"
    assert h["X-Claimwatch-Attempt"] == "3"
    assert h["X-Claimwatch-Signature"] == signing.sign(b"{}", "s")
    assert h["Content-Type"] == "application/json"


def test_unsigned_endpoint_sends_no_signature_header() -> None:
    h = signing.headers(b"{}", alert_id="x", secret=None, timestamp=0, attempt=1)
    assert signing.SIGNATURE_HEADER not in h
