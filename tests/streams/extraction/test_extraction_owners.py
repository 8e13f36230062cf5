"""Whose forces: an army named by its acronym or official name takes its country's name."""

from __future__ import annotations

from collections.abc import Callable

import spacy

from schemas.events import ClaimObserved
from streams.extraction.owners import acronyms, owner_nationality
from streams.extraction.places import gazetteer


def test_the_article_defines_its_acronyms() -> None:
    doc = spacy.blank("en")("The Chadian National Army (ANT) and the Somali National Army (SNA) deny it.")
    found = acronyms(doc)
    assert found["ANT"] == "The Chadian National Army"
    assert found["SNA"] == "Somali National Army"
    assert found["Chadian National Army"] == "ANT"  # and back


def test_an_owner_takes_the_country_its_long_name_carries() -> None:
    gaz = gazetteer()
    doc = spacy.blank("en")("The Ethiopian National Defense Force (ENDF) said so.")
    assert owner_nationality("ENDF", doc, gaz) == owner_nationality("Ethiopian", doc, gaz)
    assert owner_nationality("Malian Armed Forces", doc, gaz) == str(gaz.demonym("ML"))
    assert owner_nationality("Wagner", doc, gaz) is None  # a group that names no country


def test_a_denial_by_the_armys_official_name_meets_the_sightings(
    extract: Callable[..., list[ClaimObserved]],
) -> None:
    cs = extract(
        "BANGUI - Residents said about 200 Chadian soldiers had been seen near Birao on Sunday. "
        "The Chadian National Army (ANT) said on Monday that no ANT troops were in Birao."
    )
    keys = {c.claim_key.split(":")[0] for c in cs}
    assert len(keys) == 1, keys  # one force, whatever the sentence calls it
    assert any(c.stance == "denies" for c in cs)


def test_an_army_named_in_its_own_language_takes_the_country_of_its_english_name() -> None:
    gaz = gazetteer()
    doc = spacy.blank("en")("Kosovo said the Serbian Armed Forces (Vojska Srbije) had moved troops north.")
    assert owner_nationality("Vojska Srbije", doc, gaz) == owner_nationality("Serbian", doc, gaz)


def test_not_one_soldier_denies_presence(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = extract(
        "BANGUI - Chad's government spokesman said on Wednesday that \"not a single soldier of the Chadian "
        "National Army\" was in Birao. The army chief said not one soldier had been moved to Sudan."
    )
    assert all(c.measure == "presence" and c.stance == "denies" for c in cs), [(c.claim_key, c.stance) for c in cs]
    assert len(cs) == 2
