"""The engine's rules, one behaviour per test: hedges, supersede, duplicates,
copies, denials, presence, moving truth, sub-scopes, robustness."""

from __future__ import annotations

import math
from typing import Any

import orjson
import pytest

from schemas.events import ClaimObserved, ConsensusUpdated
from streams.consensus import ClaimState, ConsensusEngine, EngineSettings, ReliabilityBook, Step
from streams.consensus.engine import COPY, DUPLICATE, REPEAT, STALE, SUPERSEDED
from streams.replay import Replayer


def run(engine: ConsensusEngine, events: list[ClaimObserved]) -> tuple[ClaimState, list[Step]]:
    """Apply events of one claim in order, feeding reliability records back like the shell."""
    state: ClaimState | None = None
    steps = []
    for ev in events:
        step = engine.apply(state, ev)
        for key, value in step.reliability:
            engine.reliability.ingest(key, value)
        steps.append(step)
        state = step.state
    assert state is not None
    return state, steps


def last_update(steps: list[Step]) -> ConsensusUpdated:
    return [s.update for s in steps if s.update is not None][-1]


# -- first observation, records ----------------------------------------------


def test_first_observation_publishes_a_consensus_and_no_alert(engine: Any, make: Any) -> None:
    step = engine.apply(None, make("e1", "Rwanda Navy", 36))
    assert step.update is not None and step.alert is None
    assert step.update.version == 1
    assert step.update.estimate.model_dump() == {"low": 36.0, "best": 36.0, "high": 36.0}
    assert step.update.n_sources == 1
    assert step.update.supporting[0].source == "Rwanda Navy"
    assert step.update.supporting[0].weight == 1.0
    # time comes from the event, never from the clock
    assert step.update.updated_at == make("e1", "x", 1).observed_at
    key, value = step.reliability[0]
    assert key == "Rwanda Navy\x1fferry-passengers:missing@lake-kivu"
    assert value["q"] == [36.0, 36.0, 36.0] and value["st"] == "asserts"


def test_apply_does_not_modify_the_state_it_is_given(engine: Any, make: Any) -> None:
    first = engine.apply(None, make("e1", "Rwanda Navy", 36)).state
    before = first.to_dict()
    engine.apply(first, make("e2", "Red Cross", 40, day=1))
    assert first.to_dict() == before


# -- hedges ----------------------------------------------------------------


def test_approximately_becomes_an_interval(engine: Any, make: Any) -> None:
    step = engine.apply(None, make("e1", "Governor", 10000, hedge="approximately"))
    assert step.update.estimate.model_dump() == {"low": 9500.0, "best": 10000.0, "high": 10500.0}


def test_at_least_is_a_lower_bound_not_an_upper_one(engine: Any, make: Any) -> None:
    _, steps = run(engine, [
        make("e1", "Rescue team", 214, hedge="at_least"),
        make("e2", "Hospital", 240, hedge="exact", day=0.1),
    ])
    est = last_update(steps).estimate
    # the hospital's 240 lies inside [214, ∞): the two agree, no alert either
    assert est.low >= 214 and est.high >= 240
    assert all(s.alert is None for s in steps)


def test_range_bounds_enter_the_consensus_interval(engine: Any, make: Any) -> None:
    step = engine.apply(None, make("e1", "NIS", 11500, low=11000, high=12000, hedge="range"))
    assert step.update.estimate.model_dump() == {"low": 11000.0, "best": 11500.0, "high": 12000.0}


# -- supersede, repeats, duplicates ------------------------------------------


def test_a_sources_newer_statement_supersedes_its_older_one(engine: Any, make: Any) -> None:
    state, steps = run(engine, [
        make("e1", "Police", 12),
        make("e2", "Police", 19, day=2),
    ])
    assert steps[1].outcome == SUPERSEDED
    upd = last_update(steps)
    assert upd.n_sources == 1 and upd.estimate.best == 19.0
    assert [s.event_id for s in upd.supporting] == ["e2"]
    assert list(state.observations) == ["Police"]


def test_a_late_arriving_older_statement_does_not_override(engine: Any, make: Any) -> None:
    # the day-2 figure is read first; the day-0 article arrives afterwards
    state, steps = run(engine, [
        make("e2", "Police", 19, day=2, seen_day=2),
        make("e1", "Police", 12, day=0, seen_day=3),
    ])
    assert steps[1].outcome == STALE and steps[1].update is None
    assert state.observations["Police"].event_id == "e2"


def test_same_source_repeating_itself_changes_nothing(engine: Any, make: Any) -> None:
    state, steps = run(engine, [
        make("e1", "Police", 12, text="Police said twelve people were missing."),
        make("e2", "Police", 12, text="Twelve remain missing, police told another paper."),
    ])
    assert steps[1].outcome == REPEAT
    assert steps[1].update is None and steps[1].alert is None
    assert state.version == 1


def test_duplicate_event_id_changes_nothing(engine: Any, make: Any) -> None:
    state, _ = run(engine, [make("e1", "Police", 12), make("e2", "Red Cross", 15, day=1)])
    again = engine.apply(state, make("e2", "Red Cross", 15, day=1))
    assert again.outcome == DUPLICATE
    assert again.update is None and again.alert is None and again.reliability == []
    assert again.state.to_dict() == state.to_dict()
    # also a redelivery of the very first event, long after
    assert engine.apply(state, make("e1", "Police", 12)).outcome == DUPLICATE


def test_a_redelivery_of_the_last_change_resends_its_update_and_record(engine: Any, make: Any) -> None:
    """The crash window between the Table write and the sends: the redelivered
    event re-publishes the very same update and reliability record."""
    state, steps = run(engine, [make("e1", "Police", 12), make("e2", "Red Cross", 15, day=1)])
    update, records = engine.resend(state, "e2")
    assert update is not None and update == steps[1].update
    # every source's record of the claim: a crash may have lost earlier ones too
    assert sorted(records) == sorted(steps[0].reliability + steps[1].reliability)
    # an older redelivery: its update was replaced by the ones that followed
    assert engine.resend(state, "e1") == (None, records)


def test_seen_ids_are_bounded(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(seen_capacity=5), ReliabilityBook())
    state, _ = run(engine, [make(f"e{i}", "Police", 12, day=i / 100) for i in range(20)])
    assert len(state.seen) == 5


def test_a_kept_statement_stays_a_duplicate_after_its_id_left_the_window(make: Any) -> None:
    engine = ConsensusEngine(EngineSettings(seen_capacity=3), ReliabilityBook())
    events = [make("first", "Coast guard", 30)]
    events += [make(f"e{i}", "Police", 12 + i, day=i) for i in range(1, 6)]
    state, _ = run(engine, events)
    assert "first" not in state.seen
    assert engine.apply(state, make("first", "Coast guard", 30)).outcome == DUPLICATE


# -- copies --------------------------------------------------------------------

WIRE = (
    "At least 36 passengers are still missing after the ferry capsized near Goma, "
    "the provincial governor said on Thursday evening."
)


def test_identical_copy_under_another_source_name_counts_once(engine: Any, make: Any) -> None:
    _, steps = run(engine, [
        make("e1", "the provincial governor", 36, text=WIRE),
        make("e2", "North Kivu governor", 36, text=WIRE, day=0.2),
    ])
    assert steps[1].outcome == COPY
    assert steps[1].update is None and steps[1].reliability == []
    assert last_update(steps).n_sources == 1


def test_near_identical_copy_counts_once(engine: Any, make: Any) -> None:
    edited = WIRE.replace("Thursday evening", "Thursday night")
    _, steps = run(engine, [
        make("e1", "the provincial governor", 36, text=WIRE),
        make("e2", "Governor of North Kivu", 36, text=edited, day=0.2),
    ])
    assert steps[1].outcome == COPY


def test_independent_wording_with_the_same_figure_is_a_second_source(
    engine: Any, make: Any
) -> None:
    _, steps = run(engine, [
        make("e1", "the provincial governor", 36, text=WIRE),
        make("e2", "Red Cross", 36, text="The Red Cross counts 36 people unaccounted for.", day=1),
    ])
    assert last_update(steps).n_sources == 2


def test_a_short_text_that_two_sources_share_by_chance_is_not_a_copy(engine: Any, make: Any) -> None:
    """A figure alone, or a few words, coincide between independent sources (a
    table converted to claims, a terse wire line): agreement, not copying."""
    _, steps = run(engine, [
        make("e1", "Census bureau", 36, text="36"),
        make("e2", "City registry", 36, text="36", day=1),
        make("e3", "Almanac", 36, text="Population: 36.", day=2),
        make("e4", "Gazetteer", 36, text="Population: 36.", day=3),
    ])
    assert COPY not in [s.outcome for s in steps]
    assert last_update(steps).n_sources == 4


TABLE_ROW = "The population recorded for Springfield in the 2010 census table is 36."
UNATTRIBUTED = "At least 36 passengers are still missing after the ferry capsized near Goma."


def test_the_same_words_from_unrelated_names_are_two_sources(engine: Any, make: Any) -> None:
    """A data set converted from a table gives every contributor one sentence
    template: sources that agree to the digit then write the very same words.
    Taking that for copying would count the truth once, like one vandal."""
    _, steps = run(engine, [
        make("e1", "Census Bureau", 36, text=TABLE_ROW),
        make("e2", "City registry", 36, text=TABLE_ROW, day=1),
        make("e3", "Almanac", 36, text=TABLE_ROW, day=2),
        make("e4", "vandal-17", 36_000, text=TABLE_ROW.replace("36", "36000"), day=3),
    ])
    assert COPY not in [s.outcome for s in steps]
    update = last_update(steps)
    assert update.n_sources == 4
    assert update.estimate.best == 36


def test_outlets_printing_one_unattributed_article_count_once(engine: Any, make: Any) -> None:
    """An unattributed figure is named for the outlet that printed it; another
    outlet syndicating the same words is the same article, not a second source."""
    state, steps = run(engine, [
        make("e1", "Lake Times", 36, text=UNATTRIBUTED, source_kind="outlet"),
        make("e2", "Morning Herald", 36, text=UNATTRIBUTED, day=0.2, source_kind="outlet"),
    ])
    assert steps[1].outcome == COPY
    assert last_update(steps).n_sources == 1
    # the flag is part of the statement the changelog keeps
    restored = ClaimState.from_dict(orjson.loads(orjson.dumps(state.to_dict())))
    assert restored.observations["Lake Times"].publisher
    third = engine.apply(restored, make("e3", "Valley News", 36, text=UNATTRIBUTED, day=0.4,
                                        source_kind="outlet"))
    assert third.outcome == COPY


def test_an_outlet_and_a_named_speaker_in_the_same_words_are_two_sources(
    engine: Any, make: Any
) -> None:
    _, steps = run(engine, [
        make("e1", "Lake Times", 36, text=UNATTRIBUTED, source_kind="outlet"),
        make("e2", "Red Cross", 36, text=UNATTRIBUTED, day=0.2, source_kind="organization"),
    ])
    assert steps[1].outcome != COPY


def test_same_words_with_a_different_figure_is_not_a_copy(engine: Any, make: Any) -> None:
    _, steps = run(engine, [
        make("e1", "the provincial governor", 36, text=WIRE),
        make("e2", "North Kivu governor", 40, text=WIRE.replace("36", "40"), day=1),
    ])
    assert steps[1].outcome != COPY
    assert last_update(steps).n_sources == 2


# -- denials and presence ----------------------------------------------------


def test_denials_never_enter_the_numbers(engine: Any, make: Any) -> None:
    _, steps = run(engine, [
        make("e1", "Ukraine", 10000, hedge="approximately"),
        make("e2", "Kremlin", 10000, stance="denies", day=1),
        make("e3", "Moscow embassy", 2, stance="denies", day=1),
    ])
    upd = last_update(steps)
    assert upd.estimate.model_dump() == {"low": 9500.0, "best": 10000.0, "high": 10500.0}
    assert upd.presence is not None and upd.presence.probability < 0.5
    stances = {s.source: s.stance for s in upd.supporting}
    assert stances == {"Ukraine": "asserts", "Kremlin": "denies", "Moscow embassy": "denies"}


def presence_after(engine: ConsensusEngine, make: Any, stances: list[str]) -> float:
    events = [
        make(f"e{i}", f"source {i}", stance=st, measure="presence", key="drones:presence@port",
             day=i / 10)
        for i, st in enumerate(stances)
    ]
    _, steps = run(engine, events)
    p = last_update(steps).presence
    assert p is not None
    return p.probability


@pytest.mark.parametrize(
    ("stances", "low", "high"),
    [
        (["asserts"], 0.6, 0.95),
        (["asserts", "asserts", "asserts"], 0.85, 1.0),
        (["asserts", "asserts", "asserts", "denies"], 0.6, 0.85),
        (["asserts", "denies", "denies", "denies"], 0.15, 0.4),
        (["denies", "denies"], 0.0, 0.2),
    ],
)
def test_presence_probability_is_the_weighted_share_of_assertions(
    make: Any, stances: list[str], low: float, high: float
) -> None:
    engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
    p = presence_after(engine, make, stances)
    assert low <= p <= high


def test_a_trusted_denial_weighs_more_than_an_unknown_one(make: Any) -> None:
    plain = presence_after(ConsensusEngine(), make, ["asserts", "denies"])
    book = ReliabilityBook(priors={"source 1": 0.95})
    trusted = presence_after(ConsensusEngine(EngineSettings(), book), make, ["asserts", "denies"])
    assert trusted < plain


def test_neutral_reports_do_not_move_presence(engine: Any, make: Any) -> None:
    p = presence_after(engine, make, ["asserts", "neutral", "neutral"])
    assert p == pytest.approx(presence_after(ConsensusEngine(), make, ["asserts"]), abs=0.01)
    assert p > 0.5


# -- moving truth and robustness ---------------------------------------------


def test_truth_that_moves_is_followed(engine: Any, make: Any) -> None:
    _, steps = run(engine, [
        make("e1", "Seoul officials", 1500, day=0),
        make("e2", "NIS", 3000, day=7),
        make("e3", "Pentagon", 10000, day=21),
        make("e4", "Kyiv", 12000, day=28),
    ])
    upd = last_update(steps)
    assert upd.estimate.best == 12000.0
    # ...without forgetting who said what
    assert {s.source for s in upd.supporting} == {"Seoul officials", "NIS", "Pentagon", "Kyiv"}
    weights = {s.source: s.weight for s in upd.supporting}
    assert weights["Kyiv"] > weights["Pentagon"] > weights["NIS"] > weights["Seoul officials"]


def test_without_time_differences_the_median_holds(engine: Any, make: Any) -> None:
    _, steps = run(engine, [
        make("e1", "A", 1500), make("e2", "B", 3000), make("e3", "C", 10000),
    ])
    assert last_update(steps).estimate.best == 3000.0


def test_one_wild_figure_does_not_move_the_consensus(engine: Any, make: Any) -> None:
    _, steps = run(engine, [
        make("e1", "A", 980), make("e2", "B", 1000), make("e3", "C", 1010),
        make("e4", "D", 9_000_000),
    ])
    assert last_update(steps).estimate.best in (1000.0, 1005.0)


# -- sub-scopes ------------------------------------------------------------------


def test_sub_scopes_are_separate_claims(engine: Any, make: Any) -> None:
    replayer = Replayer(engine)
    list(replayer.feed([
        make("e1", "UN", 40000, key="displaced:count@north-kivu"),
        make("e2", "MSF", 41000, key="displaced:count@north-kivu", day=1),
        make("e3", "Local council", 900, key="displaced:count@north-kivu/goma",
             parent_key="displaced:count@north-kivu", location="Goma", day=2),
    ]))
    final = {u.claim_key: u for u in replayer.final()}
    parent = final["displaced:count@north-kivu"]
    child = final["displaced:count@north-kivu/goma"]
    assert parent.estimate.low >= 40000 and parent.n_sources == 2
    assert child.estimate.best == 900.0 and child.parent_key == "displaced:count@north-kivu"


# -- serialisation -------------------------------------------------------------


def test_state_round_trips_through_json(engine: Any, make: Any) -> None:
    import orjson

    state, _ = run(engine, [
        make("e1", "A", 214, hedge="at_least"),
        make("e2", "B", None, stance="denies", day=1),
        make("e3", "C", 250, hedge="approximately", day=2),
    ])
    d = state.to_dict()
    back = ClaimState.from_dict(orjson.loads(orjson.dumps(d)))
    assert back.to_dict() == d
    assert math.isinf(back.observations["A"].hi or 0.0)
    assert back.observations["B"].point is None


def test_presence_fades_slower_than_counts(engine: Any, make: Any) -> None:
    """Two weeks after three assertions, one denial does not make the thing unlikely,
    while a count from two weeks later does replace an old count."""
    p = presence_after(engine, make, ["asserts", "asserts", "asserts"])
    events = [
        make(f"a{i}", f"witness {i}", stance="asserts", measure="presence",
             key="convoy:presence@border", day=0)
        for i in range(3)
    ]
    events.append(make("d", "ministry", stance="denies", measure="presence",
                       key="convoy:presence@border", day=14))
    _, steps = run(engine, events)
    later = last_update(steps).presence
    assert later is not None and 0.5 < later.probability < p


def test_a_statement_dated_after_its_publication_gets_no_recency_bonus(
    engine: Any, make: Any
) -> None:
    from datetime import timedelta

    future = make("e3", "Typo desk", 90000, day=3)
    future = future.model_copy(update={"as_of": future.as_of + timedelta(days=300)})
    _, steps = run(engine, [make("e1", "A", 1000, day=0), make("e2", "B", 1000, day=1), future])
    assert last_update(steps).estimate.best == 1000.0


def test_a_split_between_sources_shows_as_a_wide_interval(engine: Any, make: Any) -> None:
    _, steps = run(engine, [make("e1", "Army", 100), make("e2", "Rebels", 200)])
    assert last_update(steps).estimate.model_dump() == {"low": 100.0, "best": 150.0,
                                                         "high": 200.0}


def test_agreeing_sources_give_their_common_interval(engine: Any, make: Any) -> None:
    _, steps = run(engine, [
        make("e1", "A", 10000, hedge="approximately"),
        make("e2", "B", 10000, hedge="approximately"),
        make("e3", "C", 10000, hedge="approximately"),
        make("e4", "D", 10000, hedge="approximately"),
        make("e5", "E", 55000),  # one outlier among five: not in the middle half
    ])
    assert last_update(steps).estimate.model_dump() == {"low": 9500.0, "best": 10000.0,
                                                         "high": 10500.0}


def test_one_far_off_source_does_not_stretch_a_well_supported_interval(
    engine: Any, make: Any
) -> None:
    _, steps = run(engine, [
        make("e1", "Coast guard", 40, hedge="at_least", day=0),
        make("e2", "Red Cross", 42, hedge="approximately", day=1),
        make("e3", "A mayor", 400, day=2),
    ])
    assert last_update(steps).estimate.model_dump() == {"low": 39.9, "best": 42.0,
                                                         "high": 44.1}


def test_two_against_one_keeps_the_majoritys_interval_but_two_against_two_is_wide(
    engine: Any, make: Any
) -> None:
    _, steps = run(engine, [make("e1", "A", 100), make("e2", "B", 104), make("e3", "C", 900)])
    assert last_update(steps).estimate.model_dump() == {"low": 100.0, "best": 104.0,
                                                         "high": 104.0}
    _, steps = run(ConsensusEngine(EngineSettings(), ReliabilityBook()), [
        make("f1", "A", 100, key="k2"), make("f2", "B", 100, key="k2"),
        make("f3", "C", 900, key="k2"), make("f4", "D", 900, key="k2"),
    ])
    assert last_update(steps).estimate.model_dump() == {"low": 100.0, "best": 500.0,
                                                         "high": 900.0}


def test_a_lower_bound_above_the_bounded_figures_widens_the_interval_to_it(
    engine: Any, make: Any
) -> None:
    _, steps = run(engine, [make("e1", "A", 50, hedge="at_least"), make("e2", "B", 42)])
    est = last_update(steps).estimate
    assert (est.low, est.best, est.high) == (42.0, 46.0, 50.0)


def _with_fingerprints(d: dict[str, Any]) -> dict[str, Any]:
    """A state as written before the fingerprints became lazy: each statement kept
    ``[..., conf, text hash, sketch, word count]`` in place of its evidence text."""
    from streams.consensus.fingerprint import sketch, text_hash, words

    settings = EngineSettings()
    old = []
    for v in d["obs"]:
        toks = words(v[9])
        n = len(toks)
        sk = list(sketch(toks, settings.sketch_size)) if n >= settings.copy_min_words else []
        old.append([*v[:9], text_hash(toks), sk, n])
    return {**d, "obs": old}


@pytest.mark.parametrize("edit", [
    lambda t: t,                                            # the very same words
    lambda t: t.replace("Thursday evening", "Thursday night"),  # a word changed
])
def test_a_state_written_with_fingerprints_still_catches_copies(
    engine: Any, make: Any, edit: Any
) -> None:
    """A worker restarting on an old changelog reads states that kept the
    fingerprints, not the text; copies of those statements still count once."""
    import orjson

    state, _ = run(engine, [make("e1", "the provincial governor", 36, text=WIRE)])
    old = orjson.loads(orjson.dumps(_with_fingerprints(state.to_dict())))
    restored = ClaimState.from_dict(old)
    assert restored.to_dict() == old  # written back in the form it was read
    step = engine.apply(restored, make("e2", "North Kivu governor", 36, text=edit(WIRE), day=0.2))
    assert step.outcome == COPY
    other = engine.apply(restored, make(
        "e3", "Red Cross", 36, text="The Red Cross counts 36 people unaccounted for.", day=1,
    ))
    assert other.outcome != COPY and other.update is not None
    assert other.update.n_sources == 2
