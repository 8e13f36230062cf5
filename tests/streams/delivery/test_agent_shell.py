"""The Faust shell's pure helpers: late acks after a rebalance, settings → endpoints."""

from __future__ import annotations

from types import SimpleNamespace

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
