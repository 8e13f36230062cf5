"""The Faust shell's pure helpers: late acks after a rebalance, settings → endpoints."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import SecretStr

from streams.agents.alerts import acker, endpoints_from_settings


class FakeEvent:
    """Stands in for a faust Event: only what ``acker`` touches."""

    def __init__(self, generation: int) -> None:
        self.message = SimpleNamespace(generation_id=generation)
        self.acks = 0

    def ack(self) -> bool:
        self.acks += 1
        return True


def test_ack_goes_through_within_the_same_generation() -> None:
    app = SimpleNamespace(consumer_generation_id=4)
    event = FakeEvent(4)
    acker(app, event)()  # type: ignore[arg-type]
    assert event.acks == 1


def test_ack_after_a_rebalance_is_dropped() -> None:
    app = SimpleNamespace(consumer_generation_id=4)
    event = FakeEvent(4)
    done = acker(app, event)  # type: ignore[arg-type]
    app.consumer_generation_id = 5  # partitions were reassigned while delivering
    done()
    assert event.acks == 0


def test_endpoints_from_settings_use_its_urls_and_secret() -> None:
    settings = SimpleNamespace(
        webhook_urls="http://127.0.0.1:7001/a,http://127.0.0.1:7002/b",
        webhook_secret=SecretStr("sesame"),
        webhooks_file="",
    )
    eps = endpoints_from_settings(settings)  # type: ignore[arg-type]
    assert [e.url for e in eps] == ["http://127.0.0.1:7001/a", "http://127.0.0.1:7002/b"]
    assert {e.secret_value for e in eps} == {"sesame"}


def _app_with(tmp_path: Path, endpoints: list[dict[str, str]]) -> Any:
    import json

    from streams.app import create_app
    from streams.config import Settings

    path = tmp_path / "webhooks.json"
    path.write_text(json.dumps(endpoints))
    return create_app(Settings(kafka_bootstrap_servers="broker.invalid:9092", data_dir=str(tmp_path / "data"),
                               webhooks_file=str(path), webhook_urls=""))


def test_an_alertmanager_endpoint_adds_the_open_alerts_table_and_the_resolve_agents(tmp_path: Path) -> None:
    from streams.agents.alerts import OPEN_ALERTS_TABLE

    ctx = _app_with(tmp_path, [{"name": "pager", "url": "http://127.0.0.1:9/am", "format": "alertmanager"}])
    assert OPEN_ALERTS_TABLE in ctx.app.tables
    names = {agent.name for agent in ctx.app.agents.values()}
    assert {"claimwatch.track_alerts", "claimwatch.resolve"} <= names
    # keyed like both topics it is fed from (claim_key), with as many partitions
    assert ctx.app.tables[OPEN_ALERTS_TABLE].partitions == ctx.topics.partitions


def test_without_an_alertmanager_endpoint_nothing_tracks_open_alerts(tmp_path: Path) -> None:
    from streams.agents.alerts import OPEN_ALERTS_TABLE

    ctx = _app_with(tmp_path, [{"name": "chat", "url": "http://127.0.0.1:9/s", "format": "slack"}])
    assert OPEN_ALERTS_TABLE not in ctx.app.tables
    assert "claimwatch.resolve" not in {agent.name for agent in ctx.app.agents.values()}
