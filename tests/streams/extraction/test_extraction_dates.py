"""as_of resolution against the publication date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

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
