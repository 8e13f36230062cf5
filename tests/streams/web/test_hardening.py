"""The worker's web port serves the documented routes only, and bounds how long a request may take to arrive.

These run Faust's own web server for an app built by ``create_app`` (the worker's
settings, no broker needed), on a free loopback port.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from streams.app import create_app
from streams.broker import free_port
from streams.config import Settings


@contextlib.asynccontextmanager
async def worker_web(**overrides: Any) -> AsyncIterator[str]:
    port = free_port()
    settings = Settings(
        kafka_bootstrap_servers="broker.invalid:9092", web_host="127.0.0.1", web_port=port, **overrides
    )
    web: Any = create_app(settings).app.web
    web.init_server()
    await web.start_server()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await web.stop_server()


DOCUMENTED = {
    "/healthz": 200,
    "/readyz": 503,  # never started
    "/metrics": 200,
    "/api/claims": 200,
    "/api/claims/no-such:claim": 404,  # a documented route; the claim is unknown
    "/api/alerts": 200,
    "/dashboard": 200,
    "/dashboard/static/dashboard.js": 200,
}

UNDOCUMENTED = [
    "/router/",
    "/router/nonexistent/",
    "/table/",
    "/table/consensus/",
    "/table/consensus/north-korean-troops:count@russia/",
    "/table/reliability/Reuters/",
    "/graph/",
    "/stats/",
    "/assignment/",
    "/performance/",
    "/signal/",
    "/nope",
]


async def test_documented_routes_answer_and_nothing_else_does() -> None:
    async with worker_web() as base, aiohttp.ClientSession() as http:
        for path, status in DOCUMENTED.items():
            async with http.get(base + path) as resp:
                assert resp.status == status, path
        async with http.get(base + "/", allow_redirects=False) as resp:
            assert resp.status == 302 and resp.headers["Location"] == "/dashboard"
        for path in UNDOCUMENTED:
            async with http.get(base + path) as resp:
                assert resp.status == 404, (path, resp.status, await resp.text())
            async with http.post(base + path, data=b"{}") as resp:
                assert resp.status in (404, 405), (path, resp.status)


async def _closed_by_server(reader: asyncio.StreamReader) -> bool:
    """Whether the server has closed the connection (EOF or reset), waiting at most 30 s."""
    try:
        data = await asyncio.wait_for(reader.read(1024), timeout=30)
    except ConnectionError:
        return True
    except TimeoutError:
        return False
    return data == b"" or data.startswith(b"HTTP/1.1 408")


async def test_a_client_that_never_finishes_its_headers_is_disconnected() -> None:
    async with worker_web(web_header_timeout=1.0) as base:
        port = int(base.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        await writer.drain()
        assert await _closed_by_server(reader)
        writer.close()
        # The server itself is fine: a whole request on a new connection is answered.
        async with aiohttp.ClientSession() as http, http.get(base + "/healthz") as resp:
            assert resp.status == 200


async def test_dripping_header_bytes_does_not_keep_a_connection_open() -> None:
    """Each byte arrives well within the timeout; the headers as a whole never do."""
    async with worker_web(web_header_timeout=1.0) as base:
        port = int(base.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        closed = False
        for _ in range(150):  # one byte of one header value at a time, up to about 30 s
            try:
                writer.write(b"a")
                await writer.drain()
            except ConnectionError:
                closed = True
                break
            with contextlib.suppress(TimeoutError):
                data = await asyncio.wait_for(reader.read(1024), timeout=0.2)
                closed = data == b"" or data.startswith(b"HTTP/1.1 408")
                if closed:
                    break
        writer.close()
        assert closed, "the server kept reading headers forever"


def test_the_header_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Settings(web_header_timeout=0)
