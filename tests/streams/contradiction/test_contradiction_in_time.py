"""Cumulative measures read in time, on an invented flood story: a toll that
rises over the days is an ``update``, two sources disagreeing about the same
day a ``dispute``, a toll that falls (or a source contradicting itself) a
``retraction``. Reasons say which and when each figure was true."""

from __future__ import annotations

from typing import Any

from streams.consensus import ClaimState, ConsensusEngine, Step
from streams.contradiction import DISPUTE, KINDS, RETRACTION, UPDATE
from streams.contradiction.rules import is_plural

KEY = "flood-victims:deaths@valdoria"


def toll(make: Any, eid: str, source: str, best: float, day: float, **kw: Any) -> Any:
    return make(eid, source, best, key=KEY, measure="deaths", subject="flood victims",
                location="Valdoria", day=day, **kw)


def run(engine: ConsensusEngine, events: list[Any]) -> list[Step]:
    state: ClaimState | None = None
    steps = []
    for ev in events:
        step = engine.apply(state, ev)
        for k, v in step.reliability:
            engine.reliability.ingest(k, v)
        steps.append(step)
        state = step.state
    return steps


def kinds(steps: list[Step]) -> list[tuple[str, str]]:
    return [(s.alert.kind, s.alert.observation.event_id) for s in steps if s.alert is not None]


def two_agree(make: Any) -> list[Any]:
    return [toll(make, "e1", "Civil protection agency", 120, day=0),
            toll(make, "e2", "Red Crescent", 120, day=0.2)]


def test_the_kinds_are_listed_once() -> None:
    assert {UPDATE, DISPUTE, RETRACTION} <= set(KINDS) and len(set(KINDS)) == len(KINDS)


def test_a_toll_rising_days_later_is_an_update(engine: Any, make: Any) -> None:
    steps = run(engine, [*two_agree(make), toll(make, "e3", "Health ministry", 180, day=3)])
    assert kinds(steps) == [(UPDATE, "e3")]
    reason = steps[-1].alert.reason  # type: ignore[union-attr]
    assert "as of 2025-03-04" in reason and "as of 2025-03-01" in reason
    assert "an update" in reason


def test_an_older_toll_arriving_late_is_judged_against_the_consensus_of_its_own_date(
    engine: Any, make: Any
) -> None:
    """Event time, not arrival time: a day-2 figure read on day 6 is compared with
    the consensus as it stood on day 2 (60), not with the day-5 figures (180)
    that merely arrived before it, and the reason says that it arrived late."""
    steps = run(engine, [
        toll(make, "e0", "Regional governor", 60, day=0),
        toll(make, "e1", "Civil protection agency", 180, day=5),
        toll(make, "e2", "Red Crescent", 180, day=5),
        toll(make, "e3", "Health ministry", 90, day=2, seen_day=6),
    ])
    assert kinds(steps)[-1] == (UPDATE, "e3")
    alert = steps[-1].alert
    assert alert is not None
    assert alert.consensus_before.estimate is not None and alert.consensus_before.estimate.best == 60
    assert alert.consensus_before.as_of is not None and alert.consensus_before.as_of.day == 1
    assert [s.source for s in alert.consensus_before.supporting] == ["Regional governor"]
    assert "180" not in alert.reason and "up from the consensus 60" in alert.reason
    assert "reported late" in alert.reason and "2025-03-06" in alert.reason
    # the claim's consensus still holds every statement, and stands at day 5
    update = steps[-1].update
    assert update is not None and update.as_of is not None and update.as_of.day == 6
    assert {s.source for s in update.supporting} == {
        "Regional governor", "Civil protection agency", "Red Crescent", "Health ministry"}


def test_a_late_statement_with_nothing_before_it_raises_no_alert(engine: Any, make: Any) -> None:
    """Before its own date there was no consensus to contradict: the issue's example
    (11-12 thousand dated Nov 5, read after a Nov 20 figure of 15,000)."""
    steps = run(engine, [
        toll(make, "e1", "Civil protection agency", 15_000, day=15),
        toll(make, "e2", "Health ministry", 11_500, day=0, low=11_000, high=12_000,
             hedge="range", seen_day=16),
    ])
    assert kinds(steps) == []
    assert steps[-1].outcome == "new"


def test_sources_disagreeing_about_the_same_day_is_a_dispute(engine: Any, make: Any) -> None:
    steps = run(engine, [*two_agree(make), toll(make, "e3", "Local residents", 400, day=0.5)])
    assert kinds(steps) == [(DISPUTE, "e3")]
    reason = steps[-1].alert.reason  # type: ignore[union-attr]
    assert reason.startswith("Local residents say 400")  # plural source, plural verb
    assert "same period" in reason and "a dispute" in reason


def test_a_toll_falling_later_is_a_retraction(engine: Any, make: Any) -> None:
    steps = run(engine, [*two_agree(make), toll(make, "e3", "Health ministry", 40, day=4)])
    assert kinds(steps) == [(RETRACTION, "e3")]
    assert "cannot fall" in steps[-1].alert.reason  # type: ignore[union-attr]


def test_a_source_lowering_its_own_toll_is_a_retraction(engine: Any, make: Any) -> None:
    steps = run(engine, [
        *two_agree(make),
        toll(make, "e3", "Health ministry", 125, day=1),
        toll(make, "e4", "Health ministry", 60, day=3),
    ])
    assert kinds(steps)[-1] == (RETRACTION, "e4")
    assert "its own 125" in steps[-1].alert.reason  # type: ignore[union-attr]


def test_a_crowd_count_is_not_read_in_time(engine: Any, make: Any) -> None:
    def crowd(eid: str, source: str, best: float, day: float) -> Any:
        return make(eid, source, best, key="protesters:count@capital", measure="count",
                    subject="protesters", location="Capital", day=day)

    steps = run(engine, [crowd("e1", "Police", 5000, 0), crowd("e2", "City hall", 5000, 0),
                         crowd("e3", "Organisers", 20000, 3)])
    assert [k for k, _ in kinds(steps)] in (["value_conflict"], ["revision"])


def test_verb_agreement_follows_the_source_name() -> None:
    for plural in ("organisers", "Organisers", "local officials", "Ukrainian officials", "police",
                   "residents of the town"):
        assert is_plural(plural), plural
    for singular in ("Reuters", "Doctors Without Borders", "U.S.", "NIS", "Lloyd Austin",
                     "North Korean representative to the United Nations", "the ministry",
                     "Pentagon spokesperson", "Red Cross"):
        assert not is_plural(singular), singular
