"""as_of resolution against the publication date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from schemas.events import ClaimObserved
from streams.extraction.dates import resolve_date

PUB = datetime(2024, 10, 23, 18, 0, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("on Wednesday", date(2024, 10, 23)),
        ("Monday", date(2024, 10, 21)),
        ("last Tuesday", date(2024, 10, 22)),
        ("yesterday", date(2024, 10, 22)),
        ("last week", date(2024, 10, 16)),
        ("earlier this month", date(2024, 10, 12)),
        ("between October 8-13", date(2024, 10, 13)),
        ("October 23, 2024", date(2024, 10, 23)),
        ("8 October", date(2024, 10, 8)),
        ("by the end of the year", date(2024, 12, 31)),
        ("the end of the month", date(2024, 10, 31)),
        ("three days ago", date(2024, 10, 20)),
        ("February 2022", date(2022, 2, 28)),
        ("December 30", date(2023, 12, 30)),
    ],
)
def test_resolves(phrase: str, expected: date) -> None:
    got = resolve_date(phrase, PUB)
    assert got is not None and got.date() == expected


def test_last_week_is_the_middle_of_the_previous_week() -> None:
    # Published on a Saturday: "last week" is the Wednesday of the Monday-Sunday week before.
    got = resolve_date("last week", datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    assert got is not None and got.date() == date(2026, 11, 18)


@pytest.mark.parametrize("phrase", ["two and a half years", "months of grueling fighting", "decades"])
def test_durations_are_not_dates(phrase: str) -> None:
    assert resolve_date(phrase, PUB) is None


def test_a_crowd_is_counted_on_the_day_of_its_gathering(extract: Callable[..., list[ClaimObserved]]) -> None:
    # Published on a Wednesday (2024-10-23): "Monday's march" is the 21st.
    cs = extract("Police said on Tuesday that 4,000 people had taken part in Monday's march.")
    assert [c.as_of.date().isoformat() for c in cs if c.as_of is not None] == ["2024-10-21"]
    # ... but a toll of "Monday's earthquake" is as of the statement, and arrests at a rally too
    cs = extract("The governor said on Tuesday that 40 people died in Monday's earthquake.")
    assert [c.as_of.date().isoformat() for c in cs if c.as_of is not None] == ["2024-10-22"]
    cs = extract("Police said on Tuesday they had detained 38 people during Monday's rally.")
    assert [c.as_of.date().isoformat() for c in cs if c.as_of is not None] == ["2024-10-22"]


def test_the_sources_own_figure_of_a_day_before_is_a_claim_as_of_that_day(
    extract: Callable[..., list[ClaimObserved]],
) -> None:
    # Published on a Wednesday (2024-10-23).
    cs = extract("The agency said 14 people were still missing, down from 22 on Monday.")
    got = sorted((c.value.best, c.measure, c.as_of.date().isoformat()) for c in cs if c.value and c.as_of)
    assert got == [(14, "missing", "2024-10-23"), (22, "missing", "2024-10-21")]
    cs = extract("The brigade said it now had 650 soldiers in the search, up from the 400 it announced on Monday.")
    assert sorted(c.value.best for c in cs if c.value) == [400, 650]
    # a figure of another period is no claim
    cs = extract("The ministry said it had recorded 640 cases this year, down from 1,100 in the same period of 2023.")
    assert [c.value.best for c in cs if c.value] == [640]
