"""``CLAIMWATCH_WEB_HOST`` is the address the worker's web server listens on.

Faust binds ``web_bind`` (every interface by default), not ``web_host``; these
tests start Faust's own web server for an app built by ``create_app`` (no broker
needed) and connect to it on two loopback addresses. On Linux the whole of
127.0.0.0/8 reaches this machine, so 127.0.0.2 stands for "another interface":
a server bound to every interface answers there, one bound to 127.0.0.1 must not.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from streams.app import create_app
from streams.broker import free_port
from streams.config import Settings

OTHER = "127.0.0.2"


def _reachable(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        try:
            sock.connect((host, port))
        except OSError:
            return False
        return True


@contextlib.asynccontextmanager
async def serving(web_host: str) -> AsyncIterator[int]:
    port = free_port()
    ctx = create_app(Settings(kafka_bootstrap_servers="broker.invalid:9092", web_host=web_host, web_port=port))
    web: Any = ctx.app.web
    web.init_server()
    await web.start_server()
    try:
        yield port
    finally:
        await web.stop_server()


@pytest.fixture(scope="module", autouse=True)
def other_loopback_address_works() -> None:
    with socket.socket() as probe:
        try:
            probe.bind((OTHER, 0))
        except OSError:
            pytest.skip(f"{OTHER} is not an address of this machine")


async def test_loopback_bind_is_not_reachable_on_another_address() -> None:
    async with serving("127.0.0.1") as port:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            assert resp.status == 200
        assert not _reachable(OTHER, port)


async def test_the_wildcard_bind_answers_on_every_address() -> None:
    """The control: the probe above does see a server that listens everywhere."""
    async with serving("0.0.0.0") as port:
        assert _reachable("127.0.0.1", port)
        assert _reachable(OTHER, port)


async def test_binding_the_other_address_leaves_127_0_0_1_closed() -> None:
    async with serving(OTHER) as port:
        assert _reachable(OTHER, port)
        assert not _reachable("127.0.0.1", port)
