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
    assert h["X-Claimwatch-Signature-Timestamped"] == signing.sign_timestamped(b"{}", "s", 1_800_000_000)
    assert h["Content-Type"] == "application/json"


def test_unsigned_endpoint_sends_no_signature_header() -> None:
    h = signing.headers(b"{}", alert_id="x", secret=None, timestamp=0, attempt=1)
    assert signing.SIGNATURE_HEADER not in h
    assert signing.TIMESTAMPED_SIGNATURE_HEADER not in h


def test_timestamped_signature_is_stripe_style_hmac_of_t_dot_body() -> None:
    body = b'{"alert_id":"a-1"}'
    expected = hmac.new(b"tulip-season", b"1800000000." + body, hashlib.sha256).hexdigest()
    assert signing.sign_timestamped(body, "tulip-season", 1_800_000_000) == f"t=1800000000,v1={expected}"


def test_timestamped_signature_covers_the_time_and_the_body() -> None:
    body, t = b'{"x":1}', 1_800_000_000
    header = signing.sign_timestamped(body, "k", t)
    assert signing.verify_timestamped(body, "k", header, now=t)
    assert not signing.verify_timestamped(body + b" ", "k", header, now=t)
    assert not signing.verify_timestamped(body, "k2", header, now=t)
    moved = header.replace(f"t={t}", f"t={t + 1000}")  # a replayer re-dating the request
    assert not signing.verify_timestamped(body, "k", moved, now=t + 1000)
    assert not signing.verify_timestamped(body, "", signing.sign_timestamped(body, "", t), now=t)


def test_a_timestamp_outside_the_tolerance_is_refused_either_way() -> None:
    body, t = b"{}", 1_800_000_000
    header = signing.sign_timestamped(body, "k", t)
    assert signing.verify_timestamped(body, "k", header, now=t + 300)
    assert not signing.verify_timestamped(body, "k", header, now=t + 301)
    assert not signing.verify_timestamped(body, "k", header, now=t - 301)
    assert signing.verify_timestamped(body, "k", header, now=t + 3000, tolerance=3600)


def test_any_of_several_v1_signatures_may_match_and_malformed_headers_fail() -> None:
    body, t = b"{}", 1_800_000_000
    good = signing.sign_timestamped(body, "new", t).split(",")[1]
    old = signing.sign_timestamped(body, "old", t).split(",")[1]
    assert signing.verify_timestamped(body, "new", f"t={t},{old},{good},v0=ignored", now=t)
    for bad in (None, "", "v1=abc", f"t={t}", f"t=x,{good}", f"t={t},t={t},{good}", f"t={t};{good}"):
        assert not signing.verify_timestamped(body, "new", bad, now=t), bad
