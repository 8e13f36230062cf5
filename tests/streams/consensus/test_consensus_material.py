"""A version is published only for a material change: the estimate, the
supporting statements, or the presence probability beyond an epsilon."""

from __future__ import annotations

from typing import Any

from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook, aggregate
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


TH = (0.3, 0.5, 0.7)
YES = Sup("Coast guard", None, "asserts", 0.6, "e1")
NO = Sup("Port authority", None, "denies", 0.4, "e2")


def test_presence_moves_within_epsilon_are_not_material() -> None:
    before = _snap(est=None, p=0.80, sups=(YES, NO))
    assert not _material(before, None, False, 0.805, (YES, NO), 0.01, TH)
    assert _material(before, None, False, 0.83, (YES, NO), 0.01, TH)
    assert _material(before, None, False, None, (YES, NO), 0.01, TH)


def test_an_uncontested_probability_drifting_with_trust_is_not_material() -> None:
    """Nobody denies: the probability only says how far the engine trusts the
    asserting sources, as their weights do; it is published when it crosses a
    threshold, however little it moved, and otherwise with the next material change."""
    before = _snap(est=None, p=0.80, sups=(YES,))
    assert not _material(before, None, False, 0.86, (YES._replace(weight=0.9),), 0.01, TH)
    assert not _material(before, None, False, 0.72, (YES,), 0.01, TH)
    assert _material(before, None, False, 0.699, (YES,), 0.01, TH)
    # a figure nobody disputes: the settle tick that moved a toll's probability 0.93 -> 0.96
    toll = Sup("Health Ministry", (None, 4850.0, None, "exact"), "asserts", 1.0, "e3")
    was = _snap(est=(4850.0, 4850.0, 4850.0), p=0.9324, sups=(toll,))
    assert not _material(was, (4850.0, 4850.0, 4850.0), False, 0.9576, (toll,), 0.01, TH)
    # the same drift on a contested claim is the verdict moving
    contested = _snap(est=None, p=0.62, sups=(YES, NO))
    assert _material(contested, None, False, 0.66, (YES, NO), 0.01, TH)
    assert _material(contested, None, False, 0.49, (YES, NO), 0.01, TH)


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


def _learn(engine: ConsensusEngine, make: Any, source: str, agrees: bool) -> None:
    """``source`` on three other claims, with two other offices: agreeing or far off."""
    for i in range(3):
        key = f"storm-damage-{i}:count@lake-kivu"
        state = None
        for src, val in (("Harbour office", 40), ("Coast guard", 40), (source, 40 if agrees else 400)):
            step = engine.apply(state, make(f"{source}-{i}-{src}", src, val, key=key))
            for k, v in step.reliability:
                engine.reliability.ingest(k, v)
            state = step.state


def _apply(engine: ConsensusEngine, make: Any, events: list[Any]) -> Any:
    state = None
    for ev in events:
        step = engine.apply(state, ev)
        for k, v in step.reliability:
            engine.reliability.ingest(k, v)
        state = step.state
    return state


def test_a_settle_moving_only_an_undisputed_tolls_probability_publishes_nothing(make: Any) -> None:
    """One ministry's toll, nobody disputing it; the ministry proves right on three
    other claims, so its probability moves by more than the epsilon, but the toll,
    its interval and its supporter are as published: no version."""
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    toll = _apply(engine, make, [make("t1", "Health Ministry", 4850, measure="deaths")])
    published = toll.last.presence
    _learn(engine, make, "Health Ministry", agrees=True)
    assert engine.recompute(toll) is None
    assert toll.version == 1 and toll.last.presence == published
    book = engine.reliability
    _, _, now, _ = aggregate.consensus(
        toll.observations.values(), book.weigher(), engine.settings,
        engine.settings.presence_prior_weight * book.default_weight())
    assert now is not None and abs(now - published) > engine.settings.presence_epsilon


def test_a_settle_moving_a_disputed_presence_publishes_it(make: Any) -> None:
    """The same move of trust on a claim one source asserts and another denies is the
    verdict moving: a new version."""
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    key = "militia:presence@lake-kivu"
    state = _apply(engine, make, [
        make("p1", "Health Ministry", key=key, measure="presence"),
        make("p2", "Port authority", key=key, measure="presence", stance="denies"),
    ])
    before = state.last.presence
    _learn(engine, make, "Health Ministry", agrees=True)
    update = engine.recompute(state)
    assert update is not None and update.presence is not None
    assert abs(update.presence.probability - before) > engine.settings.presence_epsilon


def test_two_supporters_swapping_places_is_material() -> None:
    # The learned reliability moved the union above the harbour office: the supporting list a
    # reader sees changed order, so the version is published (a tie breaking is not a swap).
    before = Snapshot(
        version=1, estimate=(10.0, 10.0, 10.0), presence=None, at=0, trigger="e1", open_high=False, as_of=None,
        supporters=(
            Sup("Harbour office", (None, 10.0, None, "exact"), "asserts", 0.6, "e1"),
            Sup("Fishermen's union", (None, 10.0, None, "exact"), "asserts", 0.4, "e2"),
        ),
    )
    swapped = (
        Sup("Harbour office", (None, 10.0, None, "exact"), "asserts", 0.45, "e1"),
        Sup("Fishermen's union", (None, 10.0, None, "exact"), "asserts", 0.55, "e2"),
    )
    drifted = (
        Sup("Harbour office", (None, 10.0, None, "exact"), "asserts", 0.65, "e1"),
        Sup("Fishermen's union", (None, 10.0, None, "exact"), "asserts", 0.35, "e2"),
    )
    assert _material(before, (10.0, 10.0, 10.0), False, None, swapped, 0.01)
    assert not _material(before, (10.0, 10.0, 10.0), False, None, drifted, 0.01)
