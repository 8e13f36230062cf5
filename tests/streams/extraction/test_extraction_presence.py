"""Naval assets are forces: counts, sightings and denials of a navy's vessels (sentences
written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

from schemas.events import ClaimObserved
from streams.evaluation.extraction import same_location

Extract = Callable[..., list[ClaimObserved]]


def test_a_count_of_naval_vessels(extract: Extract) -> None:
    cs = extract("The Greek coast guard said it had tracked at least four Turkish frigates in the Aegean Sea.")
    assert len(cs) == 1
    c = cs[0]
    assert c.measure == "count" and c.value is not None and c.value.best == 4 and c.value.hedge == "at_least"
    assert c.claim_key.startswith("turkish-vessels:count")


def test_a_sighted_submarine_asserts_presence(extract: Extract) -> None:
    cs = extract("The Norwegian navy said it had detected a Russian submarine near Tromso.")
    assert [(c.measure, c.stance) for c in cs] == [("presence", "asserts")]
    assert c_key(cs).startswith("russian-vessels:presence")


def test_no_vessels_entering_denies_presence(extract: Extract) -> None:
    cs = extract("A Yemeni official said no Saudi warships had entered the Red Sea port of Hodeidah.")
    assert [(c.measure, c.stance) for c in cs] == [("presence", "denies")]
    assert c_key(cs).startswith("saudi-vessels:presence")


def test_navy_boats_are_vessels_but_rescue_boats_are_not(extract: Extract) -> None:
    cs = extract("The ministry said 15 Chinese navy boats were spotted near the Paracel Islands.")
    assert len(cs) == 1 and cs[0].claim_key.startswith("chinese-vessels")
    cs = extract("The army said it had deployed 40 boats to evacuate villagers from the flooded district.")
    assert all("vessels" not in c.claim_key for c in cs)


def c_key(cs: list[ClaimObserved]) -> str:
    return cs[0].claim_key


def test_warships_a_navy_says_it_sent_are_that_countrys(extract: Extract) -> None:
    cs = extract("Egypt's navy said it had sent 5 frigates to the Gulf of Suez.")
    assert [c.claim_key.split(":")[0] for c in cs] == ["egyptian-vessels"]


def test_civilian_vessels_keep_their_kind_apart_from_warships(extract: Extract) -> None:
    cs = extract("The maritime agency said 7 cargo vessels sank in the typhoon off Luzon.")
    assert len(cs) == 1 and "cargo" in cs[0].claim_key


def _presence(cs: list[ClaimObserved]) -> list[tuple[str, str, str | None, str]]:
    return [(c.subject, c.stance, c.location, c.source.name) for c in cs if c.measure == "presence"]


def test_a_group_denies_its_own_fighters_are_somewhere(extract: Extract) -> None:
    # "its fighters": the speaker's own forces, whatever group it is.
    cs = extract("The Kivu Liberation Front denied on Thursday that its fighters were present in Bunia.")
    assert _presence(cs) == [("Kivu Liberation Front troops", "denies", "Bunia", "Kivu Liberation Front")]


def test_a_navy_denies_its_warships_are_somewhere(extract: Extract) -> None:
    cs = extract("The navy denied that its warships were in the Gulf of Aden.")
    assert [(s, st, loc) for s, st, loc, _ in _presence(cs)] == [("navy vessels", "denies", "Gulf of Aden")]


def test_named_units_and_militia_fighters_are_forces(extract: Extract) -> None:
    cs = extract("An army spokesman said KLF units had been in Bunia for weeks.")
    assert _presence(cs) == [("KLF troops", "asserts", "Bunia", "army spokesman")]
    cs = extract("Police confirmed that militia fighters had entered the town of Kalehe.")
    assert [(s, st, loc) for s, st, loc, _ in _presence(cs)] == [("militia troops", "asserts", "Kalehe")]
    cs = extract("The monitors said their patrols had seen no foreign troops in Jermuk on Saturday.")
    assert [(s, st) for s, st, _, _ in _presence(cs)] == [("foreign troops", "denies")]


def test_units_of_nobody_are_not_forces(extract: Extract) -> None:
    # A bare "units" (flats, machines) is no force; a person's "its" cannot be resolved.
    assert extract("The developer said its units in Lagos were sold out.") == []
    assert all(c.measure != "presence" for c in extract("The builder said 40 units were in Lagos."))


def test_a_country_beside_a_finer_place_is_not_a_second_place(extract: Extract) -> None:
    # A town the gazetteer does not know is still finer than the country it is in.
    cs = extract("The ministry denied that any Russian troops were on Ukrainian soil near Hlyboke.")
    assert [(c.stance, c.location) for c in cs] == [("denies", "Hlyboke")]
    cs = extract("The ministry denied that any Russian troops were on Ukrainian soil near Kupiansk.")
    assert [(c.stance, c.location) for c in cs] == [("denies", "Kupiansk")]


def test_a_sentence_counting_something_else_still_places_forces(extract: Extract) -> None:
    cs = extract(
        "The monitors said their patrols had seen no foreign troops inside Ukraine near Kupiansk "
        "on Saturday, but had counted 3 houses damaged."
    )
    assert _presence(cs) == [("foreign troops", "denies", "Kupiansk", "monitors")]
    assert [c.value.best for c in cs if c.value is not None] == [3]


def test_a_count_of_forces_is_not_also_a_presence_claim(extract: Extract) -> None:
    cs = extract("The ministry said 2,000 Chadian troops were deployed in Niger.")
    assert [c.measure for c in cs] == ["count"]


def test_forces_in_the_city_or_strait_named_before(extract: Extract) -> None:
    cs = extract(
        "DUBAI - Iranian boats were seen in the Strait of Hormuz on Monday, officials said. "
        "The Omani navy said no Iranian warships had entered the strait."
    )
    assert _presence(cs) == [("Iranian vessels", "denies", "Strait of Hormuz", "Omani navy")]
    cs = extract("Fighting broke out in Kadugli on Monday. The army said rebel units had been in the city for weeks.")
    assert _presence(cs) == [("rebel troops", "asserts", "Kadugli", "army")]


def test_vessels_denied_in_national_waters(extract: Extract) -> None:
    cs = extract("A Chinese foreign ministry spokesman denied that any Chinese vessels had entered Japanese waters.")
    assert [(s, st, loc) for s, st, loc, _ in _presence(cs)] == [("Chinese vessels", "denies", "Japan")]


def test_military_aircraft_are_forces(extract: Extract) -> None:
    cs = extract("Athens said Turkish warplanes had violated Greek airspace near Lesbos.")
    assert [(s, st, loc) for s, st, loc, _ in _presence(cs)] == [("Turkish aircraft", "asserts", "Lesbos")]
    cs = extract("Seoul said it had detected 12 Chinese military aircraft near Jeju.")
    assert [c.measure for c in cs] == ["count"]  # counted, so not also a presence claim
    assert extract("The airline said its Chinese-built aircraft were parked in Lyon.") == []


def test_forces_in_the_area_are_where_the_story_is(extract: Extract) -> None:
    cs = extract(
        "NIAMEY, Niger - Niger's junta said it had deployed 2,000 troops to the Tillaberi region after an "
        "attack near the border with Mali. France denied reports that French special forces were operating "
        "in the area."
    )
    assert [(s, st, loc) for s, st, loc, _ in _presence(cs)] == [("French troops", "denies", "Tillaberi region")]


def test_boats_of_a_military_body_are_forces(extract: Extract) -> None:
    cs = extract(
        "A senior Western diplomat said fast-attack boats of Iran's Revolutionary Guard were operating "
        "near the island of Abu Musa."
    )
    assert [(st, loc) for _, st, loc, _ in _presence(cs)] == [("asserts", "Abu Musa")]
    assert extract("The ferry company said its boats were operating near the island of Capri.") == []


def test_warships_anchored_off_a_port(extract: Extract) -> None:
    cs = extract("Satellite images published by Planet Labs appear to show Iranian warships anchored off Bandar Abbas.")
    assert _presence(cs) == [("Iranian vessels", "asserts", "Bandar Abbas", "Planet Labs")]


def test_a_denied_force_beside_a_counted_one_is_its_own_claim(extract: Extract) -> None:
    text = (
        "BANGKOK - Fighting flared along the Myanmar border this week. The Thai army said it had "
        "sent about 800 soldiers to the frontier and that no Cambodian troops had entered Thai "
        "territory."
    )
    denials = [c for c in extract(text) if c.measure == "presence" and c.stance == "denies"]
    assert denials and same_location(denials[0].location, "Thailand")


def test_forces_backed_by_foreign_troops_place_those_troops_at_the_event(extract: Extract) -> None:
    text = (
        "MAPUTO - Insurgents attacked villages in the Mocimboa da Praia district on Saturday.\n\n"
        "The defence ministry said on Sunday that its forces, backed by Tanzanian troops, had "
        "killed 12 insurgents while repelling the attack."
    )
    presence = [c for c in extract(text) if c.measure == "presence" and c.stance == "asserts"]
    assert presence and "tanzan" in presence[0].subject.lower()


def test_searchers_backed_by_navy_ships_are_not_a_force_presence(extract: Extract) -> None:
    text = (
        "DHAKA - A ferry sank in the Meghna river on Sunday. The coast guard said 150 rescuers were "
        "searching the river, backed by navy ships and a helicopter."
    )
    assert not [c for c in extract(text) if c.measure == "presence"]
