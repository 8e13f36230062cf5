"""Presence from every kind of evidence, on invented stories: a force counted
at a place is asserted present there and in every place containing it; a
denial is weighed against all of it; recency does not let a denier who speaks
last undo an established presence; and a denier of what many independent
sources quantify loses reliability through the truth discovery."""

from __future__ import annotations

from typing import Any

from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.consensus.evidence import force_subject, presence_evidence
from streams.consensus.observed import from_model
from streams.replay import Replayer

FORCE = "Freedonian troops"
COUNT_AT_LVIV = "freedonian-troops:count@lviv"
PRESENT_IN_UKRAINE = "freedonian-troops:presence@ukraine"


def count(make: Any, eid: str, source: str, best: float, *, place: str = "Lviv",
          key: str = COUNT_AT_LVIV, day: float = 0, **kw: Any) -> Any:
    return make(eid, source, best, key=key, measure="count", subject=FORCE, location=place,
                day=day, text=f"{source} said {best:,.0f} {FORCE} were in {place} ({eid}).", **kw)


def presence(make: Any, eid: str, source: str, stance: str, *, day: float = 0) -> Any:
    return make(eid, source, None, key=PRESENT_IN_UKRAINE, measure="presence", subject=FORCE,
                location="Ukraine", stance=stance, day=day,
                text=f"{source} {stance} that {FORCE} are in Ukraine ({eid}).")


def test_a_count_of_a_force_asserts_its_presence_there_and_in_the_country(make: Any) -> None:
    derived = presence_evidence(count(make, "c1", "Ruritanian ministry", 2000))
    keys = [d.claim_key for d in derived]
    assert keys == ["freedonian-troops:presence@lviv", PRESENT_IN_UKRAINE]
    for d in derived:
        assert d.stance == "asserts" and d.value is None and d.measure == "presence"
        assert d.source == "Ruritanian ministry" and d.subject == FORCE
        assert d.event_id.startswith("c1>")
        assert d.model().claim_key == d.claim_key  # a valid ClaimObserved for the stream
    assert [d.location for d in derived] == ["Lviv", "Ukraine"]
    # deterministic: the same statement derives the same events
    again = presence_evidence(from_model(count(make, "c1", "Ruritanian ministry", 2000)))
    assert [d.event_id for d in again] == [d.event_id for d in derived]


def test_a_sub_scope_asserts_the_whole_force(make: Any) -> None:
    ev = count(make, "c1", "Ruritanian ministry", 500, key="freedonian-troops/arrived:count@lviv",
               parent_key=COUNT_AT_LVIV)
    assert presence_evidence(ev)[0].claim_key == "freedonian-troops:presence@lviv"


def test_what_does_not_assert_presence(make: Any) -> None:
    assert presence_evidence(count(make, "c1", "A", 0)) == ()
    assert presence_evidence(count(make, "c2", "A", 700, hedge="at_most")) == ()
    assert presence_evidence(count(make, "c3", "A", 700, stance="denies")) == ()
    # not a force: ferry passengers counted are not "present" in a claim's sense
    assert presence_evidence(make("c4", "A", 40)) == ()
    assert presence_evidence(make("c5", "A", 40, measure="deaths", subject=FORCE,
                                  key="freedonian-troops:deaths@lviv", location="Lviv")) == ()
    assert force_subject("Freedonian troops (arrived)") == FORCE
    assert force_subject("flood victims") is None


def story(make: Any) -> list[Any]:
    """Four independent sources quantify the force, two assert it, and the
    accused party and its allies deny it, the last of them weeks later."""
    return [
        presence(make, "p1", "Ruritanian defence minister", "asserts", day=0),
        count(make, "c1", "Ruritanian intelligence", 3000, day=0),
        presence(make, "d1", "Freedonian foreign ministry", "denies", day=1),
        count(make, "c2", "Granbretan officials", 10000, hedge="approximately", day=2),
        count(make, "c3", "Osterlich military spokesman", 8000, place="Kharkiv",
              key="freedonian-troops:count@kharkiv", day=10),
        presence(make, "p2", "Granbretan defence minister", "asserts", day=12),
        count(make, "c4", "Ruritanian army chief", 11000, day=20),
        presence(make, "d2", "Freedonian envoy to the UN", "denies", day=25),
        presence(make, "d3", "Freedonian lawmaker", "denies", day=40),
    ]


def final_presence(events: list[Any]) -> Any:
    r = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    list(r.feed(events))
    return {u.claim_key: u for u in r.final()}[PRESENT_IN_UKRAINE]


def test_counts_outweigh_the_accused_partys_denials(make: Any) -> None:
    update = final_presence(story(make))
    assert update.presence is not None and update.presence.probability >= 0.9
    sources = {s.source for s in update.supporting}
    assert {"Ruritanian intelligence", "Osterlich military spokesman"} <= sources
    # the deniers lose reliability: each weighs less than any asserter
    weights = {s.source: s.weight for s in update.supporting}
    deniers = [weights[s.source] for s in update.supporting if s.stance == "denies"]
    asserters = [weights[s.source] for s in update.supporting if s.stance == "asserts"]
    assert max(deniers) < min(asserters)


def test_a_denier_speaking_last_does_not_turn_presence_into_doubt(make: Any) -> None:
    """Without the quantities and with an even vote, only time differs: the
    denials come weeks after the assertions and must not win by recency."""
    events = [
        presence(make, "p1", "Ruritanian defence minister", "asserts", day=0),
        presence(make, "p2", "Granbretan defence minister", "asserts", day=0),
        presence(make, "d1", "Freedonian foreign ministry", "denies", day=60),
        presence(make, "d2", "Freedonian envoy to the UN", "denies", day=60),
    ]
    update = final_presence(events)
    assert update.presence is not None and update.presence.probability == 0.5


def test_recency_still_supersedes_a_sources_own_statement(make: Any) -> None:
    events = [
        presence(make, "p1", "Ruritanian defence minister", "asserts", day=0),
        presence(make, "p2", "Ruritanian defence minister", "denies", day=30),
    ]
    update = final_presence(events)
    assert [(s.source, s.stance) for s in update.supporting] == [
        ("Ruritanian defence minister", "denies")]
    assert update.presence is not None and update.presence.probability < 0.5
