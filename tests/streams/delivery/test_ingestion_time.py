"""Delivery latency and Alertmanager's ``startsAt`` come from when the alert entered Kafka,
never from ``detected_at`` (event time: the statement's date, years ago for an archive)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from streams import metrics
from streams.delivery import Dispatcher, PendingDelivery
from streams.delivery.formats import render

LONG_AGO = datetime(2019, 5, 1, 12, 0, tzinfo=UTC)
NOW = 1_800_000_000.0  # a fixed clock: 2027-01-15


def _span_sum() -> float:
    value = metrics.REGISTRY.get_sample_value("claimwatch_end_to_end_seconds_sum", {"span": "alert_to_delivery"})
    return value or 0.0


def test_alertmanager_starts_at_is_the_given_time_not_detected_at(make_alert) -> None:
    alert = make_alert(1, detected_at=LONG_AGO)
    at = datetime.fromtimestamp(NOW, tz=UTC)
    [am] = orjson.loads(render(alert, "alertmanager", starts_at=at))["alerts"]
    assert am["startsAt"] == "2027-01-15T08:00:00Z"
    [am] = orjson.loads(render(alert, "alertmanager"))["alerts"]
    assert am["startsAt"][:4] != "2019"


async def test_alert_to_delivery_counts_from_the_record_timestamp(hooks, sink, endpoint, make_alert) -> None:
    hook = await hooks()
    ep = endpoint("am", hook.url, format="alertmanager")
    before = _span_sum()
    async with Dispatcher([ep], on_deadletter=sink.deadletter, clock=lambda: NOW) as d:
        report = await (await d.submit(make_alert(2, detected_at=LONG_AGO), ingested_at=NOW - 0.25))
    assert report.outcomes == {"am": "delivered"}
    assert _span_sum() - before == 0.25  # not the ~8 years since detected_at
    [(_headers, body)] = hook.requests
    assert orjson.loads(body)["alerts"][0]["startsAt"] == "2027-01-15T07:59:59.750000Z"


async def test_a_deferred_delivery_keeps_its_ingestion_time(hooks, sink, endpoint, make_alert) -> None:
    hook = await hooks()
    ep = endpoint("am", hook.url, format="alertmanager")
    pending = PendingDelivery(
        alert=make_alert(3, detected_at=LONG_AGO),
        endpoint="am",
        first_attempt_at=datetime.fromtimestamp(NOW - 5, tz=UTC),
        next_attempt_at=datetime.fromtimestamp(NOW - 1, tz=UTC),
        ingested_at=datetime.fromtimestamp(NOW - 10, tz=UTC),
    )
    before = _span_sum()
    async with Dispatcher([ep], on_deadletter=sink.deadletter, on_defer=sink.defer, clock=lambda: NOW) as d:
        report = await (await d.resume(pending))
    assert report.outcomes == {"am": "delivered"}
    assert _span_sum() - before == 10.0
    [(_headers, body)] = hook.requests
    assert orjson.loads(body)["alerts"][0]["startsAt"] == "2027-01-15T07:59:50Z"
