"""The event a figure belongs to keeps two disasters in one country apart, and stays the
same across wordings of one event (sentences written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

from schemas.events import ClaimObserved

Extract = Callable[..., list[ClaimObserved]]


def _key(claims: list[ClaimObserved], value: float) -> str:
    return next(c.claim_key for c in claims if c.value is not None and c.value.best == value)


def test_two_disasters_in_one_country_get_two_keys(extract: Extract) -> None:
    quake = extract("Officials said 210 people were killed when a quake hit northern Peru.")
    flood = extract("Officials said 35 people were killed by floods in northern Peru.")
    assert _key(quake, 210) != _key(flood, 35)
    assert _key(quake, 210).startswith("earthquake-people:deaths")
    assert _key(flood, 35).startswith("flood-people:deaths")


def test_synonyms_share_one_event(extract: Extract) -> None:
    a = extract("The agency said 40 people died in the tremor in Peru.")
    b = extract("The Red Cross said about 44 people were killed in the earthquake in Peru.")
    assert _key(a, 40) == _key(b, 44)


def test_lede_event_carries_to_later_figures(extract: Extract) -> None:
    cs = extract(
        "QUITO - A wildfire near Loja has destroyed 60 homes, firefighters said on Monday.\n\n"
        "The Red Cross said 900 people were staying in shelters."
    )
    assert _key(cs, 900).startswith("fire-people")


def test_capsized_boat_is_a_shipwreck_and_drone_strike_an_airstrike(extract: Extract) -> None:
    cs = extract(
        "The coast guard said 19 people drowned after their boat capsized near Crete. "
        "A local official said 7 civilians were killed in a drone strike on a market in Gao."
    )
    assert _key(cs, 19).startswith("shipwreck-")
    assert _key(cs, 7).startswith("airstrike-civilians")


def test_troop_counts_take_no_event(extract: Extract) -> None:
    cs = extract("Officials said about 4,000 Kenyan troops were sent to Haiti to join the fighting.")
    assert _key(cs, 4000) == "kenyan-troops:count@haiti"


def test_military_strikes_are_not_walkouts(extract: Extract) -> None:
    cs = extract("The health ministry said Turkish strikes on northern Iraq had killed 9 people.")
    assert _key(cs, 9).startswith("airstrike-")
    walkout = extract("The union said 6,000 nurses had joined the strike in Lagos.")
    assert not _key(walkout, 6000).startswith("airstrike")


def test_one_storys_words_for_its_violence_share_one_event(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = extract(
        "BANGUI - Rebels attacked Birao, the main town of Vakaga prefecture, on Saturday, the army said. "
        "The army said nine soldiers had been killed in the fighting. "
        "Residents said at least seven civilians died during the clashes."
    )
    events = {c.subject for c in cs if c.value is not None and c.value.best in (7,)}
    assert events == {"civilians (attack)"}


def test_the_storm_in_a_cyclone_story_is_the_cyclone(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = extract(
        "SUVA - Cyclone Loma killed at least 12 people in Fiji, the disaster office said on Sunday. "
        "The office said 4,000 people had been displaced by the storm."
    )
    subjects = {c.subject for c in cs if c.value is not None}
    assert subjects == {"people (cyclone)"}, subjects


def test_a_disease_names_its_outbreak(extract: Extract) -> None:
    """An outlet that writes "dengue" and one that writes "the outbreak" key the same toll."""
    a = extract("The health ministry said 31 people had died of dengue in Kandy this year.")
    b = extract("The health ministry said 33 people had died in the outbreak in Kandy.")
    assert _key(a, 31) == _key(b, 33)
    assert _key(a, 31).startswith("outbreak-people:deaths")


def test_a_flood_in_a_typhoon_story_is_the_typhoon(extract: Extract) -> None:
    """A storm's rain floods towns and loosens hillsides: one story, one event in the key."""
    cs = extract(
        "MANILA - Typhoon Kiko has killed 40 people in Cagayan, officials said on Monday.\n\n"
        "Police said 12 people were missing after floods swept through Cagayan."
    )
    assert _key(cs, 12).startswith("typhoon-people:missing")


def test_a_crush_is_a_stampede(extract: Extract) -> None:
    a = extract("Police said 18 pilgrims were killed in a crush at the shrine in Kano.")
    b = extract("Officials said 19 pilgrims died in the stampede at the shrine in Kano.")
    assert _key(a, 18) == _key(b, 19)
