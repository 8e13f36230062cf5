"""A version is published only for a material change: the estimate, the
supporting statements, or the presence probability beyond an epsilon."""

from __future__ import annotations

from typing import Any

from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.consensus.engine import _material
from streams.domain.state import Snapshot, Sup


def _snap(est: Any = (10.0, 10.0, 10.0), p: float | None = None,
          sups: tuple[Sup, ...] = ()) -> Snapshot:
    return Snapshot(1, est, p, sups, 0, "e1")


def test_weights_alone_moving_is_not_material() -> None:
    a = Sup("Harbour office", (None, 10.0, None, "exact"), "asserts", 0.5, "e1")
    b = Sup("Fishermen's union", (None, 10.0, None, "exact"), "asserts", 0.5, "e2")
    before = _snap(sups=(a, b))
    moved = (a._replace(weight=0.7), b._replace(weight=0.3))
    assert not _material(before, (10.0, 10.0, 10.0), False, None, moved, 0.01)
    assert _material(before, (10.0, 11.0, 12.0), False, None, moved, 0.01)
    assert _material(before, (10.0, 10.0, 10.0), False, None, (a,), 0.01)
    assert _material(before, (10.0, 10.0, 10.0), False, None,
                     (a, b._replace(event_id="e3")), 0.01)


def test_presence_moves_within_epsilon_are_not_material() -> None:
    before = _snap(est=None, p=0.80)
    assert not _material(before, None, False, 0.805, (), 0.01)
    assert _material(before, None, False, 0.83, (), 0.01)
    assert _material(before, None, False, None, (), 0.01)


def test_settling_after_a_reliability_move_republishes_nothing_identical(make: Any) -> None:
    """A lakeside story: two offices agree on 12 missing; a third source's track
    record elsewhere moves every weight, but not the estimate: no new version."""
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    state = None
    for ev in (make("a1", "Harbour office", 12, day=0), make("a2", "Fishermen's union", 12, day=0)):
        step = engine.apply(state, ev)
        for k, v in step.reliability:
            engine.reliability.ingest(k, v)
        state = step.state
    assert state is not None and state.version == 2
    # elsewhere, the union is shown wrong on two other claims: its weight moves
    for i, key in enumerate(("boat-crew:missing@lake-kivu", "divers:count@lake-kivu")):
        other = None
        for src, val in (("Harbour office", 5), ("Coast guard", 5), ("Fishermen's union", 50)):
            step = engine.apply(other, make(f"o{i}{src}", src, val, key=key))
            for k, v in step.reliability:
                engine.reliability.ingest(k, v)
            other = step.state
    assert engine.recompute(state) is None
    assert state.version == 2
