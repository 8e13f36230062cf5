"""A claim's state is O(its sources), not O(its statements): repeated statements by the
sources already on a claim leave it the same size (``EngineSettings.log_per_source``,
``seen_capacity``), and what the bound gives up is defined: a statement later than the
log reaches is folded in as if it came right after the statements dropped from it."""

from __future__ import annotations

import random
from typing import Any

import orjson

from streams.consensus import ClaimState, ConsensusEngine, EngineSettings, ReliabilityBook
from streams.consensus.engine import DUPLICATE, STALE, SUPERSEDED
from streams.consensus.observed import from_model
from streams.replay import Replayer

SOURCES = ["Police", "Red Cross", "Navy", "Governor"]


def _statements(make: Any, n: int, seed: int = 3) -> list[Any]:
    """``n`` statements by four sources, one a day, in order, the figures moving a little."""
    rng = random.Random(seed)
    return [make(f"e{i}", SOURCES[i % len(SOURCES)], 100 + rng.randint(-3, 3), day=i)
            for i in range(n)]


def _advance(engine: ConsensusEngine, events: list[Any],
             state: ClaimState | None = None) -> ClaimState:
    for ev in events:
        step = engine.apply(state, ev)
        for key, value in step.reliability:
            engine.reliability.ingest(key, value)
        state = step.state
    assert state is not None
    return state


def _size(state: ClaimState) -> tuple[int, int, int, int]:
    return len(state.log), len(state.base), len(state.seen), len(state.observations)


def test_repeated_statements_do_not_grow_a_claims_state(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    events = _statements(make, 1_000)
    state = _advance(engine, events[:100])
    at_100, bytes_100 = _size(state), len(orjson.dumps(state.to_dict()))
    state = _advance(engine, events[100:], state)
    # two statements per source in the log, one per source before it, a bounded seen list
    assert _size(state) == at_100 == (2 * len(SOURCES), len(SOURCES), 32, len(SOURCES))
    # the changelog value: the same size give or take the digits of ids and figures
    assert len(orjson.dumps(state.to_dict())) <= bytes_100 * 1.05


def test_the_unbounded_log_still_grows(make: Any) -> None:
    """The measure above would see growth: with ``log_per_source=0`` every statement stays."""
    engine = ConsensusEngine(EngineSettings(log_per_source=0), ReliabilityBook())
    state = _advance(engine, _statements(make, 300))
    assert len(state.log) == 300


def test_in_order_statements_end_the_same_with_or_without_the_bound(make: Any) -> None:
    events = _statements(make, 200)
    bounded = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    whole = Replayer(ConsensusEngine(EngineSettings(log_per_source=0), ReliabilityBook()))
    bounded.consume(events)
    whole.consume(events)
    key = events[0].claim_key
    assert bounded.states[key].observations == whole.states[key].observations
    assert bounded.states[key].last == whole.states[key].last
    assert [u.model_dump() for u in bounded.final()] == [u.model_dump() for u in whole.final()]


def test_a_late_statement_within_the_log_is_folded_where_it_belongs(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    state = _advance(engine, _statements(make, 40))
    oldest_logged = min(o.t for _, o in state.log)
    # a fifth source's statement dated inside the log's reach: a new source on the claim
    late = make("late", "Harbour master", 101, day=39.5, seen_day=50)
    assert engine._to_obs(from_model(late), 0).t >= oldest_logged
    step = engine.apply(state, late)
    assert step.outcome == "new" and "Harbour master" in step.state.observations


def test_a_statement_older_than_the_log_is_stale_against_its_sources_newer_one(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    state = _advance(engine, _statements(make, 40))
    assert state.cut is not None
    # Police said something on day 3, arriving now: older than its statement before the log
    step = engine.apply(state, make("old-police", "Police", 500, day=3, seen_day=50))
    assert step.outcome == STALE
    assert step.state.observations == state.observations and step.update is None
    assert step.alert is None


def test_a_new_source_older_than_the_log_is_folded_in_right_after_the_dropped_statements(
    make: Any,
) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    state = _advance(engine, _statements(make, 40))
    step = engine.apply(state, make("old-coast", "Coast guard", 99, day=3, seen_day=50))
    assert "Coast guard" in step.state.observations
    assert step.state.base["Coast guard"].event_id == "old-coast"
    assert step.reliability and step.reliability[0][0].startswith("Coast guard\x1f")
    # the log's statements are replayed on top: each other source keeps its newest
    assert {s: o.event_id for s, o in step.state.observations.items() if s != "Coast guard"} == {
        s: o.event_id for s, o in state.observations.items()}


def test_redelivered_statements_change_nothing_once_out_of_the_log(make: Any) -> None:
    """Idempotency without remembering every id: a redelivered statement that left the
    log and the seen list is recognised or older than its source's newer one."""
    engine = ConsensusEngine(EngineSettings(seen_capacity=4), ReliabilityBook())
    events = _statements(make, 60)
    state = _advance(engine, events)
    before = state.to_dict()
    for ev in events:
        step = engine.apply(state, ev)
        assert step.outcome in (DUPLICATE, STALE), (ev.event_id, step.outcome)
        assert step.update is None and step.alert is None and not step.reliability
        assert step.state.observations == state.observations and step.state.last == state.last
    assert state.to_dict() == before


def test_a_compacted_state_survives_the_changelog(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    events = _statements(make, 50)
    state = _advance(engine, events[:40])
    assert state.cut is not None and state.base
    restored = ClaimState.from_dict(orjson.loads(orjson.dumps(state.to_dict())))
    assert restored.to_dict() == state.to_dict()
    assert (restored.base, restored.cut, restored.horizon) == (state.base, state.cut, state.horizon)
    # and goes on exactly as the state in memory does (apply leaves its input alone)
    a = _advance(engine, events[40:], state)
    b = _advance(engine, events[40:], restored)
    assert a.to_dict() == b.to_dict()


def test_the_supersede_of_a_known_source_stays_exact(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    state = _advance(engine, _statements(make, 40))
    step = engine.apply(state, make("new-police", "Police", 120, day=41))
    assert step.outcome == SUPERSEDED
    assert len(step.state.log) == 2 * len(SOURCES)

