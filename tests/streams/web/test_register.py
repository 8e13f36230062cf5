"""``streams.web.register`` on a real Faust app (no broker needed) and the lag arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import faust
from aiohttp.test_utils import TestClient, TestServer
from faust.types import TP

from streams import topics as topic_names
from streams.web import bootstrap_servers, consumer_lag, register


def _app() -> faust.App:
    return faust.App("web-register-test", broker="kafka://broker.example:9093",
                     autodiscover=False, web_port=1)


async def test_register_mounts_the_routes_and_hides_fausts_own() -> None:
    app = _app()
    state = register(app, topic_names.declare(app, partitions=2))
    assert state.feeder is not None
    assert state.feeder.bootstrap_servers == "broker.example:9093"
    assert state.feeder.topics.names() == [
        "claims.observed", "consensus.updated", "alerts.contradictions"]
    app.web.init_server()  # applies Faust's blueprints (its index view at /) after ours
    web_app: Any = app.web.web_app  # type: ignore[attr-defined]
    async with TestClient(TestServer(web_app)) as client:
        resp = await client.get("/", allow_redirects=False)
        assert resp.status == 302 and resp.headers["Location"] == "/dashboard"
        resp = await client.get("/readyz")
        assert resp.status == 503  # the app never started
        body = await resp.json()
        assert body["checks"]["started"] is False
        assert body["readmodel"]["claims"] == 0
        assert (await client.get("/healthz")).status == 200
        assert (await client.get("/api/claims")).status == 200
        assert (await client.get("/api/claims?limit=x")).status == 400
        # This bare app has Faust's own views switched on; only the documented routes answer.
        for path in ("/table/", "/table/consensus/some-key/", "/router/", "/router/nonexistent/"):
            assert (await client.get(path)).status == 404, path
        metrics = await (await client.get("/metrics")).text()
        assert "claimwatch_readmodel_claims 0.0" in metrics


def test_bootstrap_servers_from_faust_urls() -> None:
    assert bootstrap_servers(_app()) == "broker.example:9093"


@dataclass
class FakeConsumer:
    """What consumer_lag reads from Faust's consumer: assignment, high-water marks, offsets."""

    highwaters: dict[TP, int | None]
    _committed_offset: dict[TP, int] = field(default_factory=dict)
    _read_offset: dict[TP, int] = field(default_factory=dict)

    def assignment(self) -> set[TP]:
        return set(self.highwaters)

    def highwater(self, tp: TP) -> int | None:
        return self.highwaters[tp]


@dataclass
class FakeApp:
    consumer: FakeConsumer


def test_consumer_lag_sums_partitions_per_input_topic() -> None:
    a0, a1, c0, log0 = TP("articles", 0), TP("articles", 1), TP("claims", 0), TP("x-changelog", 0)
    consumer = FakeConsumer(
        highwaters={a0: 10, a1: 7, c0: 5, log0: 100},
        _committed_offset={a0: 4},  # next offset to read: 6 left
        _read_offset={a1: 2},  # last read 2, nothing committed yet: 4 left (3..6)
    )
    lag = consumer_lag(FakeApp(consumer), {"articles", "claims"})  # type: ignore[arg-type]
    assert lag == {"articles": 6 + 4, "claims": 5}  # c0: nothing read or committed


def test_consumer_lag_skips_partitions_without_a_high_water_mark() -> None:
    consumer = FakeConsumer(highwaters={TP("articles", 0): None}, _committed_offset={})
    assert consumer_lag(FakeApp(consumer), {"articles"}) == {"articles": 0}  # type: ignore[arg-type]
