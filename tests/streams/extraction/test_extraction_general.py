"""General rules of English news sentences, each tested on sentences written for these tests
(none taken from a data set): past events, denials of a figure named by its owner, who
speaks for a group's own counters, and counts stated in other words."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import ClaimObserved

Extract = Callable[..., list[ClaimObserved]]
_PUB = "2026-03-11T10:00:00Z"  # a Wednesday


def _values(claims: list[ClaimObserved]) -> set[float]:
    return {c.value.best for c in claims if c.value is not None}


# --- past events -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        # a date one noun further down ("in the same bay in May 2019"), and a second verb
        # without its own subject sharing the first verb's time
        ("The disaster agency said on Tuesday that 12 people had died in the storm. "
         "A cyclone in the same bay in May 2019 flattened about 4,000 huts and killed 23 fishermen, "
         "the agency said.", {12}, {4000, 23}),
        # "during riots in August 2022": the date hangs on the event noun
        ("Police said 45 demonstrators were detained on Monday. During riots in August 2022, police "
         "arrested more than 700 people, according to a rights group.", {45}, {700}),
        # "said at the time": a statement made back then, whatever its tense
        ("The ministry said 31 homes were flooded this week. An earlier flood displaced 8,000 families "
         "and destroyed 900 homes, the ministry said at the time.", {31}, {8000, 900}),
        ("Officials said 14 people were hurt. A similar crash left 60 injured, according to the "
         "railway company at the time.", {14}, {60}),
    ],
)  # fmt: skip
def test_past_events_are_background(extract: Extract, text: str, kept: set[float], dropped: set[float]) -> None:
    values = _values(extract(text, published_at=_PUB))
    assert kept <= values, values
    assert not (dropped & values), values


def test_a_verb_joined_to_a_modal_one_is_speculative_too(extract: Extract) -> None:
    text = (
        "Police said 12 people had died in the floods. Engineers warned that the dam could fail "
        "within hours and threaten up to 3,000 villagers living downstream."
    )
    values = _values(extract(text, published_at=_PUB))
    assert 12 in values and 3000 not in values, values


def test_a_joined_verb_with_its_own_subject_is_not_under_the_modal(extract: Extract) -> None:
    text = "Police said the storm could flatten crops in the valley, and that 40 people had been evacuated."
    assert 40 in _values(extract(text, published_at=_PUB))


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        ("Police said 300 refugees had arrived on Monday. Kenya hosts more than 500,000 refugees, "
         "according to the UN.", {300}, {500000}),
        ("The union said 2,000 workers had walked out. The company employs about 9,000 people "
         "nationwide, the union said.", {2000}, {9000}),
        # "now": the event's own count
        ("The agency said the school gym now shelters 900 evacuees.", {900}, set()),
    ],
)  # fmt: skip
def test_standing_populations_in_the_simple_present(
    extract: Extract, text: str, kept: set[float], dropped: set[float]
) -> None:
    values = _values(extract(text, published_at=_PUB))
    assert kept <= values, values
    assert not (dropped & values), values


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        # "it holds": what a thing can take, even as a bare number
        ("Police said about 18,000 people had crowded into the arena on Saturday, though it holds "
         "only 12,000.", {18000}, {12000}),
        # "it" as the speaker's own holding is a count
        ("The army said it holds 40 prisoners of war.", {40}, set()),
        ("The rebels said they hold 30 hostages.", {30}, set()),
    ],
)  # fmt: skip
def test_what_it_holds_is_a_capacity(extract: Extract, text: str, kept: set[float], dropped: set[float]) -> None:
    values = _values(extract(text, published_at=_PUB))
    assert kept <= values, values
    assert not (dropped & values), values


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # a verb with its own subject has its own time
        ("The council said the bridge had been closed twice in 2024, and that 5 engineers had been "
         "arrested on Monday.", {5}),
        # "at the time" on the figure's own verb dates the figure, not the statement
        ("Police said 300 people were inside the hall at the time.", {300}),
        # "at the time of the blast" names a moment of the story
        ("The company said 85 workers were on site at the time of the blast.", {85}),
    ],
)  # fmt: skip
def test_current_figures_beside_past_dates_are_kept(extract: Extract, text: str, kept: set[float]) -> None:
    values = _values(extract(text, published_at=_PUB))
    assert kept <= values, values


# --- denials of a figure named by its owner --------------------------------------------------


def _denials(claims: list[ClaimObserved]) -> set[tuple[float | None, str]]:
    return {(c.value.best if c.value else None, c.source.name) for c in claims if c.stance == "denies"}


def test_rejecting_a_bare_figure_denies_the_headline_not_its_part(extract: Extract) -> None:
    text = (
        "Hospital officials said on Monday that 5 people had died in the fire. "
        "The Red Crescent said it had treated more than 220 people at the scene and that 45 of them "
        "had been taken to hospital. "
        "A fire service spokesman rejected the charity's figure, saying most of those treated had "
        "only inhaled smoke."
    )
    denied = {v for v, _ in _denials(extract(text, published_at=_PUB))}
    assert 220 in denied, denied
    assert 45 not in denied, denied


def test_rejecting_a_death_toll_denies_the_deaths_not_the_admissions(extract: Extract) -> None:
    text = (
        "The outbreak has killed 31 people in Oyo state, the state ministry said on Tuesday. "
        "A charity that runs a clinic in the state said it had admitted 900 patients since January "
        "and that 75 of them had died. "
        "The state health commissioner rejected the charity's death toll, saying many patients had "
        "come from other states."
    )
    claims = extract(text, published_at=_PUB)
    denials = [c for c in claims if c.stance == "denies"]
    assert [(c.value.best if c.value else None, c.measure) for c in denials] == [(75, "deaths")], denials


def test_a_figure_judged_false_by_a_copula_is_denied_by_the_speaker(extract: Extract) -> None:
    text = (
        "A district official said 19 villagers were killed in the raid on Sunday. "
        "An army spokesman said on Tuesday that the official's figure of 19 dead was an exaggeration."
    )
    claims = extract(text, published_at=_PUB)
    by_army = [c for c in claims if "army" in c.source.name.lower()]
    assert [(c.stance, c.value.best if c.value else None) for c in by_army] == [("denies", 19)], by_army


# --- who speaks -------------------------------------------------------------------------------


def _by_value(claims: list[ClaimObserved]) -> dict[float, str]:
    return {c.value.best: c.source.name for c in claims if c.value is not None and c.stance == "asserts"}


def test_the_speakers_own_staff_count_for_the_speaker(extract: Extract) -> None:
    text = "The Coastal Rescue Alliance said on Monday that its volunteers had counted 37 bodies along the shore."
    assert _by_value(extract(text, published_at=_PUB)).get(37) == "Coastal Rescue Alliance"


def test_someone_elses_counters_stay_the_source(extract: Extract) -> None:
    text = "The governor said local health officials counted 230 cases in the valley."
    assert _by_value(extract(text, published_at=_PUB)).get(230) == "local health officials"


def test_an_administrative_area_that_recorded_figures_is_not_the_speaker(extract: Extract) -> None:
    text = (
        "A typhoid outbreak has infected 1,400 people in the north, the health ministry said on Monday. "
        "The ministry said Varenko county had recorded 410 of the cases."
    )
    by_value = _by_value(extract(text, published_at=_PUB))
    assert by_value.get(410) == "health ministry", by_value


def test_the_agency_is_a_public_body_named_by_another_head_noun(extract: Extract) -> None:
    text = (
        "A cholera outbreak has killed 40 people, the National Institute for Epidemic Research (NIER) "
        "said on Thursday. The agency said 300 cases had been recorded in the state."
    )
    by_value = _by_value(extract(text, published_at=_PUB))
    assert by_value.get(300) == by_value.get(40) == "National Institute for Epidemic Research (NIER)", by_value


def test_a_body_that_listed_a_figure_states_it_but_a_document_does_not(extract: Extract) -> None:
    text = (
        "The district relief office had listed 64 people as missing on Monday, but the governor said "
        "several families had since been found. "
        "A port official said the ferry's manifest listed 180 passengers."
    )
    by_value = _by_value(extract(text, published_at=_PUB))
    assert by_value.get(64) == "district relief office", by_value
    assert by_value.get(180) == "port official", by_value


# --- counts stated in other words -------------------------------------------------------------


def _keyed(claims: list[ClaimObserved]) -> set[tuple[str, float]]:
    return {(c.measure, c.value.best) for c in claims if c.value is not None and c.stance == "asserts"}


def test_vague_count_of_a_participle(extract: Extract) -> None:
    text = "Rail officials said on Tuesday that dozens of wounded had been reported at two stations."
    assert ("injured", 36) in _keyed(extract(text, published_at=_PUB))
    # ... and the wounded being treated in clinics are in hospital (the annotation's hospitalized)
    text = "Rail officials said on Tuesday that dozens of wounded were being treated in two clinics."
    assert ("hospitalized", 36) in _keyed(extract(text, published_at=_PUB))


def test_a_toll_that_rose_to_a_number_tagged_as_a_time(extract: Extract) -> None:
    text = (
        "At least 8 people died when the bridge collapsed, police said on Monday. "
        "The governor said on Tuesday that the toll had risen to 11 overnight."
    )
    assert ("deaths", 11) in _keyed(extract(text, published_at=_PUB))


def test_a_clock_time_after_a_change_verb_is_still_a_time(extract: Extract) -> None:
    text = "Police said 40 people were hurt, and that the curfew had moved to 10 p.m. on Tuesday."
    values = _values(extract(text, published_at=_PUB))
    assert 40 in values and 10 not in values, values


def test_put_the_number_of_those_who_lost_their_homes_at(extract: Extract) -> None:
    text = (
        "A fire swept through the settlement on Sunday. The relief agency put the number of residents "
        "who had lost their homes at about 6,200."
    )
    assert 6200 in _values(extract(text, published_at=_PUB))


# --- measures stated by other verbs -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The relief agency put the number of residents who had lost their homes at about 6,200.",
        "The mayor said 6,200 families had lost their houses in the floods.",
    ],
)  # fmt: skip
def test_losing_homes_is_displacement(extract: Extract, text: str) -> None:
    assert ("displaced", 6200) in _keyed(extract(text, published_at=_PUB))


def test_losing_lives_is_still_a_death(extract: Extract) -> None:
    text = "The coast guard said 17 migrants had lost their lives when the boat sank."
    assert ("deaths", 17) in _keyed(extract(text, published_at=_PUB))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The jail governor said 35 of the escapees had been recaptured by Thursday.", ("captured", 35)),
        ("The minister said soldiers had recaptured 19 prisoners near the border.", ("captured", 19)),
        ("The fire brigade said about 850 huts had burned before the wind dropped.", ("destroyed", 850)),
    ],
)  # fmt: skip
def test_measures_of_recapture_and_burning(extract: Extract, text: str, expected: tuple[str, float]) -> None:
    assert expected in _keyed(extract(text, published_at=_PUB))


def test_burning_something_is_not_being_burned(extract: Extract) -> None:
    text = "Police said 200 protesters burned tyres outside the parliament."
    assert ("destroyed", 200) not in _keyed(extract(text, published_at=_PUB))


def test_a_part_of_a_toll_shares_its_measure(extract: Extract) -> None:
    text = "The navy said on Monday that its strike had killed 26 pirates, including four ringleaders."
    assert ("deaths", 4) in _keyed(extract(text, published_at=_PUB))


def test_giving_way_is_an_event_not_a_statement(extract: Extract) -> None:
    text = "The hillside above the village gave way before dawn on Monday, burying about 40 houses, police said."
    assert _by_value(extract(text, published_at=_PUB)).get(40) == "police"
    # with no speaker at all, the figure is the reporter's own: not a claim
    assert extract("The embankment gave way on Sunday, burying about 25 homes.", published_at=_PUB) == []


def test_giving_a_figure_is_still_a_statement(extract: Extract) -> None:
    assert _by_value(extract("The ministry gave a toll of 45 dead on Monday.", published_at=_PUB)).get(45) == "ministry"


def test_joined_verbs_share_their_speaker(extract: Extract) -> None:
    text = "The agency bowed to pressure on Monday and said 30 people had died in the blast."
    assert _by_value(extract(text, published_at=_PUB)).get(30) == "agency"


# --- denials by a gerund ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A state broadcaster said on Tuesday that border guards had detained 14 fishermen near the "
         "island. The navy denied detaining anyone.", 14),
        ("Rebels said the army had killed 22 civilians in the raid. The army denied killing any "
         "civilians.", 22),
        # a denied presence beside it does not answer the figure
        ("A state broadcaster said on Tuesday that border guards had detained 14 fishermen near the "
         "island. The navy denied detaining anyone, and the embassy said there were no foreign "
         "troops on the island.", 14),
    ],
)  # fmt: skip
def test_denying_doing_it_to_anyone_denies_the_figure(extract: Extract, text: str, value: float) -> None:
    denials = _denials(extract(text, published_at=_PUB))
    assert any(v == value for v, _ in denials), denials


def test_denying_another_act_is_no_denial_of_the_figure(extract: Extract) -> None:
    text = "Rebels said the army had killed 22 civilians in the raid. The army denied targeting the village."
    assert _denials(extract(text, published_at=_PUB)) == set()


# --- a parse that makes the counted noun the speaker ------------------------------------------


def test_object_parsed_as_the_subject_of_said_with_the_speaker_apposed(extract: Extract) -> None:
    # The small model reads "34 guests, the chairman ... said" as "34 guests said", with the
    # chairman in apposition: the guests are still the ones killed, the chairman the speaker.
    text = (
        "A drone strike on a crowded wedding in the village of Haro in Mali's central Mopti region "
        "killed at least 34 guests, the chairman of the local youth association said on Friday, but "
        "the army disputed the toll."
    )
    claims = [c for c in extract(text, published_at=_PUB) if c.value is not None and c.value.best == 34]
    assert [(c.measure, c.stance) for c in claims] == [("deaths", "asserts")], claims
    assert "chairman" in claims[0].source.name


# --- a verbless part of the figure before it ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Police said 40 people had died and 75 were injured, 12 of them critically.",
        "Officials of the regional rescue service told reporters at the scene that 40 people had died "
        "and 75 were injured, 12 of them critically.",
    ],
)
def test_a_verbless_part_shares_the_figure_before_it(extract: Extract, text: str) -> None:
    claims = [c for c in extract(text, published_at=_PUB) if c.value is not None and c.value.best == 12]
    assert [c.measure for c in claims] == ["injured"], claims
    assert "critical" in claims[0].claim_key


def test_a_part_with_its_own_verb_is_read_as_usual(extract: Extract) -> None:
    text = "The agency said 9,300 people had lost their homes, and about 4,000 of them were children."
    claims = [c for c in extract(text, published_at=_PUB) if c.value is not None and c.value.best == 4000]
    assert claims and all("critical" not in c.claim_key for c in claims)


def test_a_verbless_part_at_the_end_of_a_paragraph(extract: Extract) -> None:
    text = "Police said 40 people had died and 75 were injured, 12 of them critically.\n\nThe road was closed."
    claims = [c for c in extract(text, published_at=_PUB) if c.value is not None and c.value.best == 12]
    assert [c.measure for c in claims] == ["injured"], claims


def test_a_body_named_department_is_still_a_speaker(extract: Extract) -> None:
    text = "The Fire Department has recorded 12 injuries in the blaze, the mayor said."
    assert _by_value(extract(text, published_at=_PUB)).get(12) == "Fire Department"
