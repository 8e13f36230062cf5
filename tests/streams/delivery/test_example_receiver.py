"""examples/receiver.py: verifies what the dispatcher signs and drops duplicates by alert id."""

from __future__ import annotations

import time

import aiohttp
from aiohttp import web

from streams.delivery import Dispatcher
from streams.delivery.formats import render
from streams.delivery.signing import headers as sign_headers


def signed(
    alert, secret: str, attempt: int = 1, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """A request as the dispatcher sends it; signed now unless ``timestamp`` says when."""
    body = render(alert, "native")
    when = int(time.time()) if timestamp is None else timestamp
    return body, sign_headers(
        body, alert_id=alert.alert_id, secret=secret, timestamp=when, attempt=attempt
    )


def test_accepts_a_signed_alert_once_and_acknowledges_its_duplicates(
    example_receiver, alert
) -> None:
    r = example_receiver.Receiver("ochre")
    body, h = signed(alert, "ochre")
    assert r.handle(body, h) == (200, "ok")
    body2, h2 = signed(alert, "ochre", attempt=2)
    assert r.handle(body2, h2) == (200, "duplicate")
    assert len(r.alerts) == 1 and r.alerts[0]["alert_id"] == alert.alert_id
    assert r.duplicates == 1


def test_rejects_bad_or_missing_signatures(example_receiver, alert) -> None:
    r = example_receiver.Receiver("ochre")
    body, h = signed(alert, "umber")
    assert r.handle(body, h)[0] == 401
    body, h = signed(alert, "ochre")
    tampered = body.replace(b"value_conflict", b"revision")
    assert tampered != body
    assert r.handle(tampered, h)[0] == 401  # tampered body
    del h["X-Claimwatch-Signature-Timestamped"]  # the body-only signature is not enough
    assert r.handle(body, h)[0] == 401
    assert r.alerts == [] and r.rejected == 3


def test_rejects_a_replayed_request_with_an_old_signed_timestamp(example_receiver, alert) -> None:
    """A captured request, resent later to a receiver that has forgotten its ids, is refused."""
    sent_at = 1_800_000_000
    body, h = signed(alert, "ochre", timestamp=sent_at)
    on_time = example_receiver.Receiver("ochre", clock=lambda: sent_at + 3)
    assert on_time.handle(body, h) == (200, "ok")

    later = example_receiver.Receiver("ochre", clock=lambda: sent_at + 301)  # ids forgotten (restart)
    status, text = later.handle(body, h)
    assert status == 401 and "stale timestamp" in text
    assert later.alerts == [] and later.rejected == 1

    # Moving the timestamp forward breaks the signature: t is part of the signed bytes.
    fresh = dict(h)
    fresh["X-Claimwatch-Signature-Timestamped"] = h["X-Claimwatch-Signature-Timestamped"].replace(
        f"t={sent_at}", f"t={sent_at + 300}"
    )
    assert later.handle(body, fresh) == (401, "bad signature")
    # A timestamp from the future is refused too, and the tolerance is the receiver's to set.
    assert example_receiver.Receiver("ochre", clock=lambda: sent_at - 301).handle(body, h)[0] == 401
    lenient = example_receiver.Receiver("ochre", tolerance=3600, clock=lambda: sent_at + 301)
    assert lenient.handle(body, h) == (200, "ok")


async def test_over_http_a_replay_after_the_tolerance_is_refused(example_receiver, alert) -> None:
    now = {"t": float(time.time())}
    r = example_receiver.Receiver("ochre", clock=lambda: now["t"])
    runner = web.AppRunner(r.app("/in"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    body, h = signed(alert, "ochre")
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{port}/in", data=body, headers=h) as resp:
                assert resp.status == 200
            r.seen = example_receiver.SeenIds()  # a receiver restarted: it remembers no ids
            now["t"] += 600  # the attacker resends the captured request ten minutes later
            async with http.post(f"http://127.0.0.1:{port}/in", data=body, headers=h) as resp:
                assert resp.status == 401 and "stale timestamp" in await resp.text()
    finally:
        await runner.cleanup()
    assert len(r.alerts) == 1


def test_check_signature_matches_the_library_signer(example_receiver) -> None:
    from streams.delivery.signing import sign_timestamped, verify_timestamped

    body = '{"note":"ünïcödé bytes"}'.encode()
    header = sign_timestamped(body, "k", 1_700_000_000)
    assert example_receiver.check_signature(body, "k", header, now=1_700_000_100) is None
    assert verify_timestamped(body, "k", header, now=1_700_000_100)
    assert example_receiver.check_signature(body, "k2", header, now=1_700_000_100) == "bad signature"


def test_a_replayed_request_is_not_acted_on_twice(example_receiver, alert) -> None:
    r = example_receiver.Receiver("ochre")
    body, h = signed(alert, "ochre")
    r.handle(body, h)
    assert r.handle(body, h) == (200, "duplicate")  # captured and resent verbatim
    assert len(r.alerts) == 1


def test_seen_ids_are_bounded_and_forget_the_oldest(example_receiver) -> None:
    seen = example_receiver.SeenIds(capacity=3)
    assert all(seen.add(x) for x in "abc")
    assert not seen.add("a")  # refreshes a
    assert seen.add("d")  # evicts b, the least recently seen
    assert "b" not in seen and "a" in seen and len(seen) == 3


def test_verify_matches_the_library_signer(example_receiver) -> None:
    from streams.delivery.signing import sign

    body = '{"note":"ünïcödé bytes"}'.encode()
    assert example_receiver.verify(body, "k", sign(body, "k"))
    assert not example_receiver.verify(body, "", sign(body, ""))


async def test_over_http_every_format_verifies(example_receiver, endpoint, sink, alert) -> None:
    r = example_receiver.Receiver("shared")
    runner = web.AppRunner(r.app("/in"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        eps = [
            endpoint(f"as-{fmt}", f"http://127.0.0.1:{port}/in", format=fmt, secret="shared")
            for fmt in ("native", "alertmanager", "slack")
        ]
        eps.append(endpoint("wrong-secret", f"http://127.0.0.1:{port}/in", secret="nope"))
        async with Dispatcher(eps, on_deadletter=sink.deadletter) as d:
            report = await d.deliver(alert)
    finally:
        await runner.cleanup()
    # the three bodies share one alert id: the first accepted, the others deduplicated
    assert r.rejected == 1 and len(r.alerts) == 1 and r.duplicates == 2
    assert report.outcomes["wrong-secret"] == "deadlettered"  # 401 is permanent
    assert [f.last_status for f in sink.dead] == [401]
