"""Hostile HTTP requests on the worker's own web server: each gets a 4xx with a JSON message,
never a 500, never a file outside the static folder, and never unbounded time or memory."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from yarl import URL

from streams.web.api import STATIC_DIR
from tests.streams.web.test_hardening import worker_web

BAD = [
    # negative, zero, huge and non-numeric limits and offsets
    ("GET", "/api/claims?limit=-1", 400),
    ("GET", "/api/claims?limit=0", 400),
    ("GET", "/api/claims?limit=501", 400),
    ("GET", "/api/claims?limit=99999999999999999999999", 400),
    ("GET", "/api/claims?limit=" + "9" * 5000, 400),
    ("GET", "/api/claims?limit=1e3", 400),
    ("GET", "/api/claims?limit=%D9%A3", 400),  # an Arabic-Indic digit, which int() would take
    ("GET", "/api/claims?limit=0x10", 400),
    ("GET", "/api/claims?offset=-5", 400),
    ("GET", "/api/claims?offset=" + "9" * 40, 400),
    ("GET", "/api/alerts?limit=-3", 400),
    ("GET", "/api/alerts?limit=NaN", 400),
    ("GET", "/api/claims?q=" + "a" * 300, 400),
    # garbage timestamps
    ("GET", "/api/claims/k/as-of", 400),
    ("GET", "/api/claims/k/as-of?t=garbage", 400),
    ("GET", "/api/claims/k/as-of?t=" + "1" * 48, 400),  # fromisoformat alone reads it as 1111-11-11
    ("GET", "/api/claims/k/as-of?t=" + "1" * 8000, 400),
    ("GET", "/api/claims/k/as-of?t=11111111", 400),
    ("GET", "/api/claims/k/as-of?t=2024-13-45", 400),
    ("GET", "/api/claims/k/as-of?t=9999-12-31T23:59:59-23:59", 400),  # year 10000 in UTC
    ("GET", "/api/claims/k/as-of?t=0001-01-01T00:00:00%2B14:00", 400),  # year 0 in UTC
    ("GET", "/api/claims/k/as-of?t=%00", 400),
    ("GET", "/api/claims/k/as-of?t=%3Cscript%3E", 400),
    # path traversal, plain and encoded, out of the static folder
    ("GET", "/dashboard/static/../../api.py", 404),
    ("GET", "/dashboard/static/%2e%2e/%2e%2e/api.py", 404),
    ("GET", "/dashboard/static/%2e%2e%2f%2e%2e%2fapi.py", 404),
    ("GET", "/dashboard/static/..%2f..%2f..%2fconfig.py", 404),
    ("GET", "/dashboard/static/%252e%252e%252fapi.py", 404),
    ("GET", "/dashboard/static/..%5c..%5capi.py", 404),
    ("GET", "/dashboard/static//etc/passwd", 404),
    ("GET", "/dashboard/static/%2fetc%2fpasswd", 404),
    ("GET", "/dashboard/static/dashboard.js%00.html", 404),
    ("GET", "/dashboard/static/", 404),
    ("GET", "/dashboard/static/.", 404),
    ("GET", "/dashboard/../streams/web/api.py", 404),
    # wrong methods
    ("POST", "/api/claims", 405),
    ("PUT", "/api/claims/k", 405),
    ("DELETE", "/api/claims/k", 405),
    ("PATCH", "/dashboard", 405),
    ("POST", "/metrics", 405),
    ("POST", "/dashboard/static/dashboard.js", 405),
    ("OPTIONS", "/api/alerts", 405),
    ("TRACE", "/healthz", 405),
]


async def test_each_hostile_request_gets_a_4xx_with_a_message() -> None:
    secrets = [p.read_bytes()[:200] for p in (STATIC_DIR.parent / "api.py", STATIC_DIR.parents[1] / "config.py")]
    async with worker_web() as base, aiohttp.ClientSession() as http:
        for method, path, status in BAD:
            async with http.request(method, URL(base + path, encoded=True)) as resp:
                body = await resp.read()
                assert resp.status == status, (method, path, resp.status, body[:200])
                assert resp.content_type == "application/json", (path, resp.content_type)
                answer: dict[str, Any] = await resp.json()
                assert answer["status"] == status and answer["error"], (path, answer)
                assert len(answer["error"]) < 300, "the message echoes a bounded part of the input"
                assert not any(s in body for s in secrets), f"{path} served a file outside the static folder"


@pytest.mark.parametrize("length", [9_000, 100_000])
async def test_an_over_long_url_is_refused_without_a_500(length: int) -> None:
    async with worker_web() as base, aiohttp.ClientSession() as http:
        for path in ("/api/claims/" + "a" * length, "/api/claims?q=" + "a" * length):
            async with http.get(URL(base + path, encoded=True)) as resp:
                assert 400 <= resp.status < 500, resp.status
                assert await resp.read(), "with a message"


async def test_the_static_files_and_the_api_still_answer() -> None:
    async with worker_web() as base, aiohttp.ClientSession() as http:
        for name in ("dashboard.js", "dashboard.css", "dashboard.html"):
            async with http.get(f"{base}/dashboard/static/{name}") as resp:
                assert resp.status == 200 and (STATIC_DIR / name).read_bytes() == await resp.read()
                assert resp.headers["X-Content-Type-Options"] == "nosniff"
        async with http.get(f"{base}/dashboard") as resp:
            assert resp.status == 200
            assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        async with http.head(f"{base}/dashboard/static/dashboard.js") as resp:
            assert resp.status == 200
        async with http.get(f"{base}/api/claims/k/as-of?t=2024-10-18T12:00:00Z") as resp:
            assert resp.status == 404  # a good time; the claim is unknown
        for t in ("2024-10-18", "2024-10-18T12:00", "2024-10-18 12:00:00.123456+02:00", "2024-10-18T12:00:00z"):
            async with http.get(f"{base}/api/claims/k/as-of", params={"t": t}) as resp:
                assert resp.status == 404, t
        async with http.get(f"{base}/api/claims?limit=500&offset=1000000000") as resp:
            assert resp.status == 200
        async with http.get(f"{base}/api/claims?limit=+7") as resp:
            assert resp.status == 200
