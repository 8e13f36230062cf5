"""Event time, not arrival time: the state after a story equals the replay of the
same events sorted by event time (as_of, then published_at), whatever order the
articles arrived in.

The story is invented: a storm over a coastal province, read day by day by
agencies, ministries and outlets that revise their own figures, copy each other
word for word and deny what others count. Its articles are fed shuffled (as
feeds and partitions deliver them; each article's statements keep their order)
and sorted; both runs must end with the same statements kept per claim, the
same reliability records and so the same consensus, bit for bit.

Versions and alerts are not compared: versions count publications in arrival
order, and which statement is "new" when an alert fires depends on what had
arrived (a late statement's alert is judged against the consensus of its own
date, see ``tests/streams/contradiction/test_contradiction_in_time.py``).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schemas.events import ClaimObserved
from streams.consensus import ClaimState, ConsensusEngine, EngineSettings, ReliabilityBook, aggregate
from streams.replay import Replayer, with_evidence

T0 = datetime(2025, 9, 1, tzinfo=UTC)
SOURCES = ["Coastland civil defence", "Red Cross", "Health ministry", "Governor Alvarez",
           "Harbour police", "Meteo service", "Local residents"]
OUTLETS = ["Daily Coast", "Harbour Times", "Wire Service"]


def _story(seed: int) -> list[list[ClaimObserved]]:
    """Articles (each a list of statements in article order) in publication order."""
    rng = random.Random(seed)
    articles: list[list[ClaimObserved]] = []
    own: dict[tuple[str, str], float] = {}
    copied: list[tuple[str, str, float, str, datetime]] = []
    n = 0
    for a in range(36):
        published = T0 + timedelta(days=a * 0.6, minutes=a)  # no two articles at one instant
        outlet = rng.choice(OUTLETS)
        stmts: list[ClaimObserved] = []
        for _ in range(rng.randint(1, 3)):
            n += 1
            as_of = published - timedelta(days=rng.choice([0, 0, 0, 1, 2]))
            day = (as_of - T0).total_seconds() / 86400
            roll = rng.random()
            if roll < 0.12 and copied:  # an outlet prints another's words unattributed
                key, text, best, measure, when = rng.choice(copied)
                stmts.append(_obs(f"a{a}-{n}", outlet, key, measure, best, when, published, text,
                                  source_kind="outlet"))
                continue
            source = rng.choice(SOURCES)
            if roll < 0.5:
                key, measure, subject = "storm-victims:deaths@coastland", "deaths", "storm victims"
                best = round(40 + 6 * day + rng.uniform(-3, 3))
            elif roll < 0.8:
                key, measure, subject = ("rescue-troops:count@coastland", "count", "rescue troops")
                best = rng.choice([800, 800, 1200, 1500])
            else:
                key, measure, subject = ("rescue-troops:presence@coastland", "presence",
                                         "rescue troops")
                best = -1.0
            if rng.random() < 0.3 and (source, key) in own and best > 0:
                best = own[(source, key)] * rng.choice([0.9, 1.1, 1.5])  # a source revising itself
            own[(source, key)] = best
            text = f"{source} said {subject} {measure} stood at {best:g} on day {day:.1f}."
            stance = "denies" if best < 0 and rng.random() < 0.4 else "asserts"
            value = None if best < 0 else best
            ev = _obs(f"a{a}-{n}", source, key, measure, value, as_of, published, text,
                      stance=stance, subject=subject)
            stmts.append(ev)
            if value is not None:
                copied.append((key, text, value, measure, as_of))
        articles.append(stmts)
    return articles


def _obs(
    eid: str, source: str, key: str, measure: str, best: float | None, as_of: datetime,
    published: datetime, text: str, *, stance: str = "asserts", subject: str = "storm victims",
    source_kind: str | None = None,
) -> ClaimObserved:
    subject = "rescue troops" if key.startswith("rescue") else subject
    return ClaimObserved(
        event_id=eid, claim_key=key, subject=subject, measure=measure, location="Coastland",
        value={"best": best, "hedge": "exact"} if best is not None else None,
        stance=stance,  # type: ignore[arg-type]
        source={"name": source, "kind": source_kind}, article_id=eid.split("-")[0],
        published_at=published, as_of=as_of,
        evidence={"text": text, "start": 0, "end": len(text)}, confidence=0.8,
        observed_at=published,
    )


def _arrived(articles: list[list[ClaimObserved]], seed: int) -> list[ClaimObserved]:
    """The articles in a shuffled arrival order, each read at its arrival time."""
    order = list(articles)
    random.Random(seed).shuffle(order)
    out = []
    for i, stmts in enumerate(order):
        seen = T0 + timedelta(days=30, minutes=i)
        out += [ev.model_copy(update={"observed_at": seen}) for ev in stmts]
    return out


def _event_time(ev: ClaimObserved) -> tuple[datetime, datetime]:
    assert ev.as_of is not None and ev.published_at is not None
    return ev.as_of, ev.published_at


def _replay(events: list[ClaimObserved], settings: EngineSettings | None = None) -> Replayer:
    replayer = Replayer(ConsensusEngine(settings or EngineSettings(), ReliabilityBook()))
    replayer.consume(events)
    return replayer


def _applied(
    events: list[ClaimObserved], settings: EngineSettings | None = None
) -> tuple[ConsensusEngine, dict[str, ClaimState]]:
    """The agent's path: pure ``apply``, its reliability records (tombstones too) ingested."""
    engine = ConsensusEngine(settings or EngineSettings(), ReliabilityBook())
    states: dict[str, ClaimState] = {}
    for ev in with_evidence(events):
        step = engine.apply(states.get(ev.claim_key), ev)
        for key, value in step.reliability:
            engine.reliability.ingest(key, value)
        states[ev.claim_key] = step.state
    return engine, states


def _kept(states: dict[str, ClaimState]) -> dict[str, dict[str, Any]]:
    return {k: {s: o.to_list() for s, o in st.observations.items()} for k, st in states.items()}


def _consensus(engine: ConsensusEngine, states: dict[str, ClaimState]) -> dict[str, Any]:
    """Each claim's consensus over its kept statements with the book as it ends."""
    book = engine.reliability
    book.refresh()
    s = engine.settings
    return {k: aggregate.consensus(st.observations.values(), book.weigher(), s,
                                   s.presence_prior_weight * book.default_weight())
            for k, st in states.items()}


def _nearby(articles: list[list[ClaimObserved]], seed: int, reach: int) -> list[ClaimObserved]:
    """The articles in an arrival order where none arrives more than ``reach``
    articles after its place, each read at its arrival time."""
    rng = random.Random(seed)
    keyed = sorted(range(len(articles)), key=lambda i: i + rng.uniform(0, reach))
    out = []
    for n, i in enumerate(keyed):
        seen = T0 + timedelta(days=30, minutes=n)
        out += [ev.model_copy(update={"observed_at": seen}) for ev in articles[i]]
    return out


def _same_end(arrived: list[ClaimObserved], settings: EngineSettings) -> None:
    ordered = sorted(arrived, key=_event_time)  # stable: an article's statements keep their order
    assert [e.event_id for e in arrived] != [e.event_id for e in ordered]  # some arrive late

    live, replay = _replay(arrived, settings), _replay(ordered, settings)
    assert _kept(live.states) == _kept(replay.states)
    assert live.engine.reliability.records() == replay.engine.reliability.records()
    assert _consensus(live.engine, live.states) == _consensus(replay.engine, replay.states)
    final = {u.claim_key: u for u in live.final()}
    again = {u.claim_key: u for u in replay.final()}
    assert final.keys() == again.keys()
    for key, u in final.items():
        v = again[key]
        assert (u.estimate, u.as_of) == (v.estimate, v.as_of)
        assert {(x.source, x.event_id, x.stance) for x in u.supporting} == {
            (x.source, x.event_id, x.stance) for x in v.supporting}
        if u.presence is not None and v.presence is not None:
            assert abs(u.presence.probability - v.presence.probability) <= 0.01

    # the agent's path (apply + records, tombstones included) ends in the same place
    engine, states = _applied(arrived, settings)
    assert _kept(states) == _kept(live.states)
    assert engine.reliability.records() == live.engine.reliability.records()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_shuffled_story_ends_as_its_replay_sorted_by_event_time(seed: int) -> None:
    """Any lateness, with the whole log kept (``log_per_source=0``)."""
    articles = _story(seed)
    _same_end(_arrived(articles, seed), EngineSettings(log_per_source=0))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_story_arriving_a_little_late_ends_as_its_replay_with_the_bounded_log(seed: int) -> None:
    """The default, bounded log (two statements per source on the claim): articles
    arriving up to two places late are still folded in exactly where they belong."""
    articles = _story(seed)
    _same_end(_nearby(articles, seed, 2), EngineSettings())


def test_a_late_copy_takes_the_place_of_the_statement_that_copied_it() -> None:
    """Two outlets print the same words; the one published first is the original
    even when it arrives second, and the copy's record is withdrawn (a tombstone)."""
    text = "Coastland civil defence said storm victims deaths stood at 120 on day 2.0."
    first = _obs("a1-1", "Daily Coast", "storm-victims:deaths@coastland", "deaths", 120,
                 T0, T0, text, source_kind="outlet")
    second = _obs("a2-1", "Harbour Times", "storm-victims:deaths@coastland", "deaths", 120,
                  T0, T0 + timedelta(hours=5), text, source_kind="outlet")
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    s1 = engine.apply(None, second)
    s2 = engine.apply(s1.state, first)
    assert set(s2.state.observations) == {"Daily Coast"}
    assert dict(s2.reliability) == {
        "Daily Coast\x1fstorm-victims:deaths@coastland": s2.reliability[0][1] or {},
        "Harbour Times\x1fstorm-victims:deaths@coastland": None,
    }
    assert ClaimState.from_dict(s2.state.to_dict()).to_dict() == s2.state.to_dict()
