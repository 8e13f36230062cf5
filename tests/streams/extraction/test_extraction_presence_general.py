"""Presence claims phrased in the many ways English places (or denies placing) a force:
passive sightings, partitives ("any of its troops"), taking ground, keeping company,
holding forces, sending none, and bare place nouns ("the site", "the town"). Sentences
written for these tests."""

from __future__ import annotations

from collections.abc import Callable

from schemas.events import ClaimObserved
from streams.evaluation.extraction import same_location

Extract = Callable[..., list[ClaimObserved]]


def _presence(cs: list[ClaimObserved]) -> list[tuple[str, str | None, str]]:
    return [(c.stance, c.location, c.source.name) for c in cs if c.measure == "presence"]


def _one(cs: list[ClaimObserved], stance: str, place: str) -> ClaimObserved:
    found = [c for c in cs if c.measure == "presence"]
    assert len(found) == 1, _presence(cs)
    c = found[0]
    assert c.stance == stance and same_location(c.location, place), _presence(cs)
    return c


def test_a_passive_sighting_asserts_presence(extract: Extract) -> None:
    cs = extract("Shepherds told local radio on Monday that Algerian soldiers had been spotted near Tindouf.")
    c = _one(cs, "asserts", "Tindouf")
    assert c.claim_key.startswith("algerian-troops:presence")


def test_a_sighting_beside_a_count_of_other_forces(extract: Extract) -> None:
    cs = extract(
        "The coast guard said its patrols had counted 9 Turkish navy boats off Rhodes on Friday, "
        "and that Turkish troops had also been seen near the village of Kastellorizo."
    )
    keys = [c.claim_key for c in cs if c.measure == "presence"]
    assert any(k.startswith("turkish-troops:presence") for k in keys), keys


def test_any_of_its_troops_crossing_is_a_denial(extract: Extract) -> None:
    cs = extract("The Rwandan army denied that any of its soldiers had crossed into Burundian territory.")
    c = _one(cs, "denies", "Burundi")
    assert c.source.name.endswith("army")


def test_any_foreign_troops_present_is_a_denial_where_the_story_is(extract: Extract) -> None:
    cs = extract(
        "Gunmen attacked a market in Diffa on Saturday, killing traders, police said. "
        "The interior ministry denied that any foreign troops had been present."
    )
    assert [(s, loc) for s, loc, _ in _presence(cs)] == [("denies", "Diffa")]


def test_troops_occupying_ground_above_a_village(extract: Extract) -> None:
    cs = extract("The border service said Armenian troops had occupied a ridge above the village of Sotk.")
    _one(cs, "asserts", "Sotk")


def test_captured_soldiers_are_not_placed_there(extract: Extract) -> None:
    # Taking ground places its subject; being captured does not place the captives.
    cs = extract("The army denied that any of its soldiers had been captured near Kidal.")
    assert _presence(cs) == []
    cs = extract("A rebel spokesman said Malian troops had seized the town of Tessalit.")
    _one(cs, "asserts", "Tessalit")


def test_instructors_travelling_with_a_convoy_are_where_the_story_is(extract: Extract) -> None:
    cs = extract(
        "A supply convoy was ambushed near Menaka on Tuesday. "
        "A local youth association said Turkish instructors had been travelling with the convoy."
    )
    c = _one(cs, "asserts", "Menaka")
    assert c.claim_key.startswith("turkish-troops:presence")


def test_fighters_with_other_forces_in_a_place(extract: Extract) -> None:
    cs = extract("The rebel alliance said Belarusian fighters had been with the army units in Lida.")
    _one(cs, "asserts", "Lida")


def test_a_country_that_has_no_forces_somewhere(extract: Extract) -> None:
    cs = extract("The foreign ministry said Uganda has no forces in South Sudan.")
    c = _one(cs, "denies", "South Sudan")
    assert c.claim_key.startswith("ugandan-troops:presence")


def test_a_body_that_sent_no_personnel_to_the_area(extract: Extract) -> None:
    cs = extract(
        "Clashes broke out near Khorog on Sunday, local officials said. "
        "The regional alliance said it had sent no personnel to the area."
    )
    _one(cs, "denies", "Khorog")


def test_forces_at_the_site_are_where_the_story_is(extract: Extract) -> None:
    cs = extract(
        "A gas pipeline exploded near Tobruk on Monday, officials said. "
        "A militia commander said Egyptian soldiers were at the blast site."
    )
    _one(cs, "asserts", "Tobruk")


def test_the_town_named_earlier_in_the_same_sentence(extract: Extract) -> None:
    cs = extract(
        "Fighting spread to Zugdidi on Monday. "
        "Shopkeepers in Gali said Russian officers had arrived in the town on Tuesday."
    )
    _one(cs, "asserts", "Gali")


def test_no_soldiers_without_an_owner_are_the_speakers_own(extract: Extract) -> None:
    cs = extract(
        "A rail bridge collapsed near Kindu on Friday, rescuers said. "
        "The army command said in a statement that no soldiers were at the crash site."
    )
    c = _one(cs, "denies", "Kindu")
    assert "army command" in c.source.name
    # A count of zero is not a place: nothing is placed when no one is said to be anywhere.
    assert _presence(extract("The army command said no soldiers were hurt.")) == []


def test_unowned_militants_sighted_near_a_town(extract: Extract) -> None:
    cs = extract("The district commissioner said gunmen had been sighted near the village of Kolofata.")
    _one(cs, "asserts", "Kolofata")
    # Unowned and merely mentioned (not sighted, not denied): no presence claim.
    assert _presence(extract("The district commissioner said gunmen had attacked Kolofata.")) == []


def test_denying_having_troops_somewhere_is_the_deniers_own(extract: Extract) -> None:
    cs = extract("Burundi has denied having troops in South Kivu, the defence minister said.")
    c = _one(cs, "denies", "South Kivu")
    assert c.claim_key.startswith("burundi") and "troops:presence" in c.claim_key


def test_no_military_presence_of_a_country(extract: Extract) -> None:
    cs = extract("The foreign ministry said there was no Turkish military presence in Sinjar.")
    c = _one(cs, "denies", "Sinjar")
    assert c.claim_key.startswith("turkish-troops:presence")


def test_a_force_backed_by_others_that_took_ground(extract: Extract) -> None:
    # "troops backed by X had entered Y": the participle modifies the troops; "entered" is theirs.
    cs = extract("The agency said Uzbek soldiers backed by helicopters had entered the village of Sokh.")
    c = _one(cs, "asserts", "Sokh")
    assert c.claim_key.startswith("uzbek-troops:presence")


def test_none_of_its_forces_somewhere_is_a_denial(extract: Extract) -> None:
    cs = extract("The Burundian army said none of its soldiers were in Uvira.")
    _one(cs, "denies", "Uvira")


def test_no_sightings_of_a_force_is_a_denial(extract: Extract) -> None:
    cs = extract("The ministry said there had been no sightings of Turkish forces in Raqqa.")
    _one(cs, "denies", "Raqqa")


def test_spotted_doing_something_somewhere(extract: Extract) -> None:
    cs = extract("Fishermen said Burmese soldiers were spotted crossing into Maungdaw on Sunday.")
    _one(cs, "asserts", "Maungdaw")


def test_taking_up_positions_around_a_town(extract: Extract) -> None:
    cs = extract("The regional government said Amhara militia fighters had taken up positions around Gondar.")
    _one(cs, "asserts", "Gondar")


def test_redeployed_forces(extract: Extract) -> None:
    cs = extract("A monitoring group said Iraqi army units had been redeployed to Kirkuk.")
    _one(cs, "asserts", "Kirkuk")


def test_a_country_that_sent_no_troops(extract: Extract) -> None:
    cs = extract("Belarus has not sent troops to Poland, the foreign minister said.")
    c = _one(cs, "denies", "Poland")
    assert c.claim_key.startswith("belarus")


def test_forces_due_to_arrive_are_not_yet_present(extract: Extract) -> None:
    # A plan or projection is left out, like "the toll could reach 2,000".
    assert _presence(extract("Portuguese instructors will arrive in Bissau next week, the ministry said.")) == []
    assert _presence(extract("The ministry said Spanish troops could be deployed to Ceuta.")) == []
    cs = extract("The ministry said Spanish troops had been deployed to Ceuta.")
    _one(cs, "asserts", "Ceuta")


def test_no_sightings_with_the_place_on_the_existential_verb(extract: Extract) -> None:
    # The small model hangs "in Lamu" on "been", not on the sightings.
    cs = extract("The police said there had been no sightings of Somali militants in Lamu.")
    _one(cs, "denies", "Lamu")


def test_reports_of_a_force_called_false_are_a_denial(extract: Extract) -> None:
    cs = extract("The defence ministry said reports of Egyptian advisers in Benghazi were false.")
    _one(cs, "denies", "Benghazi")
    cs = extract("The ministry said the reports that Qatari troops had arrived in Tripoli were baseless.")
    _one(cs, "denies", "Tripoli")


def test_setting_foot_somewhere_places_the_force(extract: Extract) -> None:
    _one(extract("Kigali denied that any Rwandan soldier had set foot in Goma."), "denies", "Goma")
    _one(extract("Residents said Burundian soldiers had set foot in Uvira on Monday."), "asserts", "Uvira")


def test_posted_and_guarding_place_the_force(extract: Extract) -> None:
    _one(extract("The ministry said Ugandan soldiers had been posted around the airport in Bunia."), "asserts", "Bunia")
    _one(extract("The army said Ugandan troops were still guarding the bridge at Kasindi."), "asserts", "Kasindi")
