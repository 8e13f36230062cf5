"""Event sourcing guarantees: same events → same state; interrupted and resumed
replay → same state; four partitions on two workers → same final consensus."""

from __future__ import annotations

import random
import zlib
from typing import Any

import orjson

from schemas.codec import dumps
from schemas.events import ClaimObserved, ConsensusUpdated
from streams.consensus import ClaimState, ConsensusEngine, EngineSettings, ReliabilityBook
from streams.replay import Replayer

HEDGES = ["exact", "exact", "approximately", "at_least", "range"]


def world(make: Any, seed: int = 5, n_claims: int = 40) -> list[ClaimObserved]:
    """A messy stream: careful and sloppy sources, vandals, hedges, denials,
    supersedes, late arrivals and redeliveries, several claims interleaved."""
    rng = random.Random(seed)
    careful = [f"agency {i}" for i in range(4)]
    sloppy = [f"blog {i}" for i in range(6)]
    events: list[ClaimObserved] = []
    for c in range(n_claims):
        key = f"topic-{c}:count@somewhere"
        truth = rng.choice([120.0, 2400.0, 56000.0, 9.0]) * (1 + c)
        speakers = rng.sample(careful, 2) + rng.sample(sloppy, rng.randint(0, 3))
        if rng.random() < 0.4:
            speakers.append(f"anonymous {c}")
        for j, who in enumerate(speakers):
            day = rng.uniform(0, 20)
            eid = f"c{c}-{j}"
            if who.startswith("agency"):
                value = truth * rng.choice([1.0, 1.0, 1.002])
            elif who.startswith("blog"):
                value = truth * rng.choice([1.0, 0.5, 1.7, 3.0])
            else:
                value = truth * 1000
            hedge = rng.choice(HEDGES)
            low = high = None
            if hedge == "range":
                low, high = value * 0.9, value * 1.1
            if rng.random() < 0.1:
                events.append(make(eid, who, None, key=key, stance="denies", day=day))
            else:
                events.append(make(eid, who, round(value, 3), key=key, hedge=hedge, low=low,
                                   high=high, day=day))
            if rng.random() < 0.2:  # the same source updates its figure later
                events.append(make(eid + "u", who, round(value * 1.05, 3), key=key, day=day + 3))
    rng.shuffle(events)  # claims interleave; per-claim order is whatever the log says
    events += rng.sample(events, 15)  # redeliveries
    return events


def replay(events: list[ClaimObserved]) -> tuple[Replayer, list[bytes]]:
    r = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    out = [dumps(x) for x in r.feed(events)]
    return r, out


def test_same_events_twice_give_identical_states_and_outputs(make: Any) -> None:
    events = world(make)
    r1, out1 = replay(events)
    r2, out2 = replay(events)
    assert out1 == out2
    assert orjson.dumps(r1.dump()) == orjson.dumps(r2.dump())
    assert [dumps(u) for u in r1.final()] == [dumps(u) for u in r2.final()]


def test_alert_ids_are_deterministic(make: Any) -> None:
    _, out1 = replay(world(make))
    ids = [orjson.loads(x)["alert_id"] for x in out1 if b'"ContradictionDetected"' in x]
    assert ids and len(ids) == len(set(ids))


def test_interrupted_and_resumed_replay_ends_in_the_same_state(make: Any) -> None:
    events = world(make)
    whole, whole_out = replay(events)
    cut = len(events) // 2
    first = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    out = [dumps(x) for x in first.feed(events[:cut])]
    # the checkpoint goes through JSON, as the changelog would
    saved = orjson.loads(orjson.dumps(first.checkpoint()))
    second = Replayer.resume(ConsensusEngine(EngineSettings(), ReliabilityBook()), saved)
    out += [dumps(x) for x in second.feed(events[cut:])]
    assert out == whole_out
    assert orjson.dumps(second.dump()) == orjson.dumps(whole.dump())
    assert [dumps(u) for u in second.final()] == [dumps(u) for u in whole.final()]


def test_resumed_from_claim_states_only_settles_to_the_same_consensus(make: Any) -> None:
    """The shell's case: the consensus Table and the reliability records survive,
    the book's weights are recomputed. The settled consensus is the same."""
    events = world(make)
    whole, _ = replay(events)
    cut = len(events) // 3
    first = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    list(first.feed(events[:cut]))
    states = {k: ClaimState.from_dict(orjson.loads(orjson.dumps(v)))
              for k, v in first.dump().items()}
    second = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()), states)
    list(second.feed(events[cut:]))
    assert_same_content(second.final(), whole.final())


def content(updates: list[ConsensusUpdated]) -> dict[str, Any]:
    """What a consumer reads from a consensus, without the version counter.

    A version is published only for a material change (estimate, supporting
    statements, presence crossing a threshold, or beyond ``presence_epsilon`` on
    a contested claim: ``engine._material``), so the supporters' weights are
    those of the last material change, which depends on when each worker
    learned what: they are left out, and presence is compared apart
    (:func:`assert_same_content`)."""
    out = {}
    for u in updates:
        d = u.model_dump(mode="json", exclude={"version", "updated_at", "trigger_event_id"})
        for sup in d["supporting"]:
            del sup["weight"]
        d["presence"] = d["presence"] is not None
        out[u.claim_key] = d
    return out


def assert_same_content(got: list[ConsensusUpdated], want: list[ConsensusUpdated]) -> None:
    """The same content; presence to within twice ``presence_epsilon`` on a contested
    claim, and on the same side of every threshold on an uncontested one (its
    probability only follows the supporters' trust, republished with the next
    material change: ``engine._material``)."""
    assert content(got) == content(want)
    s = EngineSettings()
    eps = s.presence_epsilon
    thresholds = (s.alerts.presence_low, 0.5, s.alerts.presence_high)
    p_want = {u.claim_key: u.presence.probability for u in want if u.presence is not None}
    for u in got:
        if u.presence is None:
            continue
        p, q = u.presence.probability, p_want[u.claim_key]
        assert all((p >= t) == (q >= t) for t in thresholds), u.claim_key
        stances = {x.stance for x in u.supporting}
        if {"asserts", "denies"} <= stances:
            assert abs(p - q) <= 2 * eps + 1e-9, u.claim_key


class Worker:
    """A worker as the Faust shell runs one: it owns some partitions' claims and
    learns reliability from a shared compacted topic it reads with a lag."""

    def __init__(self, partitions: set[int]) -> None:
        self.partitions = partitions
        self.engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
        self.states: dict[str, ClaimState] = {}
        self.read = 0

    def handle(self, ev: ClaimObserved, topic: list[tuple[str, dict[str, Any]]]) -> None:
        step = self.engine.apply(self.states.get(ev.claim_key), ev)
        self.states[ev.claim_key] = step.state
        topic.extend(step.reliability)

    def catch_up(self, topic: list[tuple[str, dict[str, Any]]], upto: int) -> None:
        for key, value in topic[self.read:upto]:
            self.engine.reliability.ingest(key, value)
        self.read = max(self.read, upto)

    def settle(self) -> dict[str, ConsensusUpdated]:
        out = {}
        for key, st in self.states.items():
            self.engine.recompute(st)
            published = self.engine.published(st)
            assert published is not None
            out[key] = published
        return out


def test_four_partitions_on_two_workers_end_like_one_worker(make: Any) -> None:
    events = world(make, seed=9, n_claims=60)
    single, _ = replay(events)
    expected = single.final()

    def partition(key: str) -> int:
        return zlib.crc32(key.encode()) % 4

    workers = [Worker({0, 1}), Worker({2, 3})]
    topic: list[tuple[str, dict[str, Any]]] = []
    rng = random.Random(1)
    for ev in events:  # per-partition order is kept; workers read the topic late
        owner = next(w for w in workers if partition(ev.claim_key) in w.partitions)
        owner.handle(ev, topic)
        for w in workers:
            if rng.random() < 0.1:
                w.catch_up(topic, len(topic) - rng.randint(0, 5))
    for w in workers:
        w.catch_up(topic, len(topic))
    merged: dict[str, ConsensusUpdated] = {}
    for w in workers:
        merged.update(w.settle())
    assert set(merged) == {u.claim_key for u in expected}
    assert_same_content(list(merged.values()), expected)


def test_consume_ends_in_the_same_state_as_feed(make: Any) -> None:
    events = world(make)
    fed, _ = replay(events)
    consumed = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    assert consumed.consume(events) == len(events)
    assert orjson.dumps(consumed.dump()) == orjson.dumps(fed.dump())
    assert [dumps(u) for u in consumed.final()] == [dumps(u) for u in fed.final()]


def test_recompute_publishes_only_when_reliability_moved_the_consensus(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    state = None
    for ev in [make("e1", "desk A", 100, key="k"), make("e2", "desk B", 300, key="k")]:
        state = engine.apply(state, ev).state
    assert state is not None
    assert engine.recompute(state) is None  # nothing learned yet: nothing to say
    before = state.version
    # elsewhere, desk B turned out to agree with everybody and desk A with nobody
    for i in range(6):
        claim = f"other-{i}"
        engine.reliability.ingest(f"desk B\x1f{claim}", {"s": "desk B", "c": claim, "st": "asserts",
                                                           "q": [7.0, 7.0, 7.0], "t": 0, "cf": 1})
        engine.reliability.ingest(f"desk C\x1f{claim}", {"s": "desk C", "c": claim, "st": "asserts",
                                                           "q": [7.0, 7.0, 7.0], "t": 0, "cf": 1})
        engine.reliability.ingest(f"desk A\x1f{claim}", {"s": "desk A", "c": claim, "st": "asserts",
                                                           "q": [70.0, 70.0, 70.0], "t": 0, "cf": 1})
    update = engine.recompute(state)
    assert update is not None and update.version == before + 1
    assert update.estimate is not None and update.estimate.best == 300.0
    assert state.version == before + 1  # the state was advanced in place
    assert engine.recompute(state) is None


def test_recompute_skips_claims_whose_inputs_did_not_move(
    make: Any, monkeypatch: Any
) -> None:
    """The settle timer runs over every claim; unchanged claims must cost nothing."""
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    state = engine.apply(None, make("e1", "desk A", 100, key="k")).state
    calls = []
    real = engine._consensus
    monkeypatch.setattr(engine, "_consensus", lambda *a: calls.append(1) or real(*a))
    assert engine.recompute(state) is None
    assert calls == []  # computed by apply with the same weights
    # a state restored from the changelog is a new object with the same content
    restored = ClaimState.from_dict(orjson.loads(orjson.dumps(state.to_dict())))
    assert engine.recompute(restored) is None and calls == []
    # new reliability evidence: now it is recomputed
    engine.reliability.ingest("desk A\x1fx", {"s": "desk A", "c": "x", "st": "asserts",
                                               "q": [1.0, 1.0, 1.0], "t": 0, "cf": 1})
    engine.recompute(state)
    assert calls == [1]


def test_odd_inputs_replay_round_trip_and_serialise() -> None:
    """Zero, negative, huge and tiny figures, every hedge (and an unknown one),
    missing dates, empty evidence: nothing crashes, every output is a valid
    contract event, and states survive JSON exactly."""
    from datetime import UTC, datetime, timedelta

    rng = random.Random(3)
    hedges = ["exact", "approximately", "at_least", "at_most", "more_than", "less_than",
              "range", "up_to", "nearly", "vague", "allegedly"]
    events = []
    for i in range(800):
        best = rng.choice([0.0, -5.0, 1e-9, 3.5, 1e12, -1e6, 17.0])
        value = rng.choice([None, {
            "best": best, "hedge": rng.choice(hedges),
            "low": rng.choice([None, best - 1, best + 1]),
            "high": rng.choice([None, best + 2, best - 2]),
        }])
        when = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 2000))
        text = " ".join(rng.choices(["alpha", "beta", "gamma", "delta"], k=rng.randint(0, 12)))
        events.append(ClaimObserved(
            event_id=f"odd-{i}", claim_key=f"k{rng.randint(0, 25)}", subject="s",
            measure=rng.choice(["count", "presence"]), value=value,
            stance=rng.choice(["asserts", "denies", "neutral"]),
            source={"name": f"src {rng.randint(0, 20)}"}, article_id="a",
            as_of=rng.choice([None, when]), published_at=rng.choice([None, when]),
            observed_at=when, evidence={"text": text, "start": 0, "end": len(text)},
            confidence=rng.random(),
        ))
    replayer = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    for out in replayer.feed(events):
        type(out).model_validate_json(dumps(out))
    for update in replayer.final():
        ConsensusUpdated.model_validate_json(dumps(update))
    saved = orjson.loads(orjson.dumps(replayer.checkpoint()))
    again = Replayer.resume(ConsensusEngine(EngineSettings(), ReliabilityBook()), saved)
    assert orjson.dumps(again.dump()) == orjson.dumps(replayer.dump())


def test_feed_wire_gives_the_same_bytes_as_dumping_feed(make: Any) -> None:
    events = world(make)
    fed, fed_out = replay(events)
    wired = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    assert list(wired.feed_wire(events)) == fed_out
    assert orjson.dumps(wired.dump()) == orjson.dumps(fed.dump())
    assert [dumps(u) for u in wired.final()] == [dumps(u) for u in fed.final()]


def test_final_wire_gives_the_bytes_of_the_final_models(make: Any) -> None:
    events = world(make)
    fed = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    wired = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    list(fed.feed(events[:200]))
    wired.consume(events[:200])
    assert wired.final_wire() == [dumps(u) for u in fed.final()]
    list(fed.feed(events[200:]))
    list(wired.feed_wire(events[200:]))
    assert wired.final_wire() == [dumps(u) for u in fed.final()]
    assert wired.final_wire() == [dumps(u) for u in wired.final()]


def test_settle_wire_ends_every_claim_on_its_final_consensus(make: Any) -> None:
    events = world(make)
    wired = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    last: dict[str, bytes] = {}
    live = list(wired.feed_wire(events))
    settled = list(wired.settle_wire())
    assert settled, "reliability learned over the whole stream moves some consensus"
    for out in live + settled:
        if b'"ConsensusUpdated"' in out:
            last[orjson.loads(out)["claim_key"]] = out
    fed = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    list(fed.feed(events))
    assert sorted(last.values()) == sorted(dumps(u) for u in fed.final())
    assert list(wired.settle_wire()) == [], "settling twice moves nothing"


def test_advance_ends_like_apply_with_its_records_ingested(make: Any) -> None:
    """The replay's in-place path (state advanced, statement straight into the
    book) gives the same steps, states and book as the pure ``apply`` whose
    records the caller ingests; and ``apply`` leaves its input state alone."""
    events = world(make, seed=23)
    pure = ConsensusEngine(EngineSettings(), ReliabilityBook())
    owned = ConsensusEngine(EngineSettings(), ReliabilityBook())
    a: dict[str, ClaimState] = {}
    b: dict[str, ClaimState] = {}
    for ev in events:
        before = a.get(ev.claim_key)
        frozen = before.to_dict() if before is not None else None
        sa = pure.apply(before, ev)
        for key, value in sa.reliability:
            pure.reliability.ingest(key, value)
        if before is not None:
            assert before.to_dict() == frozen
        sb = owned.advance(b.get(ev.claim_key), ev)
        assert sb.reliability == []
        assert (sa.outcome, sa.update_wire(), sa.alert_wire()) == (
            sb.outcome, sb.update_wire(), sb.alert_wire()
        )
        a[ev.claim_key], b[ev.claim_key] = sa.state, sb.state
    assert {k: s.to_dict() for k, s in a.items()} == {k: s.to_dict() for k, s in b.items()}
    assert pure.reliability.to_dict() == owned.reliability.to_dict()
    assert pure.reliability.generation > 1
