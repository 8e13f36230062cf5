"""When a contradiction is over (``streams.contradiction.resolution``), on invented
stories run through the engine: real alerts, real later versions."""

from __future__ import annotations

from typing import Any

from schemas.events import ConsensusUpdated, ContradictionDetected
from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.contradiction.resolution import settled
from streams.replay import Replayer


def crowd(make: Any, event_id: str, source: str, best: float, day: float) -> Any:
    """A crowd count (not cumulative: a figure against it is a ``value_conflict``)."""
    return make(event_id, source, best, day=day, key="marchers:count@goma", measure="count",
                 subject="marchers", location="Goma")


def _run(events: list[Any]) -> tuple[list[ContradictionDetected], list[ConsensusUpdated]]:
    out = list(Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook())).feed(events))
    return ([o for o in out if isinstance(o, ContradictionDetected)],
            [o for o in out if isinstance(o, ConsensusUpdated)])


def _first_settling(alert: ContradictionDetected, updates: list[ConsensusUpdated]) -> tuple[int, str] | None:
    for u in updates:
        why = settled(alert, u)
        if why is not None:
            return u.version, why
    return None


def test_a_figure_conflict_settles_when_the_consensus_comes_round(make: Any) -> None:
    """Two offices say 12 missing; a union says 40 (a conflict). Later both offices
    say 40: once the consensus meets the union's figure and the alert is settled."""
    story = [crowd(make, "a1", "Harbour office", 12, 0), crowd(make, "a2", "Coast guard", 12, 0),
             crowd(make, "a3", "Fishermen's union", 40, 0.5)]
    [alert], updates = _run(story)
    assert alert.kind == "value_conflict"
    assert _first_settling(alert, updates) is None  # its own step does not settle it
    _, updates = _run([*story, crowd(make, "a4", "Harbour office", 40, 2),
                         crowd(make, "a5", "Coast guard", 40, 2)])
    found = _first_settling(alert, updates)
    assert found is not None and "agree again" in found[1]
    [at] = [u for u in updates if u.version == found[0]]
    assert at.estimate is not None and at.estimate.best == 40  # settled where the consensus is 40


def test_a_figure_conflict_settles_when_the_source_comes_round(make: Any) -> None:
    story = [crowd(make, "b1", "Harbour office", 12, 0), crowd(make, "b2", "Coast guard", 12, 0),
             crowd(make, "b3", "Fishermen's union", 40, 0.5), crowd(make, "b4", "Fishermen's union", 12, 1)]
    alerts, updates = _run(story)
    found = _first_settling(alerts[0], updates)
    assert found is not None and "agree again" in found[1]


def test_a_conflict_another_source_joins_stands(make: Any) -> None:
    story = [crowd(make, "c1", "Harbour office", 12, 0), crowd(make, "c2", "Coast guard", 12, 0),
             crowd(make, "c3", "Fishermen's union", 40, 0.5), crowd(make, "c4", "Red Cross", 12, 1)]
    alerts, updates = _run(story)
    assert alerts[0].kind == "value_conflict"
    assert _first_settling(alerts[0], updates) is None


def test_a_denial_settles_when_its_source_asserts(make: Any) -> None:
    key, measure = "militia:presence@lake-kivu", "presence"
    story = [make(f"d{i}", src, key=key, measure=measure, day=0)
             for i, src in enumerate(("Harbour office", "Coast guard", "Red Cross"))]
    story.append(make("d9", "Port authority", key=key, measure=measure, stance="denies", day=1))
    [alert], updates = _run(story)
    assert alert.kind == "presence_denied"
    assert _first_settling(alert, updates) is None
    _, updates = _run([*story, make("d10", "Port authority", key=key, measure=measure, day=2)])
    found = _first_settling(alert, updates)
    assert found is not None and "no longer denies" in found[1]
