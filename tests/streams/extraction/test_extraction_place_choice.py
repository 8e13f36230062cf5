"""How the place of a claim is chosen when the gazetteer alone cannot say.

Each text here is invented for the test. The rules under test are structural:
a name placed inside a known place is finer than it; a building is not a place;
where a statement was made is not what it is about; parts of a figure keep their
own places; officials and place-subjects speak for their own area.
"""

from __future__ import annotations

from collections.abc import Callable

from schemas.events import ClaimObserved
from streams.evaluation.extraction import same_location
from streams.extraction import Extractor
from streams.extraction.locations import loc_candidate
from streams.extraction.places import gazetteer, resolve_place

Extract = Callable[..., list[ClaimObserved]]


def _loc(claims: list[ClaimObserved], best: float, measure: str | None = None) -> str | None:
    hits = [c for c in claims if c.value is not None and c.value.best == best and (measure in (None, c.measure))]
    assert hits, f"no claim with value {best}: {[(c.claim_key, c.value) for c in claims]}"
    return hits[0].location


def _presence(claims: list[ClaimObserved]) -> list[tuple[str, str | None]]:
    return [(c.stance, c.location) for c in claims if c.measure == "presence"]


def test_a_name_inside_a_named_state_is_finer_than_the_state(extract: Extract) -> None:
    cs = extract(
        "MUMBAI - A boiler blew apart at a textile mill in the Hazira industrial estate in India's Odisha "
        "state, killing 11 workers, the district fire officer said on Tuesday.\n\n"
        "The officer said 40 workers had been taken to hospital."
    )
    assert _loc(cs, 11) == "Hazira"
    assert _loc(cs, 40) == "Hazira"  # the story's place for a sentence that names none


def test_a_border_area_of_a_state_is_the_area(extract: Extract) -> None:
    cs = extract(
        "NAIROBI - The army said on Monday that 14 of its soldiers had been killed in an ambush in the remote "
        "Ol Kalou border area of Kenya's Nakuru county.\n\n"
        "A spokesman said 22 attackers had been arrested."
    )
    assert same_location(_loc(cs, 14), "Ol Kalou")
    assert same_location(_loc(cs, 22), "Ol Kalou")


def test_a_namesake_in_another_country_is_not_the_place(extractor: Extractor) -> None:
    # GeoNames reads "San Jose" as the Californian city; inside a Philippine province it is not.
    doc = extractor.nlp("Floods swept through the San Jose farming area of Nueva Ecija province.")
    jose = next(t for t in doc if t.text == "Jose")
    found = loc_candidate(jose, gazetteer())
    assert found is not None and found[0] is None and found[1] == "San Jose"
    assert resolve_place("San Jose") is not None  # (the namesake the gazetteer would give)


def test_a_stadium_is_not_a_place_the_city_is(extract: Extract) -> None:
    cs = extract(
        "ACCRA - A crowd surge at a football ground in the Ghanaian city of Tamale killed 5 people on "
        "Sunday, police said.\n\n"
        "Police said 70 people had been hurt in a crush at Aliu Mahama Stadium."
    )
    assert same_location(_loc(cs, 70), "Tamale")


def test_where_a_statement_was_made_is_not_carried_to_the_next_sentence(extract: Extract) -> None:
    cs = extract(
        "LIMA - A riot at a jail in the Peruvian city of Arequipa has left 8 inmates dead, the prison "
        "authority said on Friday.\n\n"
        "The justice minister told a news conference in Lima on Friday that police had detained 25 inmates. "
        "She said 600 police officers had been sent to restore order."
    )
    assert same_location(_loc(cs, 25), "Arequipa")
    assert same_location(_loc(cs, 600), "Arequipa")


def test_a_spokeswoman_in_the_capital_speaks_of_the_scene(extract: Extract) -> None:
    cs = extract(
        "KAMPALA - Clashes in the Ugandan town of Kasese killed 12 people, police said on Monday.\n\n"
        "In Kinshasa, a Congolese army spokeswoman said on Tuesday that her forces had not crossed into "
        "Kasese. She said 4 Congolese fishermen had been killed in the fighting."
    )
    assert same_location(_loc(cs, 4), "Kasese")


def test_a_sentence_opening_on_a_place_with_no_other_place_is_there(extract: Extract) -> None:
    cs = extract(
        "NAIROBI - Heavy rain flooded much of Kenya this week, the interior ministry said.\n\n"
        "In Eldoret, the Red Cross said 2,300 people were sheltering in schools."
    )
    assert same_location(_loc(cs, 2300), "Eldoret")


def test_parts_set_beside_a_toll_have_their_places_and_the_toll_the_story(extract: Extract) -> None:
    cs = extract(
        "MANILA - A storm battered the northern Philippine province of Isabela on Monday, the disaster "
        "agency said.\n\n"
        "The agency said five people had died — three in floods in the town of Ilagan and two who were "
        "crushed by a wall in Cauayan — and that 40 homes were damaged."
    )
    assert same_location(_loc(cs, 5), "Isabela")
    assert same_location(_loc(cs, 3), "Ilagan")
    assert same_location(_loc(cs, 2), "Cauayan")


def test_a_statement_naming_places_side_by_side_does_not_place_the_next(extract: Extract) -> None:
    cs = extract(
        "MANILA - A storm battered the northern Philippine province of Isabela on Monday, the disaster "
        "agency said.\n\n"
        "The agency said floods had cut roads in Ilagan and landslides had buried a school in Cauayan. "
        "It added that 220 houses had been destroyed."
    )
    assert same_location(_loc(cs, 220), "Isabela")


def test_a_mayor_speaks_for_the_town(extract: Extract) -> None:
    cs = extract(
        "MANILA - A storm battered the northern Philippine province of Isabela on Monday, killing 5 people, "
        "the disaster agency said.\n\n"
        "The mayor of Tumauini, Rosa Dela Cruz, said six residents were missing after a river burst its banks."
    )
    assert same_location(_loc(cs, 6), "Tumauini")


def test_a_district_that_accounts_for_a_figure_is_where_it_is(extract: Extract) -> None:
    cs = extract(
        "DODOMA - A cholera outbreak in Tanzania's Morogoro region has sickened 2,100 people, the health "
        "ministry said on Monday.\n\n"
        "The ministry said Kilosa district accounted for 800 of the cases, and Mvomero district for 450."
    )
    assert same_location(_loc(cs, 800), "Kilosa district")
    assert same_location(_loc(cs, 450), "Mvomero district")


def test_a_name_the_article_placed_is_a_place_when_it_recurs(extract: Extract) -> None:
    cs = extract(
        "KHARTOUM - The army said 9 of its soldiers had been killed in fighting in the Wadi Zam border area "
        "of Sudan's Kassala state.\n\n"
        "An army spokesman said Chadian troops were still dug in inside Wadi Zam."
    )
    assert ("asserts", "Wadi Zam") in _presence(cs)


def test_no_troops_in_the_area_denies_presence_where_the_story_is(extract: Extract) -> None:
    cs = extract(
        "KHARTOUM - The army said 9 of its soldiers had been killed in fighting in the Wadi Zam border area "
        "of Sudan's Kassala state.\n\n"
        "In Abeche, a Chadian government spokesman said there were no Chadian troops in the area."
    )
    assert ("denies", "Wadi Zam") in _presence(cs)


def test_forces_fighting_beside_counted_soldiers_are_present_there(extract: Extract) -> None:
    cs = extract(
        "KHARTOUM - The army said 9 of its soldiers had been killed in fighting in the Wadi Zam border area "
        "of Sudan's Kassala state, and that Chadian troops were fighting alongside the attackers."
    )
    assert ("asserts", "Wadi Zam") in _presence(cs)


def test_a_name_of_several_words_before_a_place_noun_is_the_whole_name(extract: Extract) -> None:
    cs = extract(
        "NAIROBI - Landslides have killed 19 people in Kenya's Elgeyo Marakwet county, the interior "
        "ministry said on Tuesday."
    )
    assert same_location(_loc(cs, 19), "Elgeyo-Marakwet")


def test_a_place_hung_on_another_number_is_that_numbers(extract: Extract) -> None:
    cs = extract(
        "DAKAR - Floods have killed 20 people in southern Senegal, the civil protection agency said.\n\n"
        "The agency said 14 of the dead were in Diattacounda, where a dyke gave way on Sunday, and 6 in Sedhiou."
    )
    assert same_location(_loc(cs, 14), "Diattacounda")


def test_a_governors_title_is_not_the_area_troops_were_sent_to(extract: Extract) -> None:
    cs = extract(
        "ABUJA - Gunmen killed 16 villagers in a night raid on the village of Tudun Kaya in Nigeria's "
        "Kaduna state, police said on Monday.\n\n"
        "The Kaduna state governor said 300 police officers had been sent to the area."
    )
    assert same_location(_loc(cs, 300), "Tudun Kaya")


def test_where_a_group_is_based_is_not_where_its_members_were_killed(extract: Extract) -> None:
    cs = extract(
        "ABUJA - An air strike on a camp near the village of Gidan Bawa in Nigeria's Sokoto state killed 20 "
        "fighters, the air force said on Tuesday.\n\n"
        "The air force said the strike had also killed 2 commanders of a gang based in Kebbi."
    )
    assert same_location(_loc(cs, 2), "Gidan Bawa")


def test_a_camp_located_in_a_town_is_in_that_town(extract: Extract) -> None:
    cs = extract(
        "ABUJA - Troops raided a camp located in Kware in Nigeria's Sokoto state, killing 15 fighters, "
        "the army said on Tuesday."
    )
    assert same_location(_loc(cs, 15), "Kware")


def test_a_village_described_as_lying_in_a_state_is_finer_than_the_state(extract: Extract) -> None:
    cs = extract("ABUJA - Gunmen killed 9 people in Kwatas, a farming village in Nigeria's Plateau state, police said.")
    assert same_location(_loc(cs, 9), "Kwatas")


def test_a_suburb_of_a_city_is_finer_than_the_city(extract: Extract) -> None:
    cs = extract(
        "DHAKA - A fire at a garment factory in Ashulia, an industrial suburb of Dhaka, killed 17 workers, "
        "the fire service said."
    )
    assert same_location(_loc(cs, 17), "Ashulia")


def test_a_village_name_the_tagger_reads_as_a_date_is_still_the_village(extract: Extract) -> None:
    cs = extract(
        "KABUL - An earthquake struck Afghanistan's western Herat province on Saturday, killing at least 120 "
        "people in the village of Zinda Jan near the border with Iran, the Taliban government said."
    )
    assert same_location(_loc(cs, 120), "Zinda Jan")


def test_a_neighbours_border_is_not_that_neighbour(extract: Extract) -> None:
    cs = extract(
        "KABUL - An earthquake struck western Afghanistan on Saturday. Provincial officials said 60 people "
        "had been killed near the Iranian border."
    )
    assert not same_location(_loc(cs, 60), "Iran")


def test_a_possessive_inside_a_district_name_is_part_of_it(extract: Extract) -> None:
    cs = extract(
        "DHAKA - A fire swept through a refugee camp in Bangladesh's Cox's Bazar district on Sunday, "
        "destroying about 1,000 shelters, officials said."
    )
    assert same_location(_loc(cs, 1000), "Cox's Bazar")


def test_a_description_after_another_phrase_does_not_place_the_river(extract: Extract) -> None:
    """ "on the Niger River near Gaya, a town in Dosso region": the apposition
    describes Gaya, so the river is not a place inside Dosso, and Gaya is where."""
    cs = extract(
        "NIAMEY - At least 64 people drowned when an overloaded wooden boat capsized on the Niger River "
        "near Gaya, a town in Dosso region, the regional government said on Monday."
    )
    assert same_location(_loc(cs, 64), "Gaya")


def test_the_sea_city_of_a_town_is_the_town(extract: Extract) -> None:
    """ "the Black Sea city of Poti" names Poti; the sea only describes it."""
    cs = extract(
        "TBILISI - In the Black Sea city of Poti, about 4,000 people joined a parallel rally on Sunday, "
        "according to local police."
    )
    assert same_location(_loc(cs, 4000), "Poti")


def test_the_district_is_the_one_the_officials_title_names_not_where_he_spoke(extract: Extract) -> None:
    cs = extract(
        "KARACHI - Torrential rain flooded dozens of villages in Pakistan's Sindh province on Monday, "
        "killing nine people, officials said.\n\n"
        "Traffic was halted on the highway between Sukkur and Larkana.\n\n"
        "The deputy commissioner of Tharparkar, Asif Jameel, told reporters in Hyderabad that 120 houses "
        "had collapsed across the district."
    )
    assert _loc(cs, 120) == "Tharparkar"


def test_the_province_is_the_one_the_governor_is_titled_by(extract: Extract) -> None:
    cs = extract(
        "ANKARA - Heavy snow closed roads across eastern Turkey on Tuesday, the disaster agency said.\n\n"
        "The road between Van and Erzurum was shut overnight.\n\n"
        "Mus Governor Ahmet Karaca said on Wednesday that seven people had died in the province."
    )
    assert _loc(cs, 7) == "Mus"


def test_where_the_wounded_were_flown_is_not_where_they_were_wounded(extract: Extract) -> None:
    cs = extract(
        "DAKAR - Gunmen attacked an army post near the town of Menaka in eastern Mali on Sunday, killing eight "
        "soldiers, the army said.\n\n"
        "The army said 30 attackers had been killed in the fighting, and that 14 soldiers had been wounded and "
        "flown to Bamako for treatment."
    )
    assert _loc(cs, 14) == "Menaka"


def test_where_residents_were_evacuated_to_is_not_where_they_lived(extract: Extract) -> None:
    cs = extract(
        "LIMA - A landslide buried houses in the village of Chavin in Peru's Ancash region on Monday, killing six "
        "people, officials said.\n\n"
        "Civil defence officials said 300 residents of the village had been evacuated to Huaraz."
    )
    assert _loc(cs, 300) == "Chavin"


def test_the_country_in_a_comparison_is_not_where_the_figure_is(extract: Extract) -> None:
    cs = extract(
        "LIMA - Peru's Health Ministry said on Monday that a dengue outbreak in the northern region of Piura had "
        "grown to 3,100 confirmed cases and that nine people had died, making it the country's worst outbreak "
        "since 2017."
    )
    assert _loc(cs, 9) == "Piura"


def test_a_named_district_counting_in_a_where_clause_is_its_own_place(extract: Extract) -> None:
    lede = (
        "LIMA - Peru's Health Ministry said on Monday that dengue had infected 3,100 people in the northern "
        "region of Piura.\n\n"
    )
    cs = extract(
        lede + "The outbreak is worst in the hills east of Tumbes, where the district of Sullana alone has recorded "
        "940 cases, according to the regional health office."
    )
    assert _loc(cs, 940) == "Sullana"  # not the place the "where" clause hangs on
    cs = extract(
        lede + "The outbreak is worst along the Chira river, where the district of Sullana alone has recorded "
        "940 cases, according to the regional health office."
    )
    assert _loc(cs, 940) == "Sullana"  # a district does not speak: its figure is in it


def test_a_town_reported_as_having_cases_is_where_they_are(extract: Extract) -> None:
    cs = extract(
        "LIMA - Peru's Health Ministry said on Monday that dengue had infected 3,100 people in the northern "
        "region of Piura.\n\n"
        "The regional health director, Carla Soto, rejected a higher count from a charity. She said Sullana had "
        "410 confirmed cases."
    )
    assert _loc(cs, 410) == "Sullana"


def test_the_towns_hospital_is_in_the_town_the_speakers_title_names(extract: Extract) -> None:
    cs = extract(
        "LIMA - Peru's Health Ministry said on Monday that dengue had infected 3,100 people in the northern "
        "region of Piura.\n\n"
        "The municipal health secretary of Sullana, Jorge Vela, said on Tuesday that the town's hospital had "
        "admitted 85 children."
    )
    assert _loc(cs, 85) == "Sullana"


def test_a_named_local_government_area_that_recorded_cases_is_their_place(extract: Extract) -> None:
    cs = extract(
        "ABUJA - A cholera outbreak in Nigeria's northern Katsina state has killed 61 people, the disease control "
        "agency said on Friday.\n\n"
        "The agency said Daura local government area had recorded 540 of the cases and 22 of the deaths."
    )
    assert _loc(cs, 540) == "Daura"


def test_a_neighbouring_towns_mayor_speaks_for_his_town(extract: Extract) -> None:
    """The story is set in one city; the mayor of another town of the same country speaks of
    his own town, not of the story's city."""
    cs = extract(
        "MONTERREY - Floods have killed 14 people in Monterrey, state officials said on Sunday.\n\n"
        "Torreon's mayor, Javier Diaz, said four people had died in his city."
    )
    assert _loc(cs, 14) == "Monterrey"
    assert _loc(cs, 4) == "Torreon"
