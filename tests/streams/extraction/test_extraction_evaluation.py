"""The scorer's matching rule (DESIGN.md), and the bar on the seed data when it is present."""

from __future__ import annotations

from pathlib import Path

from schemas.events import ClaimObserved, Evidence, Source, Value
from streams.evaluation.extraction import evaluate, matches, same_location, same_source


def test_sources_name_the_same_thing() -> None:
    assert same_source("John Healey", "British Defence Secretary John Healey")
    assert same_source("Seoul's National Intelligence Service", "South Korea's National Intelligence Service")
    assert same_source("NIS", "National Intelligence Service")
    assert same_source("Kremlin spokesperson Dmitry Peskov", "Dmitry Peskov")
    assert not same_source("South Korean officials", "South Korea's National Intelligence Service")
    assert not same_source("South Korean officials", "Ukrainian officials")
    assert not same_source("police", "organisers")
    # "United Nations" and "U.N." are one spelling.
    assert same_source("United Nations monitors", "U.N. Panel of Monitors")
    assert not same_source("United Nations monitors", "African Union monitors")
    # Hyphens and spaces join the same words: "K-Electric" is "K Electric".
    assert same_source("K-Electric", "K Electric")
    assert same_source("Wave‐Power Utility spokesperson", "Wave Power Utility")
    assert not same_source("K-Electric", "L-Electric")


def test_locations_name_the_same_thing() -> None:
    assert same_location("Primorskiy kray", "Primorsky region")
    assert same_location("Russia", "Russia")
    assert not same_location("Russia", "Vladivostok")
    assert same_location(None, None) and not same_location("Russia", None)
    # A bare name is also the region called after its city ("Osh" = "Osh region"), but not
    # another region or a city of another country.
    assert same_location("Osh", "Osh region") and same_location("Jalal-Abad region", "Jalal-Abad")
    assert not same_location("Osh", "Jalal-Abad region")
    assert not same_location("Osh", "Kyrgyzstan")


def _claim(best: float | None, stance: str = "asserts", source: str = "NIS", loc: str = "Russia") -> ClaimObserved:
    return ClaimObserved(
        event_id="e",
        claim_key="k",
        subject="s",
        measure="count" if best is not None else "presence",
        location=loc,
        value=Value(best=best) if best is not None else None,
        stance=stance,  # type: ignore[arg-type]
        source=Source(name=source),
        article_id="a",
        evidence=Evidence(text="t", start=0, end=1),
    )


def test_matching_rule() -> None:
    gold = {"article_id": "a", "stance": "asserts", "value": {"low": 3000, "best": 3000, "high": 3000},
            "location": "Russia", "source": "National Intelligence Service"}  # fmt: skip
    assert matches(_claim(3200), gold)
    assert not matches(_claim(3400), gold)  # more than 10% off
    assert not matches(_claim(3000, stance="denies"), gold)
    assert not matches(_claim(None), gold)  # presence is not a quantity
    assert not matches(_claim(3000, loc="Ukraine"), gold)
    assert not matches(_claim(3000, source="Ukrainian officials"), gold)


def test_seed_data_meets_the_bar(shared_data_dir: Path) -> None:
    res = evaluate(shared_data_dir)
    assert res["recall"] >= 0.9 and res["precision"] >= 0.8, res
