"""Live and offline agree: a worker's alerts for a stream of articles are those of
``claimwatch extract | claimwatch replay`` over the same articles in the same order.

The articles are the bundled samples plus four annotated articles in which one
source counts a force at a place and another, in the same article, denies it is
there (the case where the two used to part: README, "Live and offline"). They
are fed one at a time, each once the previous one's claims, including the
presence assertions the consensus agent derives from them, are on
``claims.observed``: the order the offline commands read them in.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest

from schemas.codec import loads
from schemas.events import ClaimObserved
from streams.consensus.evidence import presence_evidence
from tests.e2e.harness import REPO, Cluster, TopicReader

SAMPLES = REPO / "streams" / "samples" / "articles.jsonl"
DATA = REPO / "tests" / "data" / "extraction"
#: articles where a count of a force and a denial of its presence meet in one text
PRESENCE_IN_ONE_ARTICLE = {
    "dev_articles.jsonl": "grw-2026-11-24-kivu-deployment",
    "test2_articles.jsonl": "t2-armenia-azerbaijan-border-2026-09-13",
    "test3_articles.jsonl": "t3-sabina-shoal-2026-06-18",
    "test_articles.jsonl": "test-hormuz-naval-2026-04-23",
}


def _stream() -> list[bytes]:
    lines = [line for line in SAMPLES.read_bytes().splitlines() if line.strip()]
    for name, aid in PRESENCE_IN_ONE_ARTICLE.items():
        lines += [line for line in (DATA / name).read_bytes().splitlines() if loads(line)["id"] == aid]
    return lines


def _cli(*args: str, stdin: bytes) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", *args], input=stdin, cwd=REPO, capture_output=True, timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout


def _describe(alerts: dict[str, dict[str, Any]], ids: set[str]) -> list[str]:
    return sorted(
        f"{alerts[i]['kind']} {alerts[i]['claim_key']} by {alerts[i]['observation']['source']['name']} "
        f"({alerts[i]['observation']['article_id']})"
        for i in ids
    )


@pytest.mark.timeout(300)
async def test_live_alerts_equal_extract_then_replay(cluster: Cluster, worker_factory: Any) -> None:
    articles = _stream()
    claims_out = _cli("extract", "-", stdin=b"\n".join(articles) + b"\n")
    replayed = [loads(line) for line in _cli("replay", "-", stdin=claims_out).splitlines()]
    offline = {a["alert_id"]: a for a in replayed if a["type"] == "ContradictionDetected"}
    claims = [ClaimObserved.model_validate_json(line) for line in claims_out.splitlines()]
    # what each article puts on claims.observed: its claims and the presence they imply
    expected = Counter(c.article_id for c in claims)
    expected.update(c.article_id for c in claims for _ in presence_evidence(c))
    assert offline, "the stream has contradictions to compare"
    assert any(a["kind"].startswith("presence") for a in offline.values()), "presence is part of the comparison"

    # No settle tick during the stream: a tick refreshes the reliability book at a wall-clock
    # moment, which replay cannot know (README, "Live and offline", the one remaining difference).
    worker = worker_factory(env_extra={"CLAIMWATCH_SETTLE_INTERVAL": "3600"}).start()
    await worker.wait_ready()
    async with TopicReader(cluster, ["claims.observed", "alerts.contradictions"]) as reader:
        for raw in articles:
            aid = loads(raw)["id"]
            await cluster.produce("articles", [raw], key=lambda _, k=aid: k.encode())
            if expected[aid]:
                await reader.wait_for(
                    "claims.observed",
                    lambda r, k=aid: sum(c.get("article_id") == k for c in r) >= expected[k],
                    timeout=60,
                    what=f"the {expected[aid]} claims of {aid}",
                )
        await reader.wait_for(
            "alerts.contradictions", lambda r: len({a["alert_id"] for a in r}) >= len(offline), timeout=60,
            what=f"{len(offline)} alerts",
        )
        # then quiet: no alert the offline run lacks arrives late (bounded: 4 s without a new record)
        seen, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < 4:
            n = len(reader.records["alerts.contradictions"]) + len(reader.records["claims.observed"])
            if n != seen:
                seen, quiet_since = n, time.monotonic()
            await asyncio.sleep(0.25)
        live = {a["alert_id"]: a for a in reader.records["alerts.contradictions"]}

    only_offline, only_live = offline.keys() - live.keys(), live.keys() - offline.keys()
    assert not only_offline and not only_live, (
        f"offline {len(offline)}, live {len(live)}, in common {len(offline.keys() & live.keys())}\n"
        f"only offline: {_describe(offline, only_offline)}\nonly live: {_describe(live, only_live)}"
    )
    assert {i: (a["kind"], a["claim_key"]) for i, a in live.items()} == {
        i: (a["kind"], a["claim_key"]) for i, a in offline.items()
    }
    assert Counter(c["article_id"] for c in reader.records["claims.observed"]) == expected, "claims alike too"

