"""Shared fixtures: one Extractor (the spaCy model loads once per test session)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.events import Article, ClaimObserved
from streams.extraction import Extractor


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture
def extract(extractor: Extractor) -> Callable[..., list[ClaimObserved]]:
    """Extract claims from a text written for the test (published on a Wednesday)."""

    def _run(text: str, published_at: str = "2024-10-23T12:00:00Z", **kw: str) -> list[ClaimObserved]:
        art = Article(id=kw.pop("id", "t-1"), text=text, published_at=published_at, outlet="Test Outlet", **kw)
        return extractor.extract(art)

    return _run
