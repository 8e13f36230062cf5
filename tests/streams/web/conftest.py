"""Fixtures of the web tests: a test client over a read model filled with a small story."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from streams.readmodel import ReadModel
from streams.web.api import WebState, make_app
from tests.streams.readmodel.readmodel_events import Events


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def model(events: Events) -> ReadModel:
    m = ReadModel()
    first = events.observation("w1", source="Fire brigade", best=20, low=18, high=22, minute=0)
    m.observe_claim(first)
    v1 = events.consensus(1, best=20, low=18, high=22, minute=0.5, trigger="w1",
                          supporters=[("Fire brigade", 1.0)])
    m.observe_consensus(v1)
    odd = events.observation("w2", source="A tabloid", best=200, minute=3,
                             evidence="A tabloid claimed two hundred were hurt.")
    m.observe_claim(odd)
    m.observe_alert(events.alert("alert-w2", odd, v1, minute=3.1))
    m.observe_consensus(events.consensus(2, best=21, low=18, high=200, minute=3.2, trigger="w2",
                                         supporters=[("Fire brigade", 0.8), ("A tabloid", 0.2)]))
    m.observe_claim(events.observation("x1", key="a/b:count", subject="slashed key", minute=4))
    return m


@pytest.fixture
async def client(model: ReadModel) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(make_app(WebState(model=model)))) as c:
        yield c
