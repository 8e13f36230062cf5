"""Figures that are not claims about the event: projections, capacities, comparisons,
rates, targets, anecdotes, populations and past events (sentences written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import ClaimObserved

Extract = Callable[..., list[ClaimObserved]]


def _values(claims: list[ClaimObserved]) -> set[float]:
    return {c.value.best for c in claims if c.value is not None}


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        # speculation
        ("The governor said 48 people had died and that the toll could climb to 300.", {48}, {300}),
        ("Rescuers said dozens more might still be buried, after 17 bodies were recovered.", {17}, {30}),
        # capacity
        ("The Red Cross said the stadium shelter, designed for 900 people, now housed 2,400 evacuees.",
         {2400}, {900}),
        # prior-period comparison
        ("The border agency said 12,300 people had crossed this spring, down from 15,800 a year earlier.",
         {12300}, {15800}),
        # rate
        ("The clinic said it was admitting about 80 patients a day.", set(), {80}),
        # target
        ("UNICEF said a measles drive targeting 600,000 children would start on Monday.", set(), {600000}),
        # anecdote
        ("A fisherman said he had lost his three brothers in the storm, which police said killed 22 people.",
         {22}, {3}),
        # population
        ("Officials said 40 people had died in Tamale, a city of about 400,000 people.", {40}, {400000}),
        # a past event
        ("Police said 9 people died, in a town where 130 people died in a similar blast in 2009.",
         {9}, {130}),
    ],
)  # fmt: skip
def test_figures_that_are_not_claims(extract: Extract, text: str, kept: set[float], dropped: set[float]) -> None:
    values = _values(extract(text, published_at="2026-05-14T10:00:00Z"))
    assert kept <= values, values
    assert not (dropped & values), values


def test_a_past_year_in_a_coordinated_clause_does_not_date_the_figure(extract: Extract) -> None:
    cs = extract(
        "The agency said the mine had been closed twice in 2023 for safety breaches, "
        "and that 4 managers had been arrested on Monday.",
        published_at="2026-05-14T10:00:00Z",
    )
    assert 4 in _values(cs)


def test_a_past_year_on_the_reporting_verb_itself(extract: Extract) -> None:
    cs = extract(
        "Officials said 40 people had died this week. Haiti recorded over 9,000 cholera cases in 2024, "
        "according to WHO data.",
        published_at="2026-05-14T10:00:00Z",
    )
    assert _values(cs) == {40}


def test_the_figure_a_toll_rose_from_is_not_a_claim(extract: Extract) -> None:
    cs = extract("The death toll from the floods rose to 212 from 180, the disaster authority said.")
    assert _values(cs) == {212}


def test_amounts_of_money_are_never_counts(extract: Extract) -> None:
    cs = extract(
        "The provincial government said it would pay compensation of 800,000 rupees to the family of each "
        "fisherman lost in the cyclone. The navy said it had handed out food parcels worth 45 million pesos "
        "on the islands. A charity said it had raised €3 million for survivors."
    )
    assert cs == []


def test_a_count_after_an_amount_is_not_a_range_with_it(extract: Extract) -> None:
    cs = extract("The housing ministry said it had paid $1.8 million to 240 families whose homes burned in the fire.")
    assert [c.value.best for c in cs if c.value is not None] == [240]


def test_compensation_of_n_is_money_without_a_currency_word(extract: Extract) -> None:
    cs = extract("The province said it would pay compensation of 400,000 to the families of the 9 people killed.")
    assert 400_000 not in _values(cs)


def test_a_square_that_holds_n_people_is_a_capacity(extract: Extract) -> None:
    text = (
        "BOGOTA - Police said 18,000 people joined the march on Friday. Plaza de Bolivar holds "
        "about 55,000 people, according to the mayor's office."
    )
    values = {c.value.best for c in extract(text) if c.value is not None}
    assert 18000 in values and 55000 not in values


def test_a_vessel_licensed_to_carry_n_is_a_capacity(extract: Extract) -> None:
    text = (
        "MANILA - The coast guard said 64 passengers had been rescued after a ferry sank off Cebu. "
        "The maritime agency said the ferry was licensed to carry 90 passengers."
    )
    values = {c.value.best for c in extract(text) if c.value is not None}
    assert 64 in values and 90 not in values


def test_a_country_that_already_hosts_n_refugees_is_background(extract: Extract) -> None:
    text = (
        "NAIROBI - About 3,000 people have crossed into Kenya from Somalia since Monday, the UNHCR "
        "said. Kenya already hosts about 400,000 refugees in two camps, the agency said."
    )
    values = {c.value.best for c in extract(text) if c.value is not None}
    assert 3000 in values and 400000 not in values


def test_fighters_who_hold_hostages_are_still_counted(extract: Extract) -> None:
    text = "KABUL - The rebels hold 30 hostages in the hills, the interior ministry said on Tuesday."
    values = {c.value.best for c in extract(text) if c.value is not None}
    assert 30 in values
