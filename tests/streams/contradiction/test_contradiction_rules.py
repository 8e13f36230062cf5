"""When to alert, and when not: each rule and each "never" case, cooldown, severity."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.events import ClaimObserved, ConsensusUpdated, ContradictionDetected
from streams.consensus import (
    AlertSettings,
    ClaimState,
    ConsensusEngine,
    EngineSettings,
    ReliabilityBook,
    Step,
)
from streams.consensus.engine import COPY
from streams.contradiction import alert_id, is_inside, severity

#: a count that may go up and down (a crowd), so the plain rules apply:
#: cumulative measures (tolls, forces deployed) are read in time, see
#: test_contradiction_in_time.py
KEY = "nk-protesters:count@russia"


def run(engine: ConsensusEngine, events: list[ClaimObserved]) -> list[Step]:
    state: ClaimState | None = None
    steps = []
    for ev in events:
        step = engine.apply(state, ev)
        for k, v in step.reliability:
            engine.reliability.ingest(k, v)
        steps.append(step)
        state = step.state
    return steps


def alerts(steps: list[Step]) -> list[ContradictionDetected]:
    return [s.alert for s in steps if s.alert is not None]


def troops(make: Any, eid: str, source: str, best: float | None = None, **kw: Any) -> Any:
    kw.setdefault("key", KEY)
    kw.setdefault("subject", "North Korean protesters")
    kw.setdefault("measure", "count")
    kw.setdefault("location", "Russia")
    return make(eid, source, best, **kw)


def three_agree(make: Any) -> list[ClaimObserved]:
    return [
        troops(make, "e1", "South Korean officials", 10000, hedge="approximately", day=0),
        troops(make, "e2", "NIS", 10000, hedge="approximately", day=1),
        troops(make, "e3", "Pentagon", 10000, hedge="approximately", day=2),
    ]


# -- the alert kinds ------------------------------------------------------------


def test_a_revised_figure_outside_the_consensus_alerts(engine: Any, make: Any) -> None:
    steps = run(engine, [
        *three_agree(make),
        troops(make, "e4", "NIS", 11500, low=11000, high=12000, hedge="range", day=3),
    ])
    [alert] = alerts(steps)
    assert alert.kind == "value_conflict"
    assert alert.reason.startswith("NIS now says 11,000-12,000")
    assert "consensus was 10,000 (9,500-10,500) from 3 sources" in alert.reason


def test_a_new_source_far_from_the_consensus_alerts(engine: Any, make: Any) -> None:
    steps = run(engine, [*three_agree(make), troops(make, "e4", "Kyiv", 30000, day=3)])
    [alert] = alerts(steps)
    assert alert.kind == "value_conflict"
    assert alert.reason.startswith("Kyiv says 30,000")
    # the alert carries what it contradicts: the consensus published just before
    before = [s.update for s in steps[:3] if s.update is not None][-1]
    assert alert.consensus_before.model_dump() == before.model_dump()
    assert alert.observation.event_id == "e4"
    assert alert.detected_at == alert.observation.observed_at
    assert alert.alert_id == alert_id(KEY, "e4", "value_conflict")


def test_a_credible_source_moving_the_consensus_is_a_revision(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook(priors={"Pentagon": 0.9}))
    steps = run(engine, [
        troops(make, "e1", "Seoul officials", 1500, day=0),
        troops(make, "e2", "NIS", 1500, day=1),
        troops(make, "e3", "Pentagon", 10000, day=21),
    ])
    [alert] = alerts(steps)
    assert alert.kind == "revision"
    assert "revised from 1,500 from 2 sources to 10,000" in alert.reason
    assert steps[-1].update is not None and steps[-1].update.estimate.best == 10000.0


def test_a_discredited_source_cannot_revise_only_conflict(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook(priors={"Troll farm": 0.02}))
    steps = run(engine, [
        troops(make, "e1", "Seoul officials", 1500, day=0),
        troops(make, "e2", "Troll farm", 90000, day=21),
    ])
    [alert] = alerts(steps)
    assert alert.kind == "value_conflict"


def test_a_denial_of_a_well_supported_claim_alerts(engine: Any, make: Any) -> None:
    steps = run(engine, [*three_agree(make), troops(make, "e4", "Kremlin", stance="denies", day=3)])
    [alert] = alerts(steps)
    assert alert.kind == "presence_denied"
    assert alert.reason.startswith("Kremlin denies")
    assert "from 3 sources" in alert.reason


def test_an_assertion_of_a_widely_denied_claim_alerts(engine: Any, make: Any) -> None:
    deny = dict(measure="presence", key="drones:presence@port", subject="naval drones",
                location="Sevastopol")
    steps = run(engine, [
        make("d1", "Navy", stance="denies", day=0, **deny),
        make("d2", "Port authority", stance="denies", day=1, **deny),
        make("d3", "Governor", stance="denies", day=2, **deny),
        make("d4", "Fishermen", stance="asserts", day=3, **deny),
    ])
    [alert] = alerts(steps)
    assert alert.kind == "presence_asserted"
    assert alert.reason.startswith("Fishermen asserts")


def test_a_denial_of_a_doubtful_claim_does_not_alert(engine: Any, make: Any) -> None:
    steps = run(engine, [
        troops(make, "e1", "Blogger", 500, day=0),
        troops(make, "e2", "Kremlin", stance="denies", day=1),
        troops(make, "e3", "Moscow embassy", stance="denies", day=2),
        troops(make, "e4", "Foreign ministry", stance="denies", day=3),
    ])
    assert [a.kind for a in alerts(steps)] == ["presence_denied"]  # only the first denial


# -- never ------------------------------------------------------------------------


def test_never_for_the_first_observation(engine: Any, make: Any) -> None:
    assert alerts(run(engine, [troops(make, "e1", "Kyiv", 30000)])) == []


def test_never_for_a_source_repeating_itself(engine: Any, make: Any) -> None:
    steps = run(engine, [
        *three_agree(make),
        troops(make, "e4", "Kyiv", 30000, day=3),
        troops(make, "e5", "Kyiv", 30000, day=3, seen_day=5),
        troops(make, "e6", "Kyiv", 30000, day=6, seen_day=6),
    ])
    assert [a.observation.event_id for a in alerts(steps)] == ["e4"]


def test_never_for_a_redelivered_event(engine: Any, make: Any) -> None:
    steps = run(engine, [*three_agree(make), troops(make, "e4", "Kyiv", 30000, day=3)])
    again = engine.apply(steps[-1].state, troops(make, "e4", "Kyiv", 30000, day=3))
    assert again.alert is None


def test_never_for_a_copy_of_an_article_already_seen(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(alerts=AlertSettings(cooldown_s=0)), ReliabilityBook())
    text = "Ukrainian intelligence says 30,000 North Korean soldiers are now deployed in Russia."
    steps = run(engine, [
        *three_agree(make),
        troops(make, "e4", "Ukrainian intelligence", 30000, day=3, text=text),
        troops(make, "e5", "Ukraine's intelligence service", 30000, day=3, seen_day=4, text=text),
    ])
    assert steps[-1].outcome == COPY
    assert len(alerts(steps)) == 1


def test_never_when_the_consensus_was_only_this_sources_own(engine: Any, make: Any) -> None:
    steps = run(engine, [
        troops(make, "e1", "NIS", 3000, day=0),
        troops(make, "e2", "NIS", 11000, day=10),
    ])
    assert alerts(steps) == []


def test_never_for_a_place_inside_the_consensus_location(engine: Any, make: Any) -> None:
    steps = run(engine, [
        *three_agree(make),
        troops(make, "e4", "Kursk governor", 1200, day=3, location="Kursk region, Russia"),
    ])
    assert alerts(steps) == []


def test_never_for_a_sub_scope(engine: Any, make: Any) -> None:
    from streams.replay import Replayer

    replayer = Replayer(engine)
    out = list(replayer.feed([
        *three_agree(make),
        troops(make, "e4", "Kursk governor", 1200, day=3, key="nk-protesters:count@kursk",
               location="Kursk", parent_key=KEY),
    ]))
    assert not [x for x in out if isinstance(x, ContradictionDetected)]


def test_never_within_the_tolerance(make: Any) -> None:
    quiet = ConsensusEngine(EngineSettings(alerts=AlertSettings(tolerance=0.10)))
    strict = ConsensusEngine(EngineSettings(alerts=AlertSettings(tolerance=0.0)))
    events = [*three_agree(make), troops(make, "e4", "Kyiv", 11200, day=3)]  # 10,500 + 6.7%
    assert alerts(run(quiet, events)) == []
    assert [a.kind for a in alerts(run(strict, events))] == ["value_conflict"]


def test_agreement_with_hedges_does_not_alert(engine: Any, make: Any) -> None:
    steps = run(engine, [
        *three_agree(make),
        troops(make, "e4", "Kyiv", 9000, hedge="at_least", day=3),
        troops(make, "e5", "Tokyo", 12000, hedge="at_most", day=3),
    ])
    assert alerts(steps) == []


# -- cooldown -------------------------------------------------------------------------


def test_cooldown_per_claim_and_source_in_event_time(make: Any) -> None:
    engine = ConsensusEngine(
        EngineSettings(alerts=AlertSettings(cooldown_s=6 * 3600)), ReliabilityBook()
    )
    hour = 1 / 24
    steps = run(engine, [
        *three_agree(make),
        troops(make, "e4", "Kyiv", 30000, day=3),
        troops(make, "e5", "Kyiv", 35000, day=3 + hour),          # same dispute, 1 h later
        troops(make, "e6", "Tokyo", 40000, day=3 + 2 * hour),     # another source: alerts
        troops(make, "e7", "Kyiv", 50000, day=3 + 8 * hour),      # Kyiv again, 8 h later
    ])
    assert [a.observation.event_id for a in alerts(steps)] == ["e4", "e6", "e7"]


# -- severity ---------------------------------------------------------------------------


def test_severity_grows_with_distance_trust_and_support() -> None:
    assert severity(1.0, 0.9, 1.0) == "high"
    assert severity(0.2, 0.5, 0.33) == "low"
    assert severity(1.0, 0.5, 0.33) == "medium"
    assert severity(0.2, 0.2, 0.0) == "low"
    # monotone in each argument
    assert severity(0.5, 0.9, 1.0) in ("medium", "high")


@pytest.mark.parametrize(
    ("prior", "value", "expected"),
    [(0.95, 90000, "high"), (None, 11600, "low")],
)
def test_severity_of_an_alert(make: Any, prior: float | None, value: float, expected: str) -> None:
    priors = {"Source X": prior} if prior is not None else {}
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook(priors=priors))
    steps = run(engine, [*three_agree(make), troops(make, "e4", "Source X", value, day=3)])
    [alert] = alerts(steps)
    assert alert.severity == expected


def test_single_source_consensus_makes_a_milder_alert(make: Any) -> None:
    def sev(events: list[ClaimObserved]) -> str:
        [alert] = alerts(run(ConsensusEngine(), events))
        return alert.severity

    order = {"low": 0, "medium": 1, "high": 2}
    lone = sev([three_agree(make)[0], troops(make, "e4", "Kyiv", 30000, day=3)])
    crowd = sev([*three_agree(make), troops(make, "e4", "Kyiv", 30000, day=3)])
    assert order[lone] <= order[crowd]


# -- places and ids -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("narrow", "wide", "inside"),
    [
        ("Kursk region, Russia", "Russia", True),
        ("near Kursk in western Russia", "Russia", True),
        ("Goma, North Kivu", "North Kivu", True),
        ("Russia", "Russia", False),
        ("Ukraine", "Russia", False),
        ("Russia", "Kursk region, Russia", False),
        # the gazetteer knows both: New York is no part of York
        ("New York", "York", False),
        ("Vladivostok", "Russia", True),
        ("Kursk Oblast", "Russia", True),
        ("Kyiv", "Russia", False),
        ("Donetsk", "Ukraine", True),
        ("Russia", "Vladivostok", False),
    ],
)
def test_is_inside(narrow: str, wide: str, inside: bool) -> None:
    assert is_inside(narrow, wide) is inside


def test_a_figure_for_a_city_inside_the_consensus_country_does_not_alert(
    engine: Any, make: Any
) -> None:
    steps = run(engine, [
        *three_agree(make),
        troops(make, "e4", "Primorye governor", 300, day=3, location="Vladivostok"),
    ])
    assert alerts(steps) == []


def test_a_figure_for_a_city_outside_the_consensus_country_alerts(
    engine: Any, make: Any
) -> None:
    steps = run(engine, [
        *three_agree(make),
        troops(make, "e4", "Ukrainian intelligence", 300, day=3, location="Kyiv"),
    ])
    assert [a.kind for a in alerts(steps)] == ["value_conflict"]


def test_places_come_from_the_required_gazetteer_not_the_extractor() -> None:
    """The gazetteer is streams.geo, part of the core: Vladivostok is inside Russia
    whatever is installed, and the rules never load the extraction package (spaCy)."""
    import subprocess
    import sys

    code = (
        "import sys; from streams.contradiction.places import is_inside; "
        "assert is_inside('Vladivostok', 'Russia'); assert not is_inside('Kyiv', 'Russia'); "
        "assert is_inside('Kursk region, Russia', 'Russia'); "
        "assert 'streams.extraction' not in sys.modules and 'spacy' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_alert_id_depends_on_claim_trigger_and_kind() -> None:
    a = alert_id("k", "e1", "value_conflict")
    assert a == alert_id("k", "e1", "value_conflict") and len(a) == 32
    assert a != alert_id("k", "e2", "value_conflict")
    assert a != alert_id("k", "e1", "revision")
    assert a != alert_id("k2", "e1", "value_conflict")


def test_consensus_before_is_a_valid_contract_event(engine: Any, make: Any) -> None:
    steps = run(engine, [*three_agree(make), troops(make, "e4", "Kyiv", 30000, day=3)])
    [alert] = alerts(steps)
    wire = alert.model_dump(mode="json")
    back = ContradictionDetected.model_validate(wire)
    assert isinstance(back.consensus_before, ConsensusUpdated)
    assert back.consensus_before.n_sources == 3


def test_never_for_a_difference_of_rounding_on_small_counts(engine: Any, make: Any) -> None:
    steps = run(engine, [
        make("e1", "Police", 15, key="arrests:count@port"),
        make("e2", "Court clerk", 15, key="arrests:count@port", day=1),
        make("e3", "Lawyer", 16, key="arrests:count@port", day=2),
        make("e4", "Activists", 19, key="arrests:count@port", day=3),
    ])
    assert [a.observation.event_id for a in alerts(steps)] == ["e4"]


# -- open-ended ("at least") figures ------------------------------------------------


def floods(make: Any, eid: str, source: str, best: float, **kw: Any) -> Any:
    kw.setdefault("key", "residents:deaths@po-delta")
    kw.setdefault("subject", "residents")
    kw.setdefault("measure", "deaths")
    kw.setdefault("location", "Po delta")
    return make(eid, source, best, **kw)


def test_a_lower_bound_does_not_open_a_consensus_that_bounded_sources_pin_down(
    engine: Any, make: Any
) -> None:
    steps = run(engine, [
        floods(make, "e1", "Civil protection", 40, hedge="at_least", day=0),
        floods(make, "e2", "Red Cross", 42, hedge="approximately", day=1),
        floods(make, "e3", "A town councillor", 400, day=2),
    ])
    before = steps[1].update
    assert before is not None and before.estimate is not None
    assert (before.estimate.low, before.estimate.best, before.estimate.high) == (39.9, 42.0, 44.1)
    [alert] = alerts(steps)
    # deaths are cumulative: a figure a day after the consensus' is the same period
    assert alert.kind == "dispute" and alert.observation.event_id == "e3"
    assert "consensus was 42 (39.9-44.1) from 2 sources" in alert.reason


def test_the_same_lower_bound_arriving_last_still_leaves_the_consensus_closed(
    engine: Any, make: Any
) -> None:
    # an open-ended figure that merely ties with a bounded one does not make
    # every higher figure compatible, whichever of the two is more recent
    steps = run(engine, [
        floods(make, "e1", "Red Cross", 42, hedge="approximately", day=0),
        floods(make, "e2", "Civil protection", 40, hedge="at_least", day=0),
        floods(make, "e3", "A town councillor", 400, day=0.5),
    ])
    assert [a.kind for a in alerts(steps)] == ["dispute"]  # deaths, the same period


def test_a_consensus_of_lower_bounds_only_stays_open_above(engine: Any, make: Any) -> None:
    steps = run(engine, [
        floods(make, "e1", "Civil protection", 40, hedge="at_least", day=0),
        floods(make, "e2", "Red Cross", 45, hedge="at_least", day=1),
        floods(make, "e3", "A town councillor", 400, day=2),
    ])
    assert steps[1].state.last is not None and steps[1].state.last.open_high
    assert alerts(steps) == []  # "at least 40/45" allow 400


def test_lower_bounds_in_the_majority_keep_the_consensus_open(engine: Any, make: Any) -> None:
    steps = run(engine, [
        floods(make, "e1", "Civil protection", 40, hedge="at_least", day=0),
        floods(make, "e2", "Police", 41, hedge="at_least", day=0),
        floods(make, "e3", "Hospital", 44, hedge="at_least", day=0),
        floods(make, "e4", "Red Cross", 42, hedge="approximately", day=0),
        floods(make, "e5", "A town councillor", 400, day=0.5),
    ])
    last = steps[3].state.last
    assert last is not None and last.open_high
    assert alerts(steps) == []
