"""The dashboard reads its URL fragment defensively: a malformed one must not kill the page.

Headless Chromium (the Debian package ``.ci/run`` installs) loads the dashboard
from a test server over the small story of ``conftest.py`` and dumps the DOM
once the page has run its scripts.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from streams.readmodel import ReadModel
from streams.web.api import WebState, make_app


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium not installed (Debian package; .ci/run installs it)")


async def dump_dom(url: str, profile: Path) -> str:
    proc = await asyncio.create_subprocess_exec(
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
        "--virtual-time-budget=5000", "--dump-dom", url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode()


def _attr(dom: str, element_id: str, name: str) -> str | None:
    tag = re.search(rf"<[^>]*\bid=\"{element_id}\"[^>]*>", dom)
    assert tag, f"no #{element_id} in the page"
    value = re.search(rf"\b{name}=\"([^\"]*)\"", tag.group(0))
    return value.group(1) if value else None


def _body_state(dom: str) -> str | None:
    body = re.search(r"<body[^>]*>", dom)
    assert body
    value = re.search(r"data-state=\"([^\"]*)\"", body.group(0))
    return value.group(1) if value else None


@pytest.mark.parametrize("fragment", ["#claim=%E0%A4%A", "#claim=%", "#claim=%E0%A4%A&asof=%ZZ&y=log"])
async def test_a_malformed_fragment_falls_back_to_the_default_view(
    model: ReadModel, fragment: str, tmp_path: Path
) -> None:
    async with TestServer(make_app(WebState(model=model)), host="127.0.0.1") as server:
        dom = await dump_dom(str(server.make_url("/dashboard")) + fragment, tmp_path / "profile")
    assert _body_state(dom) == "ready", "the dashboard never drew its data"
    # No usable claim in the fragment: the claim with the most observations is shown.
    assert _attr(dom, "claim-detail", "data-claim-key") == "bridge-collapse:injured@lisbon"


async def test_a_well_formed_fragment_selects_its_claim(model: ReadModel, tmp_path: Path) -> None:
    async with TestServer(make_app(WebState(model=model)), host="127.0.0.1") as server:
        dom = await dump_dom(str(server.make_url("/dashboard")) + "#claim=a%2Fb%3Acount", tmp_path / "profile")
    assert _body_state(dom) == "ready"
    assert _attr(dom, "claim-detail", "data-claim-key") == "a/b:count"
