"""The story's place: where a figure is when its own sentence names no place.

It comes from the lead (title and lede): the finest place the lede puts the event in, refined
by the title when the lede gives only the country; the dateline city is where the reporter
files from. A figure stated for the whole country keeps the country.
"""

from __future__ import annotations

from collections.abc import Callable

from schemas.events import ClaimObserved

Extract = Callable[..., list[ClaimObserved]]


def _at(claims: list[ClaimObserved], value: float) -> str | None:
    found = [c for c in claims if c.value is not None and c.value.best == value]
    assert found, f"no claim with value {value}: {[(c.claim_key, c.value) for c in claims]}"
    return found[0].location


def test_title_names_the_town_when_the_lede_gives_only_the_country(extract: Extract) -> None:
    # The lede's only place is the speakers' country; the dateline city (named again later)
    # is where the reporter is, so the title's town inside that country is the story's place.
    text = (
        "NDOLA — Relief agencies in Zambia said on Monday that rising water had forced thousands of "
        "families from their homes in the west of the country.\n\n"
        "The Zambia Red Cross Society said about 12,000 people were staying in schools and churches.\n\n"
        "Flights between Ndola and the capital were running normally, the airport operator said."
    )
    # (The capital that speaks in the title is the government, not a place of the event.)
    claims = extract(text, title="Lusaka says thousands have left their homes around Mongu")
    assert _at(claims, 12000) == "Mongu"


def test_dateline_city_is_not_the_story_when_the_lead_names_only_the_country(extract: Extract) -> None:
    text = (
        "NDOLA — Relief agencies in Zambia said on Monday that rising water had forced thousands of "
        "families from their homes in the west of the country.\n\n"
        "The Zambia Red Cross Society said about 12,000 people were staying in schools and churches.\n\n"
        "Flights between Ndola and the capital were running normally, the airport operator said."
    )
    claims = extract(text, title="Zambia floods: aid groups count thousands in shelters")
    assert _at(claims, 12000) == "Zambia"


def test_event_clause_after_the_main_clause_places_the_story(extract: Extract) -> None:
    # "Libya's" only names whose rescuers they are; the sinking happened off the town.
    text = (
        "TRIPOLI — Libya's Red Crescent recovered 23 bodies on Sunday after a fishing boat carrying "
        "migrants sank off the western town of Zuwara, the organisation said.\n\n"
        "It said 40 people were still missing and that volunteers were searching the beaches."
    )
    claims = extract(text)
    assert _at(claims, 40) == "Zuwara"


def test_a_named_pass_of_a_country_is_finer_than_the_country(extract: Extract) -> None:
    text = (
        "PESHAWAR — A landslide buried part of the road over Pakistan's Lowari Pass on Friday, killing "
        "at least seven people, the provincial disaster management authority said.\n\n"
        "The authority said 35 travellers had been rescued by army helicopters."
    )
    claims = extract(text)
    assert _at(claims, 35) in ("Lowari Pass", "Lowari")  # (the name, with or without its noun)


def test_title_event_place_that_the_lede_puts_inside_the_country(extract: Extract) -> None:
    # The lede's place belongs to the speakers ("residents of X, a village in Y"); the title
    # calls the event after X, so X is the story's place, not the country.
    text = (
        "BAMAKO — Residents of Tindouma, a village in central Mali, said on Thursday that gunmen had "
        "killed at least 30 people there on Tuesday.\n\n"
        "The army said in a statement that 12 civilians had been killed and that troops had been "
        "sent to secure the road."
    )
    claims = extract(text, title="Mali: villagers say 30 killed in Tindouma attack")
    assert _at(claims, 12) == "Tindouma"


def test_a_national_toll_keeps_the_country(extract: Extract) -> None:
    text = (
        "MAPUTO — Flooding in Mozambique's Zambezia province has killed 14 people since Sunday, the "
        "National Institute for Disaster Risk Management (INGD) said on Tuesday.\n\n"
        "The institute said the national death toll from the rains had risen to 41.\n\n"
        "It said nine people were still missing."
    )
    claims = extract(text)
    assert _at(claims, 41) == "Mozambique"
    assert _at(claims, 9) == "Zambezia province"


def test_a_title_town_that_only_acts_is_not_the_story(extract: Extract) -> None:
    # The title's capital pledges aid; the flooding it names is elsewhere in the country.
    text = (
        "CHICLAYO — Heavy rain has flooded thousands of homes in northern Peru, the national civil "
        "defence institute said on Monday.\n\n"
        "The institute said 8,500 people had been moved to shelters."
    )
    claims = extract(text, title="Lima pledges aid as floods swamp homes in Piura")
    assert _at(claims, 8500) == "Piura"
