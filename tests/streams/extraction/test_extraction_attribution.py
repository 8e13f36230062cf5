"""Who asserts a figure: relays, documents, carried-over names, several sources in one
sentence (sentences written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import ClaimObserved
from streams.extraction.dateline import text_to_parse

Extract = Callable[..., list[ClaimObserved]]


def _source_of(claims: list[ClaimObserved], value: float) -> str:
    hits = [c.source.name for c in claims if c.value is not None and c.value.best == value]
    assert len(hits) == 1, [(c.claim_key, c.value, c.source.name) for c in claims]
    return hits[0]


def test_each_figure_takes_its_own_according_to(extract: Extract) -> None:
    cs = extract(
        "A rally in Porto on May 2 drew 9,000 people according to the city police, and 60,000 according to organisers."
    )
    assert "police" in _source_of(cs, 9000)
    assert "organisers" in _source_of(cs, 60000)


def test_report_by_experts_relayed_by_diplomats(extract: Extract) -> None:
    cs = extract(
        "About 2,000 Eritrean soldiers are deployed in Tigray, a leaked report by African Union monitors says, "
        "according to diplomats who have read it."
    )
    assert "monitors" in _source_of(cs, 2000)


def test_ministry_statement_is_the_ministry_named_before(extract: Extract) -> None:
    cs = extract(
        "The Ministry of Education said the strike was small. "
        "A ministry statement on Tuesday put the number of striking teachers at 4,000."
    )
    assert _source_of(cs, 4000) == "Ministry of Education"


def test_the_mission_added_takes_its_full_name(extract: Extract) -> None:
    cs = extract(
        "The African Union mission, AMISOM, said it had 19,000 troops in Somalia. "
        "The mission added that 300 civilians had sought shelter at its base in Baidoa."
    )
    assert _source_of(cs, 300) == _source_of(cs, 19000)


def test_department_named_in_according_to_is_carried(extract: Extract) -> None:
    cs = extract(
        "The blaze had burned 3,000 acres, according to the Oregon Department of Forestry, known as ODF Fire. "
        "The department said 450 firefighters were assigned to the fire."
    )
    src = _source_of(cs, 450)
    assert "Oregon Department of Forestry" in src and "ODF Fire" in src


def test_hyphenated_names_keep_their_spelling(extract: Extract) -> None:
    cs = extract("The charity Open-Arms, whose ship reached the scene first, said 14 people had drowned.")
    assert "Open-Arms" in _source_of(cs, 14)


def test_according_to_on_someone_elses_statement_is_a_relay(extract: Extract) -> None:
    cs = extract(
        "BAMAKO - About 1,200 Chadian soldiers are fighting in northern Mali, an internal review by "
        "European Union inspectors says, according to officials who have seen it."
    )
    assert "inspectors" in _source_of(cs, 1200)


def test_relative_clause_speaker_is_its_antecedent(extract: Extract) -> None:
    cs = extract(
        "The quake struck at dawn, according to the Bogazici Observatory, "
        "which has recorded more than 80 aftershocks since."
    )
    c = next(c for c in cs if c.value is not None and c.value.best == 80)
    assert c.source.name == "Bogazici Observatory"
    assert c.location != "Bogazici Observatory"


def test_the_union_is_the_coalition_of_unions_named_before(extract: Extract) -> None:
    cs = extract(
        "The organisers, a coalition of student unions called Frente Estudiantil, said about 40,000 people "
        "took part. The union said at least 12 marchers had been hurt."
    )
    assert _source_of(cs, 12) == _source_of(cs, 40000)


def test_officials_of_a_body_are_that_body(extract: Extract) -> None:
    cs = extract("Officials of the state flood control board told reporters that 17 villagers had drowned.")
    assert {c.source.name for c in cs} == {"state flood control board"}
    cs = extract("Staff at the coastal rescue service said 9 sailors were injured when the ferry ran aground.")
    assert {c.source.name for c in cs} == {"coastal rescue service"}


def test_a_place_that_records_a_figure_is_not_its_source(extract: Extract) -> None:
    cs = extract("Mongolia has registered 812 cases of the disease since March, the national health agency said.")
    assert [c.source.name for c in cs] == ["national health agency"]
    cs = extract("The Red Cross said on Monday that Bolivia had confirmed more than 2,000 cases of dengue.")
    assert [c.source.name for c in cs] == ["Red Cross"]


def test_a_country_that_says_something_is_still_a_source(extract: Extract) -> None:
    cs = extract("Peru said 41 people had died in the landslide.")
    assert [c.source.name for c in cs] == ["Peru"]


def test_an_accented_or_unpunctuated_dateline_is_never_a_source(extract: Extract) -> None:
    cs = extract("BOGOTÁ, Colombia (Andes Wire) - Rescue teams said 22 people were missing after the mudslide.")
    assert [c.source.name for c in cs] == ["Rescue teams"]
    cs = extract("LAHORE Pakistan Doctors said 35 people had died of heatstroke since Friday.")
    assert all("LAHORE" not in c.source.name and "Pakistan" not in c.source.name for c in cs)
    assert len(cs) == 1


def test_officials_in_a_body_are_that_body(extract: Extract) -> None:
    cs = extract("Officials in the county water authority said 4,000 homes were without water.")
    assert {c.source.name for c in cs} == {"county water authority"}


def test_a_place_reporting_a_figure_according_to_a_body_is_the_bodys_claim(extract: Extract) -> None:
    cs = extract("Malawi reported 1,940 cases of cholera last month, according to the Red Cross.")
    assert [(c.source.name, c.location) for c in cs] == [("Red Cross", "Malawi")]


def test_admitting_patients_is_not_a_statement(extract: Extract) -> None:
    # "admitted 900 people" is a hospital's act, not a speaker admitting something.
    cs = extract("Clinics in Lyon admitted 900 people with burns over the weekend, the regional health agency said.")
    assert _source_of(cs, 900) == "regional health agency"
    assert [c.location for c in cs] == ["Lyon"]
    cs = extract("The town's mayor, Ana Ruiz, said the hospitals had admitted 85 patients since Friday.")
    assert "Ana Ruiz" in _source_of(cs, 85)


def test_declaring_an_emergency_is_not_a_statement(extract: Extract) -> None:
    # "The region of Maule declared an emergency": the region is the story's place, not a speaker.
    cs = extract(
        "The Chilean region of Maule declared a state of emergency on Monday as the fires spread. "
        "The regional health service said 300 people had been taken to hospital."
    )
    assert [(c.source.name, c.location) for c in cs] == [("regional health service", "Maule")]


def test_a_role_noun_with_an_organisation_appositive_is_the_organisation(extract: Extract) -> None:
    cs = extract(
        "Survivors said 300 people had been on the ferry when it sank near Mwanza. "
        "The ferry company, Blue Lagoon Shipping, rejected the survivors' figure."
    )
    denials = [c for c in cs if c.stance == "denies"]
    assert [c.source.name for c in denials] == ["Blue Lagoon Shipping"]


def test_a_description_between_commas_is_not_the_speaker(extract: Extract) -> None:
    # The parser takes "the armed group" for a second subject; the name before it speaks.
    cs = extract(
        "The Kivu Liberation Front (KLF), the armed group fighting the army, said on Thursday "
        "that 40 of its fighters had been killed near Bunia."
    )
    assert "KLF" in _source_of(cs, 40) or "Kivu Liberation Front" in _source_of(cs, 40)


def test_we_in_a_quote_is_the_quoted_speaker(extract: Extract) -> None:
    cs = extract(
        "Regional officials gave a higher toll. "
        "“We have counted 51 bodies in our district alone,” district officer Maria Lopes told reporters."
    )
    assert "Maria Lopes" in _source_of(cs, 51)


def test_the_company_is_the_operator_named_before(extract: Extract) -> None:
    cs = extract(
        "The operator, Blue Lagoon Shipping, said the ferry had been inspected in May. "
        "In a statement, the company said the vessel had carried 148 passengers."
    )
    assert _source_of(cs, 148) == "Blue Lagoon Shipping"


def test_the_speaker_set_into_the_figures_clause_wins_over_a_later_one(extract: Extract) -> None:
    cs = extract(
        "Divers pulled 9 fishermen alive from the sea near Mombasa on Monday, the coast guard said, "
        "but relatives said more men were still missing."
    )
    assert _source_of(cs, 9) == "coast guard"


def test_it_in_a_reported_clause_is_the_speaker(extract: Extract) -> None:
    cs = extract(
        "A paediatrician, Dr Lena Ivanova, said clinics were full. "
        "The national health agency said it had recorded 640 cases so far this year."
    )
    assert _source_of(cs, 640) == "national health agency"


def test_a_cited_source_is_the_original_speaker(extract: Extract) -> None:
    cs = extract("The news agency Tass, citing a military source, said 40 soldiers had been killed near Kursk.")
    assert _source_of(cs, 40) == "military source (via Tass)"
    cs = extract("Citing hospital officials, the broadcaster said 25 people had died in Hodeidah.")
    assert _source_of(cs, 25) == "hospital officials (via broadcaster)"


def test_citing_evidence_keeps_the_speaker(extract: Extract) -> None:
    cs = extract(
        "At least 20 migrants drowned off Malta, the coast guard said. The refugee agency said around 45 "
        "people were missing, citing interviews with survivors."
    )
    assert _source_of(cs, 45) == "refugee agency"


def test_a_centre_admitting_patients_is_not_the_speaker(extract: Extract) -> None:
    cs = extract(
        "Medecins Sans Frontieres said its treatment centre in Chingola had admitted upwards of 300 patients "
        "in the past week."
    )
    assert [(c.source.name, c.location) for c in cs] == [("Medecins Sans Frontieres", "Chingola")]


def test_a_source_in_a_town_is_not_the_town(extract: Extract) -> None:
    cs = extract(
        "Officials said 29 soldiers were killed. A security source in Niamey, who asked not to be named, "
        "said the real toll was closer to 40."
    )
    assert "security source" in _source_of(cs, 40)


def test_figures_speak_for_whoever_compiled_them(extract: Extract) -> None:
    cs = extract("At least 30 people were killed, according to figures from the health ministry.")
    assert _source_of(cs, 30) == "health ministry"
    cs = extract("The health ministry's latest figures show 2,400 cases of dengue in Dhaka.")
    assert _source_of(cs, 2400) == "health ministry"


def test_coordinated_speakers_each_make_the_claim(extract: Extract) -> None:
    cs = extract("Police and hospital officials said 12 people had died in Homs.")
    assert sorted(c.source.name for c in cs) == ["Police officials", "hospital officials"]


def test_one_body_named_with_coordinated_activities_is_one_speaker(extract: Extract) -> None:
    cs = extract("Indonesia's search and rescue agency said 12 bodies had been recovered.")
    assert [c.source.name for c in cs] == ["Indonesia's search and rescue agency"]


def test_the_health_ministry_is_not_the_interior_ministry(extract: Extract) -> None:
    cs = extract(
        "The interior ministry said 19 people had been arrested. The health ministry later raised the death toll to 11."
    )
    assert _source_of(cs, 19) == "interior ministry" and _source_of(cs, 11) == "health ministry"
    cs = extract("The Ministry of Health said 4 people died. The ministry added that 12 were injured.")
    assert _source_of(cs, 12) == "Ministry of Health"


def test_she_is_the_last_person_not_the_last_body(extract: Extract) -> None:
    cs = extract(
        "Governor Ana Lima said 30 people had died in Recife. The civil defence agency said 2,000 people "
        "had been evacuated. She said 12 more bodies were found on Tuesday."
    )
    assert _source_of(cs, 12) == "Governor Ana Lima"


def test_putting_the_toll_at_a_figure_is_a_statement_by_the_subject(extract: Extract) -> None:
    text = (
        "KATHMANDU - The death toll from a landslide in Nepal's Gorkha district rose to 41 on "
        "Wednesday, the district administration office said.\n\n"
        "On Monday the office had put the toll at 22, and on Tuesday it raised the figure to 30."
    )
    by_value = {c.value.best: c for c in extract(text) if c.value is not None}
    assert 22 in by_value and 30 in by_value
    assert by_value[22].source.name == by_value[41].source.name


def test_the_company_is_the_firm_named_with_a_which_clause(extract: Extract) -> None:
    text = (
        "JOHANNESBURG - Rescuers were searching for miners after a shaft collapsed near Rustenburg.\n\n"
        "Bafokeng Platinum, which operates the Kopano shaft, said 38 workers were underground at the "
        "time. The company said on Tuesday that 12 of them were still missing."
    )
    by_value = {c.value.best: c for c in extract(text) if c.value is not None}
    assert by_value[12].source.name == "Bafokeng Platinum"
    assert by_value[12].source.kind != "person"


def test_a_candidates_possessive_is_not_part_of_the_partys_name(extract: Extract) -> None:
    text = (
        "QUITO - Supporters of candidate Marta Quiroga filled central Quito on Sunday. Police "
        "estimated the crowd at 30,000, while Quiroga's Nueva Patria party said 200,000 people had "
        "attended."
    )
    by_value = {c.value.best: c for c in extract(text) if c.value is not None}
    assert by_value[200000].source.name.startswith("Nueva Patria")


@pytest.mark.parametrize(
    ("text", "value", "source"),
    [
        ("Boats Watch International, a volunteer network, said 70 people were rescued off Lesbos on "
         "Sunday. About 30 were still missing, the group said.", 30, "Boats Watch International"),
        ("Pacific Wings said 44 people were on board the plane that crashed near Lae. "
         "The airline said 12 of them had died.", 12, "Pacific Wings"),
    ],
)  # fmt: skip
def test_a_body_named_before_under_another_word(extract: Extract, text: str, value: float, source: str) -> None:
    """ "The group", "the airline": the body the article named before, not the bare noun."""
    assert _source_of(extract(text), value) == source


def test_blanking_entry_stamps_keeps_every_offset() -> None:
    text = "Live\n\n10:02 — The agency said.\n4.15pm: He said.\nAt 10:02 - nothing."
    parsed = text_to_parse(text)
    assert len(parsed) == len(text)
    assert "10:02 —" not in parsed and "4.15pm:" not in parsed
    assert "At 10:02 - nothing." in parsed  # only at the start of a line


@pytest.mark.parametrize(
    ("text", "value", "speaker"),
    [
        # An area that "has recorded" a figure is where it is, not who states it.
        ("The civil surgeon, Dr. Amina Rahman, said the district had recorded 4,100 admissions.", 4100, "Rahman"),
        ("The mayor said his municipality had recorded 1,120 cases.", 1120, "mayor"),
        ("The province has recorded 5,870 cases, the health director said.", 5870, "health director"),
        # a town the tagger reads as a person, subject of "had recorded" inside a statement
        ("In its bulletin, the ministry said Kasama had recorded 902 cases.", 902, "ministry"),
    ],
)
def test_a_recording_area_is_not_the_speaker(extract: Extract, text: str, value: float, speaker: str) -> None:
    found = {c.value.best: c for c in extract(text) if c.value is not None}
    assert speaker in found[value].source.name


def test_the_airline_is_the_company_named_before(extract: Extract) -> None:
    # "the airline" has not spoken before: it is the organisation the text named (not the police).
    cs = extract(
        "A Coastal Wings plane crashed near the town on Monday, killing 21 people, police said. "
        "The airline said 31 people were on the flight."
    )
    found = {c.value.best: c for c in cs if c.value is not None}
    assert found[31].source.name == "Coastal Wings" and found[21].source.name == "police"


def test_a_name_read_as_a_clause_is_the_speaker(extract: Extract) -> None:
    # The small model parses "Save" in "Save the Children said" as a verb.
    cs = extract("Save the Children said on Monday that 46 schools had closed.")
    assert [(c.source.name, c.measure) for c in cs] == [("Save the Children", "closed")]
