"""The HTTP API: status codes, JSON bodies and messages for bad parameters."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer

from streams.metrics import REGISTRY, TRACKED_CLAIMS
from streams.readmodel import ReadModel
from streams.web.api import Readiness, WebState, make_app

KEY = "bridge-collapse:injured@lisbon"
Client = TestClient[Any, Any]


async def test_lists_and_filters_claims(client: Client) -> None:
    resp = await client.get("/api/claims")
    assert resp.status == 200
    body = await resp.json()
    assert body["total"] == 2
    assert {c["claim_key"] for c in body["items"]} == {KEY, "a/b:count"}

    resp = await client.get("/api/claims", params={"q": "tabloid", "location": "LISBON"})
    body = await resp.json()
    assert [c["claim_key"] for c in body["items"]] == [KEY]
    assert body["items"][0]["estimate"] == {"low": 18, "best": 21, "high": 200}

    resp = await client.get("/api/claims", params={"subject": "nothing like this"})
    assert (await resp.json())["total"] == 0

    resp = await client.get("/api/claims", params={"limit": "1", "offset": "1"})
    body = await resp.json()
    assert (body["total"], body["limit"], body["offset"], len(body["items"])) == (2, 1, 1, 1)


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"limit": "ten"}, "limit must be an integer"),
        ({"limit": "0"}, "limit must be between 1 and 500"),
        ({"limit": "501"}, "limit must be between"),
        ({"offset": "-3"}, "offset must be between"),
        ({"q": "x" * 201}, "q must be at most 200 characters"),
    ],
)
async def test_bad_list_parameters_are_400_with_a_message(
    client: Client, query: dict[str, str], needle: str
) -> None:
    resp = await client.get("/api/claims", params=query)
    assert resp.status == 400
    body = await resp.json()
    assert needle in body["error"]
    assert body["status"] == 400


async def test_one_claim_with_consensus_and_supporters(client: Client) -> None:
    resp = await client.get(f"/api/claims/{quote(KEY, safe='')}")
    assert resp.status == 200
    body = await resp.json()
    assert body["consensus"]["version"] == 2
    assert [(s["source"], s["weight"]) for s in body["supporting"]] == [
        ("Fire brigade", 0.8), ("A tabloid", 0.2)]
    assert body["recent_alerts"][0]["alert_id"] == "alert-w2"


async def test_claim_keys_with_a_slash_are_reachable(client: Client) -> None:
    for path in ("/api/claims/a/b:count", "/api/claims/a%2Fb:count"):
        resp = await client.get(path)
        assert resp.status == 200, path
        assert (await resp.json())["claim_key"] == "a/b:count"
    resp = await client.get("/api/claims/a/b:count/history")
    assert resp.status == 200
    assert [o["event_id"] for o in (await resp.json())["observations"]] == ["x1"]


async def test_unknown_claim_is_404_everywhere(client: Client) -> None:
    for suffix in ("", "/history", "/as-of?t=2025-03-14T08:00:00Z"):
        resp = await client.get(f"/api/claims/nothing:here{suffix}")
        assert resp.status == 404, suffix
        assert "unknown claim_key 'nothing:here'" in (await resp.json())["error"]


async def test_history(client: Client) -> None:
    resp = await client.get(f"/api/claims/{KEY}/history")
    body = await resp.json()
    assert [o["source"] for o in body["observations"]] == ["Fire brigade", "A tabloid"]
    assert [v["version"] for v in body["consensus"]] == [1, 2]
    assert body["alerts"][0]["severity"] == "high"


@pytest.mark.parametrize(
    ("t", "version"),
    [
        ("2025-03-14T08:01:00Z", 1),
        ("2025-03-14T08:01:00+00:00", 1),
        ("2025-03-14T09:01:00+01:00", 1),  # the same instant in another zone
        ("2025-03-14T08:01:00", 1),  # no zone: UTC
        ("2025-03-14T08:10:00Z", 2),
        ("2025-03-14T07:00:00Z", None),
    ],
)
async def test_as_of(client: Client, t: str, version: int | None) -> None:
    resp = await client.get(f"/api/claims/{KEY}/as-of", params={"t": t})
    assert resp.status == 200
    body = await resp.json()
    assert (body["consensus"]["version"] if body["consensus"] else None) == version


@pytest.mark.parametrize(("query", "needle"), [("", "t is required"), ("?t=yesterday", "ISO 8601")])
async def test_as_of_needs_a_valid_time(client: Client, query: str, needle: str) -> None:
    resp = await client.get(f"/api/claims/{KEY}/as-of{query}")
    assert resp.status == 400
    assert needle in (await resp.json())["error"]


async def test_alerts(client: Client) -> None:
    resp = await client.get("/api/alerts", params={"limit": "5"})
    items = (await resp.json())["items"]
    assert [a["alert_id"] for a in items] == ["alert-w2"]
    assert items[0]["source"] == "A tabloid"
    assert (await client.get("/api/alerts", params={"limit": "-1"})).status == 400


async def test_health_and_metrics(client: Client) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200 and (await resp.json())["status"] == "ok"
    resp = await client.get("/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await resp.text()
    assert "# TYPE claimwatch_articles_consumed_total counter" in text
    assert "claimwatch_tracked_claims" in text


async def test_metrics_refreshes_gauges_before_exposing_them() -> None:
    model = ReadModel()
    state = WebState(model=model, registry=REGISTRY,
                     refresh_metrics=lambda: TRACKED_CLAIMS.set(1234))
    async with TestClient(TestServer(make_app(state))) as c:
        text = await (await c.get("/metrics")).text()
    assert "claimwatch_tracked_claims 1234.0" in text


async def test_readyz_is_503_until_every_check_passes() -> None:
    flags = {"joined": False, "recovered": False}
    readiness = Readiness()
    readiness.add_check("joined", lambda: flags["joined"])
    readiness.add_check("recovered", lambda: flags["recovered"])
    readiness.add_check("broken", lambda: flags["joined"] or 1 / 0 > 0)
    readiness.add_info("claims", lambda: 7)
    async with TestClient(TestServer(make_app(WebState(ReadModel(), readiness)))) as c:
        resp = await c.get("/readyz")
        assert resp.status == 503
        body = await resp.json()
        assert body["checks"] == {"joined": False, "recovered": False, "broken": False}
        assert body["claims"] == 7
        flags["joined"] = True
        assert (await c.get("/readyz")).status == 503
        flags["recovered"] = True
        resp = await c.get("/readyz")
        assert resp.status == 200
        assert (await resp.json())["ready"] is True


async def test_readyz_without_checks_is_not_ready() -> None:
    async with TestClient(TestServer(make_app(WebState(ReadModel())))) as c:
        assert (await c.get("/readyz")).status == 503


async def test_dashboard_is_served_with_its_assets(client: Client) -> None:
    resp = await client.get("/dashboard")
    assert resp.status == 200
    html = await resp.text()
    assert "/dashboard/static/dashboard.js" in html
    for asset in ("dashboard.js", "dashboard.css"):
        assert (await client.get(f"/dashboard/static/{asset}")).status == 200
    assert (await client.get("/dashboard/static/../api.py")).status in (403, 404)
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/dashboard"
