"""Denials of a figure stated in the same sentence (sentences written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

from schemas.events import ClaimObserved

Extract = Callable[..., list[ClaimObserved]]


def test_a_claim_the_ministry_denied(extract: Extract) -> None:
    cs = extract(
        "Unions said at least 12 people had died in clinics since the walkout began, "
        "a claim the health ministry denied."
    )
    by_stance = {c.stance: c for c in cs if c.value is not None and c.value.best == 12}
    assert by_stance["asserts"].source.name == "Unions"
    assert by_stance["denies"].source.name == "health ministry"
    assert by_stance["denies"].value == by_stance["asserts"].value


def test_calling_a_death_claim_propaganda_denies_its_figure(extract: Extract) -> None:
    cs = extract(
        "Rebels said they had killed 25 soldiers. On Friday the defence ministry denied that any soldiers "
        'had been killed in the clashes, and called the rebels\' claims of 25 dead "pure propaganda."'
    )
    denial = [c for c in cs if c.stance == "denies"]
    assert len(denial) == 1 and denial[0].value is not None and denial[0].value.best == 25
    assert denial[0].measure == "deaths" and denial[0].source.name == "defence ministry"


def test_calling_for_more_staff_is_a_demand_not_a_count(extract: Extract) -> None:
    cs = extract("The union called for 3,000 more nurses to be hired.")
    assert cs == []
