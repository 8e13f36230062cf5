"""Alerts by kind (an ``update`` pages no one unless an endpoint opts in), the
Slack fallback text escaped, and Alertmanager's ``externalURL`` being
claimwatch's own address rather than the article."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from streams.contradiction import KINDS, UPDATE
from streams.delivery import Dispatcher, formats
from streams.delivery.endpoints import UNPAGED_KINDS, load_endpoints, parse_entries


def test_update_is_unpaged_by_default_and_endpoints_opt_in(endpoint: Any) -> None:
    assert {UPDATE} == UNPAGED_KINDS and set(KINDS) >= UNPAGED_KINDS
    default = endpoint("pager", "http://127.0.0.1:9/")
    assert not default.wants("update")
    assert all(default.wants(k) for k in KINDS if k != UPDATE)
    [opted] = parse_entries([{"name": "newsdesk", "url": "http://127.0.0.1:9/",
                              "kinds": ["update", "dispute"]}])
    assert opted.wants("update") and opted.wants("dispute") and not opted.wants("retraction")


async def test_an_update_reaches_only_the_endpoints_that_ask(hooks: Any, sink: Any, alert: Any,
                                                            endpoint: Any) -> None:
    pager, desk = await hooks(), await hooks()
    eps = [endpoint("pager", pager.url), endpoint("desk", desk.url, kinds=["update"])]
    update = alert.model_copy(update={"kind": "update", "alert_id": "u" * 32})
    async with Dispatcher(eps, on_deadletter=sink.deadletter) as d:
        report = await (await d.submit(update))
        await d.deliver(alert)
    assert report.outcomes == {"desk": "delivered"}
    assert [orjson.loads(r[1])["alert_id"] for r in pager.requests] == [alert.alert_id]
    assert len(desk.requests) == 1


def test_slack_fallback_text_is_escaped(make_alert: Any) -> None:
    alert = make_alert(0)
    alert = alert.model_copy(update={"reason": "<!channel> says 40 & more > 30"})
    body = orjson.loads(formats.render(alert, "slack"))
    assert "<!channel>" not in body["text"]
    assert body["text"].endswith("&lt;!channel&gt; says 40 &amp; more &gt; 30")


def test_alertmanager_external_url_is_claimwatch_not_the_article(make_alert: Any) -> None:
    alert = make_alert(0)
    assert alert.observation.url
    body = orjson.loads(formats.render(alert, "alertmanager"))
    assert body["externalURL"] == ""
    assert body["alerts"][0]["generatorURL"] == alert.observation.url
    body = orjson.loads(formats.render(alert, "alertmanager",
                                       external_url="https://claimwatch.example.org/dashboard"))
    assert body["externalURL"] == "https://claimwatch.example.org/dashboard"
    [am] = body["alerts"]
    assert am["generatorURL"].startswith("https://claimwatch.example.org/dashboard/api/claims/")
    assert am["annotations"]["article_url"] == alert.observation.url


def test_alertmanager_firing_then_resolved_pair_by_labels(make_alert: Any) -> None:
    alert = make_alert(0)
    starts = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    firing = orjson.loads(formats.render(alert, "alertmanager", starts_at=starts, resolve_after=3600))
    later = datetime(2027, 1, 15, 8, 20, tzinfo=UTC)
    resolved = orjson.loads(formats.render(alert, "alertmanager", starts_at=starts, resolved_at=later))
    [f], [r] = firing["alerts"], resolved["alerts"]
    assert (firing["status"], f["status"]) == ("firing", "firing")
    assert f["endsAt"] == "2027-01-15T09:00:00Z"  # expires an hour on unless resolved
    assert (resolved["status"], r["status"]) == ("resolved", "resolved")
    assert r["endsAt"] == "2027-01-15T08:20:00Z" and r["startsAt"] == f["startsAt"]
    assert r["labels"] == f["labels"] and r["fingerprint"] == f["fingerprint"]
    assert resolved["groupKey"] == firing["groupKey"]


def test_external_url_from_the_environment_for_endpoints_without_one() -> None:
    env = {"CLAIMWATCH_WEBHOOK_URLS": "http://127.0.0.1:9/hook",
           "CLAIMWATCH_EXTERNAL_URL": "https://claimwatch.example.org"}
    [ep] = load_endpoints(env)
    assert ep.external_url == "https://claimwatch.example.org"
