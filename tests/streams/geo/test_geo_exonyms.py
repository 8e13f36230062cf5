"""English names of ISO 3166-2 regions (streams/geo/data/region_exonyms.csv)."""

from __future__ import annotations

import pycountry
import pytest

from streams.geo import location_contains, resolve_place
from streams.geo.places import gazetteer, name_key, region_exonyms, slugify


def test_every_code_in_the_file_is_an_iso_3166_2_code() -> None:
    unknown = [r.code for r in region_exonyms() if pycountry.subdivisions.get(code=r.code) is None]
    assert unknown == []


def test_every_region_is_listed_once_and_every_name_names_one_region() -> None:
    rows = region_exonyms()
    codes = [r.code for r in rows]
    assert len(codes) == len(set(codes))
    owner: dict[str, str] = {}
    for r in rows:
        for name in (r.name, *r.aliases):
            assert owner.setdefault(name_key(name), r.code) == r.code, name


def test_no_english_name_shadows_a_country() -> None:
    # Countries resolve first; an exonym equal to a country's name would never be read.
    for r in region_exonyms():
        for name in (r.name, *r.aliases):
            p = resolve_place(name)
            assert p is None or p.kind != "country", (name, p)


def test_every_seat_is_a_geonames_city_of_the_regions_country_with_its_own_admin1() -> None:
    gaz = gazetteer()
    assert gaz.unfound_seats == []
    assert gaz.shared_seats == []


def test_a_region_and_a_city_of_its_country_never_share_a_claim_key() -> None:
    # The display name is the key ("crete"); "Kharkiv Oblast", not "Kharkiv", beside the city.
    gaz = gazetteer()
    for r in region_exonyms():
        place = resolve_place(r.name)
        assert place is not None and place.code == r.code, r.name
        if r.bare_region:
            continue  # the bare name is always the region ("Jiangxi"): the town never gets it
        for city in gaz._namesakes.get(r.name.lower(), ()):
            assert city.country != place.country or city.slug != place.slug, r.name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Crete", "GR-M"), ("Tuscany", "IT-52"), ("Bavaria", "DE-BY"), ("Sicily", "IT-82"),
        ("Sardinia", "IT-88"), ("Lombardy", "IT-25"), ("Piedmont", "IT-21"), ("Apulia", "IT-75"),
        ("Catalonia", "ES-CT"), ("Andalusia", "ES-AN"), ("the Basque Country", "ES-PV"),
        ("the Balearic Islands", "ES-IB"), ("the Canary Islands", "ES-CN"), ("Brittany", "FR-BRE"),
        ("Normandy", "FR-NOR"), ("Corsica", "FR-20R"), ("Lower Saxony", "DE-NI"), ("Saxony", "DE-SN"),
        ("Thuringia", "DE-TH"), ("North Rhine-Westphalia", "DE-NW"), ("North Rhine Westphalia", "DE-NW"),
        ("Tyrol", "AT-7"), ("Styria", "AT-6"), ("Carinthia", "AT-2"), ("Attica", "GR-I"),
        ("the Peloponnese", "GR-J"), ("Flanders", "BE-VLG"), ("Wallonia", "BE-WAL"), ("Lapland", "FI-10"),
        ("Chechnya", "RU-CE"), ("Dagestan", "RU-DA"), ("Crimea", "UA-43"), ("Ticino", "CH-TI"),
        ("Silesia", "PL-24"), ("Tigray", "ET-TI"), ("Nineveh", "IQ-NI"), ("Saladin", "IQ-SD"),
        ("Tibet", "CN-XZ"), ("Inner Mongolia", "CN-NM"), ("Xinjiang", "CN-XJ"), ("Sichuan", "CN-SC"),
        ("Henan", "CN-HA"), ("Rakhine", "MM-16"), ("Michoacán", "MX-MIC"), ("Michoacan", "MX-MIC"),
        ("the Azores", "PT-20"), ("Adjara", "GE-AJ"), ("Transnistria", "MD-SN"), ("Ontario", "CA-ON"),
        ("Kurdistan Region", "IQ-KR"), ("Iraqi Kurdistan", "IQ-KR"), ("Khyber Pakhtunkhwa", "PK-KP"),
    ],
)  # fmt: skip
def test_english_names_resolve_to_the_region(name: str, code: str) -> None:
    p = resolve_place(name)
    assert p is not None and (p.code, p.kind) == (code, "region")


def test_the_region_is_shown_and_keyed_by_its_english_name_however_spelled() -> None:
    for spelling in ("Crete", "Kriti", "Kríti", "southern Crete"):
        p = resolve_place(spelling)
        assert p is not None and (p.name, p.slug) == ("Crete", "crete")
    a, b = resolve_place("Kharkiv region"), resolve_place("Kharkivska oblast")
    assert a is b and a is not None and a.slug == "kharkiv-oblast"


@pytest.mark.parametrize(
    ("city", "country"),
    [("Kharkiv", "UA"), ("Aleppo", "SY"), ("Kursk", "RU"), ("Zurich", "CH"), ("Geneva", "CH"),
     ("Donetsk", "UA"), ("Idlib", "SY"), ("Moscow", "RU"), ("Kyiv", "UA"), ("Mosul", "IQ"),
     ("Nizhny Novgorod", "RU"), ("Veracruz", "MX"), ("Jilin", "CN")],
)  # fmt: skip
def test_a_bare_name_a_city_of_the_regions_country_bears_stays_the_city(city: str, country: str) -> None:
    p = resolve_place(city)
    assert p is not None and (p.kind, p.country) == ("city", country)


def test_valencia_stays_the_city_table_reading() -> None:
    # Spain's Valencian Community does not take the bare name from the cities called Valencia.
    p = resolve_place("Valencia")
    assert p is not None and p.kind == "city"
    region = resolve_place("Valencia region")
    assert region is not None and region.code == "ES-VC"


@pytest.mark.parametrize(
    ("text", "code"),
    [("Kharkiv region", "UA-63"), ("Kharkiv oblast", "UA-63"), ("Kursk region", "RU-KRS"),
     ("Aleppo province", "SY-HL"), ("Aleppo governorate", "SY-HL"), ("the province of Aleppo", "SY-HL"),
     ("Zurich canton", "CH-ZH"), ("the canton of Geneva", "CH-GE"), ("Geneva canton", "CH-GE"),
     ("Zaporizhzhia region", "UA-23"), ("Moscow region", "RU-MOS"), ("Kyiv region", "UA-32"),
     ("Jilin province", "CN-JL"), ("Idlib province", "SY-ID"), ("Deir ez-Zor province", "SY-DY"),
     ("Lublin voivodeship", "PL-06"), ("Gomel region", "BY-HO")],
)  # fmt: skip
def test_a_region_noun_makes_the_name_the_region(text: str, code: str) -> None:
    p = resolve_place(text)
    assert p is not None and (p.code, p.kind) == (code, "region")


def test_a_namesake_city_abroad_does_not_win_over_the_region() -> None:
    # GeoNames has a Tuscany in Canada and an Ontario in California.
    for name, country in (("Tuscany", "IT"), ("Ontario", "CA"), ("Mount Lebanon", "LB")):
        p = resolve_place(name)
        assert p is not None and (p.kind, p.country) == ("region", country)


def test_cities_lie_in_the_region_of_their_seats_admin1() -> None:
    assert location_contains("Crete", "Chania")
    assert location_contains("Crete", "Heraklion")
    assert not location_contains("Chania", "Crete")
    assert location_contains("Kharkiv region", "Kharkiv")
    assert location_contains("Kharkiv Oblast", "Izium") or resolve_place("Izium") is None
    assert location_contains("Tuscany", "Pisa")
    assert not location_contains("Tuscany", "Milan")
    assert location_contains("Kurdistan Region", "Duhok")  # several seats: GeoNames splits it
    assert location_contains("Flanders", "Ghent")
    assert not location_contains("Flanders", "Liège")
    assert not location_contains("Stavropol Krai", "Tolyatti")  # once Stavropol-on-Volga
    assert location_contains("Greece", "Chania")


def test_slug_keys_are_ascii() -> None:
    for r in region_exonyms():
        assert slugify(r.name).isascii() and slugify(r.name)
