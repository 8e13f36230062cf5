"""The demo's narration is causal: claims, then the versions they caused, then
alerts, then webhooks, whatever order the records arrive in."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from streams import topics
from streams.demo import Narrator

KEY = "ferry-passengers:missing@lake-kivu"


def _claim(event_id: str, source: str, best: float) -> dict[str, Any]:
    return {"event_id": event_id, "claim_key": KEY, "stance": "asserts", "outlet": "Lake Post",
            "value": {"low": None, "best": best, "high": None, "hedge": "exact"},
            "source": {"name": source}}


def _update(version: int, trigger: str, best: float) -> dict[str, Any]:
    return {"claim_key": KEY, "version": version, "trigger_event_id": trigger, "n_sources": 1,
            "estimate": {"low": best, "best": best, "high": best}, "presence": {"probability": 0.9},
            "supporting": [{"stance": "asserts"}]}


def _alert(alert_id: str, event_id: str) -> dict[str, Any]:
    return {"alert_id": alert_id, "severity": "medium", "kind": "value_conflict",
            "reason": "the harbour office says 40", "observation": {"event_id": event_id}}


def _tags(text: str) -> list[str]:
    return [line.split()[0] for line in text.splitlines() if line.strip()]


def test_records_arriving_before_their_cause_are_told_after_it(capsys: pytest.CaptureFixture[str]) -> None:
    async def run() -> None:
        n = Narrator()
        # as the demo's consumer and receiver can hand them over: effects first
        n.on_webhook("a" * 64, True)
        n.on_event(topics.ALERTS, _alert("a" * 64, "e2"))
        n.on_event(topics.CONSENSUS, _update(2, "e2", 40))
        n.on_event(topics.CONSENSUS, _update(1, "e1", 12))
        n.on_event(topics.CLAIMS, _claim("e1", "Coast guard", 12))
        n.flush()
        first = capsys.readouterr().out
        # e2's claim is not in yet: its version, its alert and the webhook wait for it
        assert _tags(first) == ["claim", "consensus"] and "v1" in first
        n.on_event(topics.CLAIMS, _claim("e2", "Harbour office", 40))
        n.on_event(topics.CONSENSUS, _update(3, "e2", 40))  # re-settled, same trigger
        n.flush()
        second = capsys.readouterr().out
        assert _tags(second) == ["claim", "consensus", "consensus", "ALERT", "webhook"]
        lines = second.splitlines()
        assert "v2" in lines[1] and "settled" not in lines[1]
        assert "v3" in lines[2] and "(settled)" in lines[2]
        assert ("a" * 16) in lines[3] and ("a" * 16) in lines[4]
        assert n.counts == {"claims": 2, "updates": 3, "alerts": 1, "webhooks": 1, "deadletters": 0}

    asyncio.run(run())


def test_force_tells_what_never_found_its_cause(capsys: pytest.CaptureFixture[str]) -> None:
    async def run() -> None:
        n = Narrator()
        n.on_event(topics.CONSENSUS, _update(7, "from-an-earlier-run", 12))
        n.flush()
        assert capsys.readouterr().out == ""
        n.flush(force=True)
        assert "v7" in capsys.readouterr().out

    asyncio.run(run())
