"""Resolutions through the dispatcher: Alertmanager ``resolved`` on real HTTP receivers,
with their own idempotency key, kept as resolutions across a deferral."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from aiohttp import web

from streams.delivery import Dispatcher, PendingDelivery
from streams.delivery.formats import alertmanager, fingerprint, labels, render

Hook = Any

FIRED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SETTLED = FIRED + timedelta(hours=3)


async def test_resolution_goes_to_the_alertmanager_endpoints_only_with_its_own_key(
    hooks, sink, alert, endpoint, example_receiver
) -> None:
    am, native, slack = await hooks(), await hooks(), await hooks()
    eps = [
        endpoint("am", am.url, format="alertmanager", secret="s"),
        endpoint("native", native.url, secret="s"),
        endpoint("slack", slack.url, format="slack"),
    ]
    receiver = example_receiver.Receiver("s")
    async with Dispatcher(eps, on_deadletter=sink.deadletter) as d:
        await d.deliver(alert)
        report = await (await d.submit_resolution(alert, SETTLED, endpoints=["am", "native", "slack", "gone"],
                                                  fired_at=FIRED.timestamp()))
    assert report.alert_id == f"{alert.alert_id}:resolved"
    assert report.outcomes == {"am": "delivered"}
    assert len(native.requests) == 1 and len(slack.requests) == 1  # the alert, no resolution
    [(fh, fbody), (rh, rbody)] = am.requests
    firing, resolved = orjson.loads(fbody), orjson.loads(rbody)
    assert firing["status"] == "firing" and resolved["status"] == "resolved"
    assert resolved["alerts"][0]["status"] == "resolved"
    assert resolved["alerts"][0]["fingerprint"] == firing["alerts"][0]["fingerprint"] == fingerprint(labels(alert))
    assert resolved["alerts"][0]["labels"] == firing["alerts"][0]["labels"]
    assert resolved["alerts"][0]["startsAt"] == "2026-03-01T09:00:00Z"
    assert resolved["alerts"][0]["endsAt"] == "2026-03-01T12:00:00Z"
    assert fh["Idempotency-Key"] == alert.alert_id
    assert rh["Idempotency-Key"] == f"{alert.alert_id}:resolved"
    assert rh["X-Claimwatch-Alert-Id"] == alert.alert_id
    # a deduplicating receiver acts on both: the resolution is not a repeat of the alert
    for h, body in am.requests:
        assert receiver.handle(body, h)[0] == 200
    assert receiver.duplicates == 0 and len(receiver.alerts) == 2
    # and a second copy of the resolution is a duplicate
    assert receiver.handle(rbody, rh) == (200, "duplicate")
    assert sink.dead == []


async def test_a_deferred_resolution_is_resumed_as_a_resolution(hooks, sink, alert, endpoint) -> None:
    async def retry_later(hook: Hook, request: web.Request) -> web.StreamResponse:
        return web.Response(status=503, headers={"Retry-After": "1"})

    hook = await hooks(retry_later)
    ep = endpoint("am", hook.url, format="alertmanager")
    async with Dispatcher([ep], on_deadletter=sink.deadletter, on_defer=sink.defer, hold_seconds=0.05) as d:
        report = await (await d.submit_resolution(alert, SETTLED, endpoints=["am"], fired_at=FIRED.timestamp()))
    assert report.outcomes == {"am": "deferred"}
    [pending] = sink.deferred
    assert pending.resolved_at == SETTLED and pending.delivery_id == f"{alert.alert_id}:resolved"
    assert pending.ingested_at == FIRED
    # through the topic and back (as alerts.retry carries it)
    pending = PendingDelivery.model_validate_json(pending.model_dump_json())
    pending = pending.model_copy(update={"next_attempt_at": pending.first_attempt_at})
    hook.behaviour = None
    async with Dispatcher([ep], on_deadletter=sink.deadletter, on_defer=sink.defer, hold_seconds=5) as d2:
        report = await (await d2.resume(pending))
    assert report.outcomes == {"am": "delivered"}
    headers, body = hook.requests[-1]
    assert headers["Idempotency-Key"] == f"{alert.alert_id}:resolved"
    assert headers["X-Claimwatch-Attempt"] == "2"
    payload = orjson.loads(body)
    assert payload["status"] == "resolved" and payload["alerts"][0]["endsAt"] == "2026-03-01T12:00:00Z"
    assert body == render(alert, "alertmanager", receiver="am", starts_at=FIRED, resolved_at=SETTLED)


async def test_a_pending_alert_without_resolved_at_is_still_the_alert(hooks, sink, alert, endpoint) -> None:
    """Retry records written before resolutions existed (no field) resume as the firing alert."""
    hook = await hooks()
    now = datetime.now(UTC)
    raw = PendingDelivery(alert=alert, endpoint="am", first_attempt_at=now, next_attempt_at=now).model_dump(mode="json")
    raw.pop("resolved_at")
    pending = PendingDelivery.model_validate(raw)
    async with Dispatcher([endpoint("am", hook.url, format="alertmanager")], on_deadletter=sink.deadletter) as d:
        await (await d.resume(pending))
    [(headers, body)] = hook.requests
    assert headers["Idempotency-Key"] == alert.alert_id
    assert orjson.loads(body)["status"] == "firing"


async def test_an_undeliverable_resolution_is_dead_lettered_as_one(hooks, sink, alert, endpoint) -> None:
    async def refuse(hook: Hook, request: web.Request) -> web.StreamResponse:
        return web.Response(status=400, text="no")

    hook = await hooks(refuse)
    async with Dispatcher([endpoint("am", hook.url, format="alertmanager")], on_deadletter=sink.deadletter) as d:
        await (await d.submit_resolution(alert, SETTLED, endpoints=["am"]))
    [failed] = sink.dead
    assert failed.resolved_at == SETTLED
    record = failed.as_deadletter()
    assert record["resolved_at"] == SETTLED.isoformat() and record["alert_id"] == alert.alert_id


async def test_a_resolution_for_an_endpoint_no_longer_alertmanager_dead_letters(sink, alert, endpoint) -> None:
    pending = PendingDelivery(alert=alert, endpoint="hook", first_attempt_at=FIRED, next_attempt_at=FIRED,
                              resolved_at=SETTLED)
    async with Dispatcher([endpoint("hook", "http://127.0.0.1:9/x")], on_deadletter=sink.deadletter) as d:
        report = await (await d.resume(pending))
    assert report.outcomes == {"hook": "deadlettered"}
    assert sink.dead[0].reason == "unknown_endpoint" and "alertmanager" in sink.dead[0].last_error


@pytest.mark.parametrize("fmt", ["native", "slack"])
def test_other_formats_refuse_to_render_a_resolution(alert, fmt: str) -> None:
    with pytest.raises(ValueError, match="no resolution"):
        render(alert, fmt, resolved_at=SETTLED)


def test_the_resolved_body_pairs_with_the_firing_one(alert) -> None:
    firing = alertmanager(alert, starts_at=FIRED)
    resolved = alertmanager(alert, starts_at=FIRED, resolved_at=SETTLED)
    assert firing["groupKey"] == resolved["groupKey"]
    assert firing["alerts"][0]["fingerprint"] == resolved["alerts"][0]["fingerprint"]
    assert resolved["alerts"][0]["endsAt"] == "2026-03-01T12:00:00Z"
