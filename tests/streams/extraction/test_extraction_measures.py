"""Counts beyond deaths and troops: what a verb or head noun says is counted
(sentences written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import ClaimObserved

Extract = Callable[..., list[ClaimObserved]]


def _by_value(claims: list[ClaimObserved]) -> dict[float, ClaimObserved]:
    return {c.value.best: c for c in claims if c.value is not None}


@pytest.mark.parametrize(
    ("text", "value", "measure"),
    [
        ("The forestry service said the Pine Ridge blaze had scorched some 6,200 hectares by Friday.",
         6200, "area_burned_hectares"),
        ("The utility said about 48,000 customers were without electricity on Sunday.", 48000, "without_power"),
        ("The fire department said five firefighters had suffered minor injuries.", 5, "injured"),
        ("The army said it had neutralized 14 militants near the border.", 14, "deaths"),
        ("Health officials said they had counted 310 cases in the district.", 310, "cases"),
        ("The ministry said it had shipped 20,000 doses of vaccine to the region.", 20000, "delivered"),
        ("The city said 45 schools had been closed because of the flooding.", 45, "closed"),
        ("The navy said it had deployed 12 ships and 800 sailors to the coast.", 12, "count"),
        ("The union said about 3,500 of its members had joined the walkout.", 3500, "count"),
        ("The hospital said it had hired 250 temporary nurses.", 250, "count"),
        ("The agency said 400 rescuers were assigned to the search.", 400, "count"),
        ("A ministry statement put the number of striking teachers at between 4,000 and 6,000.", 5000, "count"),
        ("The agency said that 3 officials of the firm had been arrested on Wednesday.", 3, "arrested"),
        ("The Pine Fire had burned about 8,400 acres by Tuesday morning, according to the forest service.",
         8400, "area_burned_acres"),
        ("The mission said hundreds of civilians had sought shelter at its base.", 300, "count"),
    ],
)  # fmt: skip
def test_measures_from_verbs_and_nouns(extract: Extract, text: str, value: float, measure: str) -> None:
    claims = _by_value(extract(text))
    assert value in claims, [(c.claim_key, c.value) for c in claims.values()]
    assert claims[value].measure == measure


def test_units_are_not_counted_things(extract: Extract) -> None:
    cs = extract("The weather office said the city recorded 240 millimetres of rain overnight.")
    assert cs == []


@pytest.mark.parametrize(
    ("text", "value", "measure"),
    [
        ("The agency said 1,240 homes had been destroyed in Cebu province.", 1240, "destroyed"),
        ("Local officials said some 90 buildings had collapsed in the town.", 90, "collapsed"),
        ("The agency said more than 31,000 people had been moved to evacuation centres.", 31000, "displaced"),
    ],
)  # fmt: skip
def test_damage_and_evacuation(extract: Extract, text: str, value: float, measure: str) -> None:
    claims = _by_value(extract(text))
    assert claims[value].measure == measure


def test_taking_part_is_a_count(extract: Extract) -> None:
    claims = _by_value(extract("Police said about 4,500 tractors had taken part in the blockades near Larissa."))
    assert claims[4500].measure == "count"


def test_supported_by_n_is_a_count(extract: Extract) -> None:
    claims = _by_value(extract("The agency said 900 firefighters were deployed, supported by 14 helicopters."))
    assert claims[14].measure == "count" and claims[900].measure == "count"


def test_none_is_an_assertion_of_zero(extract: Extract) -> None:
    cs = extract(
        "The police said 14 officers had been lightly injured, and that no protesters had needed hospital "
        "treatment. Officials said no deaths had been reported."
    )
    zeros = {(c.measure, c.source.name) for c in cs if c.value is not None and c.value.best == 0}
    assert zeros == {("hospitalized", "police"), ("deaths", "Officials")}


def test_no_troops_is_left_to_presence(extract: Extract) -> None:
    cs = extract("A government spokesman said there were no Rwandan troops in Congo.")
    assert not any(c.value is not None for c in cs)


@pytest.mark.parametrize(
    ("sentence", "value", "measure"),
    [
        ("The county said 210 homes were destroyed or badly damaged by the tornado.", 210, "destroyed"),
        ("Nurses said 48 pupils had been hospitalised after eating at the school canteen.", 48, "hospitalized"),
        ("Paramedics said 33 workers were being treated for smoke inhalation after the refinery fire.", 33,
         "hospitalized"),
        ("The health board said about 90 patients remained in hospital after the gas leak.", 90, "hospitalized"),
        ("Firefighters said they had pulled 6 tenants alive from the burning block.", 6, "rescued"),
        ("Police said 17 hikers were still trapped by the avalanche.", 17, "trapped"),
        ("The clinic said 26 children were receiving treatment in hospital after the fumes leaked.", 26,
         "hospitalized"),
        ("Officials said 19 passengers were killed or injured in the derailment.", 19, "casualties"),
    ],
)
def test_measure_of_harm_care_and_rescue(extract: Extract, sentence: str, value: float, measure: str) -> None:
    cs = _by_value(extract(sentence))
    assert cs[value].measure == measure


@pytest.mark.parametrize(
    ("sentence", "value", "measure"),
    [
        ("The charity said its teams had handed out 8,000 blankets since Friday.", 8000, "delivered"),
        ("The agency said helicopters had airdropped 600 food parcels to cut-off villages.", 600, "delivered"),
        ("The coast guard said the ferry was carrying 312 passengers when it sank.", 312, "count"),
        ("The shelter was holding about 950 migrants on Monday, the Red Crescent said.", 950, "count"),
    ],
)
def test_carried_held_and_handed_out_are_counted(extract: Extract, sentence: str, value: float, measure: str) -> None:
    cs = extract(sentence)
    assert [(c.value.best if c.value else None, c.measure) for c in cs] == [(value, measure)]


def test_the_injured_is_a_noun_for_people(extract: Extract) -> None:
    cs = extract("Doctors at the district hospital said they were treating around 40 of the injured.")
    assert [(c.value.best if c.value else None, c.subject) for c in cs] == [(40, "people")]


def test_being_somewhere_is_a_count(extract: Extract) -> None:
    cs = extract("Police estimated that up to 55,000 fans had been inside the arena when the roof fell.")
    assert [(c.value.best if c.value else None, c.measure, c.value.hedge if c.value else None) for c in cs] == [
        (55000, "count", "up_to")
    ]
    cs = extract("The coast guard said 212 people were on board the ferry.")
    assert [(c.value.best if c.value else None, c.measure) for c in cs] == [(212, "count")]


@pytest.mark.parametrize(
    ("sentence", "value", "hedge", "measure"),
    [
        ("Police said close to 900 people were arrested.", 900, "nearly", "arrested"),
        ("Police said as many as 3,000 people had been evacuated.", 3000, "up_to", "evacuated"),
        ("Officials said upwards of 500 homes were destroyed.", 500, "more_than", "destroyed"),
        ("Rescuers said some 200 people were missing.", 200, "approximately", "missing"),
        ("The army said no more than 60 soldiers were wounded.", 60, "at_most", "injured"),
    ],
)
def test_hedges_do_not_change_the_measure(
    extract: Extract, sentence: str, value: float, hedge: str, measure: str
) -> None:
    cs = extract(sentence)
    assert [(c.value.best, c.value.hedge, c.measure) for c in cs if c.value is not None] == [(value, hedge, measure)]


def test_a_dozen_is_a_figure(extract: Extract) -> None:
    cs = extract("Officials said at least a dozen soldiers had been killed.")
    assert [(c.value.best, c.value.hedge) for c in cs if c.value is not None] == [(12, "at_least")]
    cs = extract("Medics said two dozen people were hurt.")
    assert [c.value.best for c in cs if c.value is not None] == [24]


def test_a_counted_people_name_is_people(extract: Extract) -> None:
    cs = extract("The refugee agency said more than 2,000 Rohingya had arrived in Aceh by boat since October.")
    assert [(c.value.best, c.subject, c.location) for c in cs if c.value is not None] == [
        (2000, "Rohingya people (arrived)", "Aceh")
    ]
    cs = extract("Police said 300 Uighurs had been detained.")
    assert [(c.value.best, c.measure) for c in cs if c.value is not None] == [(300, "arrested")]
    assert extract("The airline said 3 Boeings had been grounded.") == []


def test_put_the_number_at_n_is_a_figure_even_if_tagged_a_time(extract: Extract) -> None:
    cs = extract(
        "Police said 14 people had died. The guides' association put the number of missing at 11, "
        "a figure the police dismissed as exaggerated."
    )
    got = sorted((c.value.best, c.measure, c.stance, c.source.name) for c in cs if c.value is not None)
    assert got == [
        (11, "missing", "asserts", "guides' association"),
        (11, "missing", "denies", "Police"),  # the police named before
        (14, "deaths", "asserts", "Police"),
    ]
    assert extract("The meeting started at 11, officials said.") == []


def test_a_centre_holding_a_bare_number_holds_people(extract: Extract) -> None:
    cs = extract(
        "The migrants were taken to the reception centre in Pozzallo, which was built for 300 people but was "
        "holding nearly 900 on Friday, according to the Red Cross."
    )
    assert [(c.value.best, c.measure, c.source.name) for c in cs if c.value is not None] == [
        (900, "count", "Red Cross")
    ]


def test_a_capacity_in_the_present_is_not_a_count(extract: Extract) -> None:
    assert extract("The stadium, which holds 40,000 fans, was closed, officials said.") == []
    assert extract("The airline said its planes carry 180 passengers each.") == []
    assert extract("Officials said the hall holds 900.") == []


def test_of_the_n_takes_up_a_figure_already_given(extract: Extract) -> None:
    cs = extract(
        "Rescuers pulled 11 miners alive from the shaft, the operator said. "
        "Of the 11 rescued, four were taken to hospital with burns, the health service said."
    )
    assert sorted((c.value.best, c.source.name) for c in cs if c.value is not None) == [
        (4, "health service"),
        (11, "operator"),
    ]


def test_no_peacekeepers_hurt_is_a_zero_but_no_troops_there_is_presence(extract: Extract) -> None:
    cs = extract("The peacekeeping force said two of its positions had been hit, and that no peacekeepers were hurt.")
    assert [(c.value.best, c.measure) for c in cs if c.value is not None] == [(0, "injured")]
    cs = extract("A government spokesman said there were no Rwandan troops in Congo.")
    assert [(c.measure, c.stance) for c in cs] == [("presence", "denies")]


def test_putting_the_number_still_trapped_at_a_range(extract: Extract) -> None:
    text = (
        "LUSAKA - A copper mine flooded near Chingola on Sunday. Rescue chief Mary Banda put the "
        "number of workers still trapped at between 12 and 18, saying the shift register was lost."
    )
    cs = [c for c in extract(text) if c.value is not None and c.value.hedge == "range"]
    assert cs and cs[0].value is not None and (cs[0].value.low, cs[0].value.high) == (12, 18)


def test_putting_the_number_still_missing_at_a_bare_figure(extract: Extract) -> None:
    text = (
        "LUSAKA - A copper mine flooded near Chingola on Sunday. Rescue chief Mary Banda put the "
        "number of workers still missing at 14."
    )
    cs = [c for c in extract(text) if c.value is not None and c.value.best == 14]
    assert cs and cs[0].measure == "missing"


def test_none_of_a_group_hurt_is_an_assertion_of_zero(extract: Extract) -> None:
    text = (
        "LIMA - A bridge collapsed over the Rimac river on Monday, killing 7 people, police said. "
        "The construction firm said in a statement that none of its staff had been hurt."
    )
    zeros = [c for c in extract(text) if c.value is not None and c.value.best == 0]
    assert zeros and zeros[0].measure == "injured" and zeros[0].stance == "asserts"


def test_attackers_are_counted_like_gunmen(extract: Extract) -> None:
    text = (
        "MAIDUGURI - Gunmen raided a village in Borno state on Saturday. Residents who fled to "
        "Maiduguri said about 60 attackers had arrived on motorbikes."
    )
    values = {c.value.best for c in extract(text) if c.value is not None}
    assert 60 in values


def test_rescuers_and_volunteers_are_countable_groups(extract: Extract) -> None:
    text = (
        "DHAKA - A ferry sank in the Meghna river on Sunday, the coast guard said. The district "
        "commissioner said 240 rescuers were searching the river, and organisers said 85 "
        "volunteers had handed out food."
    )
    values = {c.value.best for c in extract(text) if c.value is not None}
    assert {240, 85} <= values


def test_passengers_and_crew_on_a_manifest_are_counts(extract: Extract) -> None:
    text = (
        "MANILA - A ferry sank off Romblon on Monday, the coast guard said. The port authority said "
        "the MV Blue Star had 140 passengers and 12 crew on its manifest when it left."
    )
    values = {c.value.best for c in extract(text) if c.value is not None}
    assert {140, 12} <= values


def test_a_bare_figure_after_another_keeps_its_measure(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = _by_value(extract(
        "The interior ministry said 127 people had been arrested in Tamale and 212 in Kumasi since Friday."
    ))
    assert cs[127].measure == "arrested"
    assert cs[212].measure == "arrested"  # the verb is gapped, the measure is not


def test_a_part_given_with_including_keeps_the_measure(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = _by_value(extract("The health ministry said it had counted 4,260 cases, including 212 in Bengo province."))
    assert cs[4260].measure == "cases"
    assert cs[212].measure == "cases"


def test_a_participle_conjoined_to_a_passive_is_passive(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = _by_value(extract("The ministry said 14 people had been detained and two officers injured."))
    assert cs[14].measure == "arrested"
    assert cs[2].measure == "injured"


def test_abducted_and_kidnapped_people_are_captured(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = _by_value(extract(
        "Gunmen abducted 38 passengers from two buses, the state prosecutor said. "
        "Police said 12 farmers had been kidnapped in a second raid."
    ))
    assert cs[38].measure == "captured"
    assert cs[12].measure == "captured"


@pytest.mark.parametrize(
    ("text", "value", "measure"),
    [
        ("The Red Cross said about 1,700 villagers were sleeping in school yards in Ayutla.", 1700, "displaced"),
        ("The agency said 52,000 people were staying in relief camps in Sindh.", 52000, "displaced"),
        ("The ombudsman said 31 people had sought medical treatment after the march in Skopje.", 31, "injured"),
        ("The refugee agency said some 900 refugees had crossed into Chad since Friday.", 900, "displaced"),
        ("The army said 400 soldiers had crossed into the district on Monday.", 400, "count"),
        ("The Red Crescent said its volunteers had treated 40 people for smoke inhalation in Tabriz.", 40,
         "injured"),
    ],
)  # fmt: skip
def test_where_people_sleep_and_what_they_sought_say_what_happened(
    extract: Extract, text: str, value: float, measure: str
) -> None:
    """Sleeping in camps or schools is displacement, seeking treatment is an injury, crossing a
    border to escape is displacement (soldiers crossing are a deployment)."""
    claims = _by_value(extract(text))
    assert value in claims, [(c.claim_key, c.value) for c in claims.values()]
    assert claims[value].measure == measure


@pytest.mark.parametrize(
    ("text", "value", "measure"),
    [
        # A survivor is counted by what happens to them; "survivors" is no measure of its own.
        ("The regional hospital said 14 survivors remained in its care on Friday.", 14, "hospitalized"),
        ("A nurse said eight survivors were being treated for hypothermia.", 8, "hospitalized"),
        ("Fishermen said they had rescued 27 survivors from the sea.", 27, "rescued"),
        ("The director said 16 patients remained in the hospital's wards.", 16, "hospitalized"),
        # A hospital treating people now holds them; one that "had treated" them saw the injured.
        ("The district hospital was treating 12 survivors, its director said.", 12, "hospitalized"),
        ("The field hospital had treated 35 people for burns, the charity said.", 35, "injured"),
        ("The teaching hospital admitted 19 people overnight, its manager said.", 19, "hospitalized"),
    ],
)
def test_survivors_and_hospital_care(extract: Extract, text: str, value: float, measure: str) -> None:
    assert _by_value(extract(text))[value].measure == measure


@pytest.mark.parametrize(
    ("text", "value", "measure"),
    [
        ("The commission said 3,100 families had fled their homes in the valley.", 3100, "displaced"),
        ("The agency said 1,700 people had left their homes since Monday.", 1700, "displaced"),
        ("The floods forced more than 52,000 people from their homes, officials said.", 52000, "displaced"),
        ("Officials said 2,300 villagers were sheltering in churches and schools.", 2300, "displaced"),
        ("The governor said the number of residents in evacuation centres had reached 4,800.", 4800, "displaced"),
        # a shelter's capacity is not the displaced
        ("The mayor said the new gymnasium shelters 400 people.", 400, "count"),
    ],
)
def test_people_out_of_their_homes_are_displaced(extract: Extract, text: str, value: float, measure: str) -> None:
    found = _by_value(extract(text))
    if measure == "count":
        assert value not in found or found[value].measure != "displaced"
    else:
        assert found[value].measure == measure


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The clinic said 37 wounded villagers had been admitted since Friday.", 37),
        ("Medics said nine wounded soldiers had been taken to hospital in the capital.", 9),
        ("The provincial hospital said it had admitted 22 of the injured.", 22),
    ],
)
def test_the_wounded_in_hospital_are_hospitalized(extract: Extract, text: str, value: float) -> None:
    assert _by_value(extract(text))[value].measure == "hospitalized"


@pytest.mark.parametrize(
    ("text", "value", "measure"),
    [
        ("Villagers said they had buried 17 people on Thursday, the district chief said.", 17, "deaths"),
        ("The council said at least 90 people had starved to death since June.", 90, "deaths"),
        ("The consulate said four of its nationals were among the dead.", 4, "deaths"),
        ("The ministry said six Polish citizens were among the injured.", 6, "injured"),
        ("Police said 40 students were among the protesters.", 40, "count"),
    ],
)
def test_deaths_in_other_words(extract: Extract, text: str, value: float, measure: str) -> None:
    assert _by_value(extract(text))[value].measure == measure


@pytest.mark.parametrize(
    ("text", "value", "measure"),
    [
        ("The governor said 31 people were now in detention.", 31, "arrested"),
        ("Police said 12 suspects remained in custody on Friday.", 12, "arrested"),
        ("Prosecutors said 16 people were being held over the attack.", 16, "arrested"),
    ],
)
def test_people_held_in_custody_are_arrested(extract: Extract, text: str, value: float, measure: str) -> None:
    assert _by_value(extract(text))[value].measure == measure
