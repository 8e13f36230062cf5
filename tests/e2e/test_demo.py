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
    assert text.count("\nclaim ") >= claims, "each claim is told"
    _assert_causal(text)


RANK = {"deadletter": 0, "claim": 0, "consensus": 1, "ALERT": 2, "webhook": 3}


def _assert_causal(text: str) -> None:
    """Each article's block tells its claims, then the versions, then the alerts,
    then the webhooks; a version follows a claim of its key, a webhook its alert,
    and no version of a claim is told twice (a repeat is not a change)."""
    blocks = text.split("\n=== article ")[1:]
    assert blocks, text[-2000:]
    claimed: set[str] = set()
    alerted: set[str] = set()
    versions: list[str] = []
    for block in blocks:
        lines = [ln for ln in block.splitlines()[1:] if ln.strip() and not ln.startswith("demo:")]
        tags = [ln.split()[0] for ln in lines]
        ranks = [RANK[t] for t in tags]
        assert ranks == sorted(ranks), "\n".join(lines)
        for ln in lines:
            tag, rest = ln.split(maxsplit=1)
            if tag == "claim":
                claimed.add(rest.split()[0])
            elif tag == "consensus":
                key, version = rest.split()[:2]
                assert key in claimed, f"{ln} before any claim of {key}"
                versions.append(f"{key} {version}")
            elif tag == "ALERT":
                found = re.search(r"\(alert ([0-9a-f]{16})\)$", ln)
                assert found, ln
                alerted.add(found.group(1))
            elif tag == "webhook":
                found = re.search(r"received alert ([0-9a-f]{16})…", ln)
                assert found and found.group(1) in alerted, f"{ln} before its alert"
    assert len(versions) == len(set(versions)), "a version told twice"
