"""Fixtures of the read model tests."""

from __future__ import annotations

import pytest

from tests.streams.readmodel.readmodel_events import Events


@pytest.fixture
def events() -> Events:
    return Events()
