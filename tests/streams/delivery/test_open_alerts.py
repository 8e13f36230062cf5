"""The open-alert table's pure core (``streams.delivery.open_alerts``) on an invented story
run through the engine: a crowd count the union puts far higher, later agreed with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from schemas.events import ConsensusUpdated, ContradictionDetected
from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.delivery import Endpoint
from streams.delivery.open_alerts import RecentUpdates, alerts_of, settle, targets, track, without
from streams.replay import Replayer

T = 1_770_000_000.0  # when the alert was written to Kafka (Unix seconds)
DAY = 86400.0


def crowd(make: Any, event_id: str, source: str, best: float, day: float) -> Any:
    return make(event_id, source, best, day=day, key="marchers:count@goma", measure="count",
                subject="marchers", location="Goma")


def _run(events: list[Any]) -> tuple[list[ContradictionDetected], list[ConsensusUpdated]]:
    out = list(Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook())).feed(events))
    return ([o for o in out if isinstance(o, ContradictionDetected)],
            [o for o in out if isinstance(o, ConsensusUpdated)])


def story(make: Any) -> tuple[ContradictionDetected, list[ConsensusUpdated], list[ConsensusUpdated]]:
    """The alert, the updates up to it (none settles it) and those after (one settles it)."""
    start = [crowd(make, "a1", "Harbour office", 12, 0), crowd(make, "a2", "Coast guard", 12, 0),
             crowd(make, "a3", "Fishermen's union", 40, 0.5)]
    [alert], before = _run(start)
    _, updates = _run([*start, crowd(make, "a4", "Harbour office", 40, 2), crowd(make, "a5", "Coast guard", 40, 2)])
    return alert, before, updates[len(before):]


def am(name: str, **kw: Any) -> Endpoint:
    return Endpoint(name=name, url=f"http://127.0.0.1:9/{name}", format="alertmanager", **kw)


def test_targets_are_the_alertmanager_endpoints_that_take_the_kind(make: Any) -> None:
    alert, _, _ = story(make)
    eps = [am("pager", resolve_after_seconds=3600), am("ops"), am("only-updates", kinds=frozenset({"update"})),
           Endpoint(name="chat", url="http://127.0.0.1:9/chat", format="slack"),
           Endpoint(name="raw", url="http://127.0.0.1:9/raw")]
    assert targets(alert, eps) == (("pager", "ops"), DAY)
    assert targets(alert, eps[2:]) == ((), 0.0)


def test_an_alert_is_resolved_once_by_the_update_that_settles_it(make: Any) -> None:
    alert, before, after = story(make)
    stored = track(None, alert, fired_at=T, endpoints=["pager"], resolve_after=DAY)
    assert [a.alert.alert_id for a in alerts_of(stored)] == [alert.alert_id]
    orjson.dumps(stored)  # a Table value: plain JSON
    for u in before:  # its own step, and what came before it, settle nothing
        assert settle(stored, u, T) == []
    first = next(i for i, u in enumerate(after) if settle(stored, u, T + 60))
    last = after[first]
    assert last.estimate is not None and last.estimate.best > 12  # the consensus moved towards 40
    [res] = settle(stored, last, T + 60)
    assert res.alert == alert and res.endpoints == ("pager",) and res.fired_at == T
    assert res.resolved_at == datetime.fromtimestamp(T + 60, tz=UTC)
    assert "agree again" in res.reason
    stored = without(stored, [res.alert.alert_id], T + 60)
    assert stored is None  # nothing left: the claim's key is deleted
    assert settle(stored, last, T + 60) == []  # the update read again resolves nothing


def test_tracking_is_idempotent_and_bounded(make: Any) -> None:
    alert, _, _ = story(make)
    stored = track(None, alert, fired_at=T, endpoints=["pager"], resolve_after=DAY)
    assert track(stored, alert, fired_at=T + 5, endpoints=["pager"], resolve_after=DAY) is stored  # redelivered
    assert track(None, alert, fired_at=T, endpoints=[], resolve_after=DAY) is None  # no alertmanager endpoint
    for i in range(10):
        other = alert.model_copy(update={"alert_id": f"later-{i}"})
        stored = track(stored, other, fired_at=T + 1 + i, endpoints=["pager"], resolve_after=DAY, per_claim=3)
    assert [a.alert.alert_id for a in alerts_of(stored)] == ["later-7", "later-8", "later-9"]


def test_an_expired_alert_is_not_resolved_and_is_dropped(make: Any) -> None:
    alert, _, after = story(make)
    stored = track(None, alert, fired_at=T, endpoints=["pager"], resolve_after=3600)
    assert settle(stored, after[-1], T + 3600) == []  # it ended at its endsAt already
    assert without(stored, [], T + 3599) is stored
    assert without(stored, [], T + 3600) is None


def test_resolved_at_is_never_before_the_alert_fired(make: Any) -> None:
    alert, _, after = story(make)
    stored = track(None, alert, fired_at=T, endpoints=["pager"], resolve_after=DAY)
    [res] = settle(stored, after[-1], T - 30)  # the update was written before the alert was read
    assert res.resolved_at == datetime.fromtimestamp(T, tz=UTC)


def test_recent_updates_keep_the_last_record_of_the_newest_claims() -> None:
    recent = RecentUpdates(capacity=2)
    recent.remember("a", b"v1", T)
    recent.remember("a", b"v2", T + 1)
    assert recent.get("a") == (b"v2", T + 1)
    recent.remember("b", b"x", T)
    recent.remember("c", b"y", T)
    assert len(recent) == 2 and recent.get("a") is None and recent.get("c") == (b"y", T)
