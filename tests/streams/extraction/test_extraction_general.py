"""General rules of English news sentences, each tested on sentences written for these tests
(none taken from a data set): past events, denials of a figure named by its owner, who
speaks for a group's own counters, and counts stated in other words."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import ClaimObserved

Extract = Callable[..., list[ClaimObserved]]
_PUB = "2026-03-11T10:00:00Z"  # a Wednesday


def _values(claims: list[ClaimObserved]) -> set[float]:
    return {c.value.best for c in claims if c.value is not None}


# --- past events -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        # a date one noun further down ("in the same bay in May 2019"), and a second verb
        # without its own subject sharing the first verb's time
        ("The disaster agency said on Tuesday that 12 people had died in the storm. "
         "A cyclone in the same bay in May 2019 flattened about 4,000 huts and killed 23 fishermen, "
         "the agency said.", {12}, {4000, 23}),
        # "during riots in August 2022": the date hangs on the event noun
        ("Police said 45 demonstrators were detained on Monday. During riots in August 2022, police "
         "arrested more than 700 people, according to a rights group.", {45}, {700}),
        # "said at the time": a statement made back then, whatever its tense
        ("The ministry said 31 homes were flooded this week. An earlier flood displaced 8,000 families "
         "and destroyed 900 homes, the ministry said at the time.", {31}, {8000, 900}),
        ("Officials said 14 people were hurt. A similar crash left 60 injured, according to the "
         "railway company at the time.", {14}, {60}),
    ],
)  # fmt: skip
def test_past_events_are_background(extract: Extract, text: str, kept: set[float], dropped: set[float]) -> None:
    values = _values(extract(text, published_at=_PUB))
    assert kept <= values, values
    assert not (dropped & values), values


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # a verb with its own subject has its own time
        ("The council said the bridge had been closed twice in 2024, and that 5 engineers had been "
         "arrested on Monday.", {5}),
        # "at the time" on the figure's own verb dates the figure, not the statement
        ("Police said 300 people were inside the hall at the time.", {300}),
        # "at the time of the blast" names a moment of the story
        ("The company said 85 workers were on site at the time of the blast.", {85}),
    ],
)  # fmt: skip
def test_current_figures_beside_past_dates_are_kept(extract: Extract, text: str, kept: set[float]) -> None:
    values = _values(extract(text, published_at=_PUB))
    assert kept <= values, values
