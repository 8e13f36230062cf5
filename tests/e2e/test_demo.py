"""``claimwatch demo --once``, the README's first command, run as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(300)
def test_demo_runs_the_samples_through_the_live_pipeline_and_exits() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"KAFKA_BOOTSTRAP_SERVERS", "CLAIMWATCH_WEB_PORT"}}
    out = subprocess.run(
        [sys.executable, "-m", "streams.cli", "demo", "--once"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    text = out.stdout
    assert out.returncode == 0, f"{text[-3000:]}\n{out.stderr[-3000:]}"
    assert "(embedded)" in text, "with no KAFKA_BOOTSTRAP_SERVERS the demo starts its own broker"
    assert re.search(r"dashboard http://127\.0\.0\.1:\d+/", text)
    summary = re.search(
        r"(\d+) articles → (\d+) claims, (\d+) consensus updates, (\d+) alerts, (\d+) webhooks received", text
    )
    assert summary, text[-2000:]
    articles, claims, updates, alerts, webhooks = map(int, summary.groups())
    assert articles >= 5 and claims >= articles and updates >= 1
    assert alerts >= 1, "the samples contain contradictions"
    assert webhooks >= 1 and "signature verified" in text and "INVALID" not in text
    assert text.count("\nclaim ") >= claims, "each claim is printed as it happens"
