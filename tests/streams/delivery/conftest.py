"""Shared fixtures: alerts in our own words and real aiohttp receivers on loopback ports."""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aiohttp import web

from schemas import ClaimObserved, ConsensusUpdated, ContradictionDetected
from schemas.events import Estimate, Evidence, Source, Supporter, Value
from streams.delivery import Endpoint, FailedDelivery, PendingDelivery

REPO = Path(__file__).resolve().parents[3]


def load_example_receiver() -> ModuleType:
    """``examples/receiver.py`` loaded by path (``examples`` is not a package)."""
    name = "claimwatch_example_receiver"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "examples" / "receiver.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_SCENES = [
    ("ferry passengers", "missing", "Lake Kivu", "the regional coast guard", 37, 12),
    ("wildfire evacuees", "count", "Evia", "the civil protection ministry", 2600, 900),
    ("striking dock workers", "count", "Rotterdam", "the dockers' union", 5200, 1800),
    ("flood deaths", "deaths", "Derna", "a Red Crescent official", 11300, 4000),
]


def make_alert(i: int = 0, *, detected_at: datetime | None = None) -> ContradictionDetected:
    """A varied, valid ContradictionDetected (the ``i``-th of an endless series)."""
    subject, measure, place, source, new, old = _SCENES[i % len(_SCENES)]
    new, old = new + i, old + i
    key = f"{subject.replace(' ', '-')}:{measure}@{place.lower().replace(' ', '-')}"
    sentence = f"{source.capitalize()} said on Tuesday that {new} {subject} were affected."
    when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=i)
    obs = ClaimObserved(
        event_id=f"obs-{i}",
        claim_key=key,
        subject=subject,
        measure=measure,
        location=place,
        value=Value(low=new * 0.95, best=new, high=new * 1.05, hedge="approximately"),
        stance="asserts",
        source=Source(name=source, kind="official"),
        outlet="The Daily Ledger",
        article_id=f"article-{i}",
        url=f"https://news.example.org/story/{i}",
        evidence=Evidence(text=sentence, start=0, end=len(sentence)),
        confidence=0.8,
        observed_at=when - timedelta(seconds=2),
    )
    before = ConsensusUpdated(
        claim_key=key,
        version=3,
        estimate=Estimate(low=old * 0.9, best=old, high=old * 1.1),
        supporting=[
            Supporter(
                source="a wire agency",
                value=Value(best=old),
                stance="asserts",
                weight=0.7,
                event_id=f"prior-{i}-a",
            ),
            Supporter(
                source="the mayor's office",
                value=Value(best=old),
                stance="asserts",
                weight=0.6,
                event_id=f"prior-{i}-b",
            ),
        ],
        n_sources=2,
        updated_at=when - timedelta(hours=2),
        trigger_event_id=f"prior-{i}-b",
        subject=subject,
        measure=measure,
        location=place,
    )
    return ContradictionDetected(
        alert_id=f"alert-{i:05d}",
        claim_key=key,
        kind="value_conflict",
        severity=("low", "medium", "high")[i % 3],
        reason=f"{source} now says {new}; consensus was {old} from 2 sources",
        observation=obs,
        consensus_before=before,
        detected_at=detected_at or when,
    )


@pytest.fixture
def alert() -> ContradictionDetected:
    return make_alert(1)


@pytest.fixture(name="make_alert")
def _make_alert_fixture() -> Callable[..., ContradictionDetected]:
    return make_alert


Behaviour = Callable[["Hook", web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Hook:
    """A real HTTP receiver on 127.0.0.1 whose answers a test scripts."""

    behaviour: Behaviour | None = None
    port: int = 0
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def alert_ids(self) -> list[str]:
        return [h["Idempotency-Key"] for h, _ in self.requests]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append((dict(request.headers), body))
        self.arrived.set()
        if self.behaviour is None:
            return web.Response(text="ok")
        return await self.behaviour(self, request)

    async def start(self) -> Hook:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        if self.port == 0:
            server = site._server
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def wait_for(self, n: int, hang_guard: float = 60.0) -> None:
        """Until at least ``n`` requests arrived; a broken dispatcher fails instead of hanging."""
        async with asyncio.timeout(hang_guard):
            while len(self.requests) < n:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def hooks() -> AsyncIterator[Callable[..., Awaitable[Hook]]]:
    started: list[Hook] = []

    async def start(behaviour: Behaviour | None = None, port: int = 0) -> Hook:
        hook = await Hook(behaviour=behaviour, port=port).start()
        started.append(hook)
        return hook

    yield start
    for hook in started:
        await hook.stop()


def free_port() -> int:
    """A loopback port nobody listens on (closed again at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def endpoint(name: str, url: str, **kw: Any) -> Endpoint:
    """An endpoint with test-friendly fast retries unless overridden."""
    kw.setdefault("base_delay_seconds", 0.01)
    kw.setdefault("max_delay_seconds", 0.05)
    kw.setdefault("timeout_seconds", 2.0)
    return Endpoint(name=name, url=url, **kw)


@dataclass
class Sink:
    """Collects what the dispatcher dead-letters or defers (stands in for the topics)."""

    dead: list[FailedDelivery] = field(default_factory=list)
    deferred: list[PendingDelivery] = field(default_factory=list)

    async def deadletter(self, failed: FailedDelivery) -> None:
        self.dead.append(failed)

    async def defer(self, pending: PendingDelivery) -> None:
        self.deferred.append(pending)


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture(name="endpoint")
def _endpoint_fixture() -> Callable[..., Endpoint]:
    return endpoint


@pytest.fixture(name="free_port")
def _free_port_fixture() -> Callable[[], int]:
    return free_port


@pytest.fixture
def example_receiver() -> ModuleType:
    return load_example_receiver()
