"""examples/receiver.py: verifies what the dispatcher signs and drops duplicates by alert id."""

from __future__ import annotations

from aiohttp import web

from streams.delivery import Dispatcher
from streams.delivery.formats import render
from streams.delivery.signing import headers as sign_headers


def signed(alert, secret: str, attempt: int = 1) -> tuple[bytes, dict[str, str]]:
    body = render(alert, "native")
    return body, sign_headers(
        body, alert_id=alert.alert_id, secret=secret, timestamp=0, attempt=attempt
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
    assert r.handle(body.replace(b"quantity", b"quality"), h)[0] == 401  # tampered body
    del h["X-Claimwatch-Signature"]
    assert r.handle(body, h)[0] == 401
    assert r.alerts == [] and r.rejected == 3


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
