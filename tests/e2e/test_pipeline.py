"""The backbone end to end: articles in, claims, consensus and alerts out, through a real broker.

Every test runs ``claimwatch worker`` as a child process against the module's
broker, produces with a plain Kafka producer and reads the output topics with
a plain consumer, as the systems around claimwatch would.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web

from streams.broker import free_port
from streams.delivery.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMPED_SIGNATURE_HEADER,
    verify,
    verify_timestamped,
)
from tests.e2e.harness import Cluster, TopicReader, unique_id

OUTPUTS = [
    "claims.observed",
    "consensus.updated",
    "alerts.contradictions",
    "articles.deadletter",
    "claims.deadletter",
]


def article(aid: str, text: str, published: str, outlet: str) -> dict[str, Any]:
    return {"id": aid, "text": text, "published_at": published, "outlet": outlet, "url": f"https://{outlet}/{aid}"}


def quake(run: str) -> list[dict[str, Any]]:
    """Three reports on one earthquake's death toll; the last one is far off the first two."""
    return [
        article(
            f"{run}-1",
            "A powerful earthquake struck eastern Turkey on Monday. The national disaster agency said "
            "at least 120 people were killed in the earthquake, and rescuers were still searching the rubble.",
            "2025-02-03T09:00:00Z",
            "wire.example",
        ),
        article(
            f"{run}-2",
            "Rescue teams worked through the night in eastern Turkey. The Red Crescent said on Tuesday that "
            "approximately 125 people were killed in the earthquake.",
            "2025-02-04T08:00:00Z",
            "daily.example",
        ),
        article(
            f"{run}-3",
            "A provincial governor told reporters on Wednesday that 900 people were killed in the earthquake "
            "in eastern Turkey, far more than earlier counts.",
            "2025-02-05T10:00:00Z",
            "herald.example",
        ),
    ]


def by_key(article_doc: dict[str, Any]) -> bytes:
    return str(article_doc["id"]).encode()


async def test_articles_become_claims_consensus_and_dead_letters(cluster: Cluster, worker_factory: Any) -> None:
    worker = worker_factory().start()
    await worker.wait_ready()
    run = unique_id("q")
    first = quake(run)[:2]
    async with TopicReader(cluster, OUTPUTS) as reader:
        await cluster.produce("articles", [b"{not json", b'{"id": 7}', b'{"text": "no id"}'])
        # A producer other than claimwatch writes a broken claim: dead-lettered, the agent goes on.
        await cluster.produce("claims.observed", [b'{"type": "ClaimObserved", "claim_key": "x"}'], key=lambda _: b"x")
        unreadable = [
            article(f"{run}-empty", "  \n ", "2025-02-03T09:00:00Z", "wire.example"),
            article(
                f"{run}-de",
                "Nach Angaben der Behörden wurden bei dem Erdbeben im Osten der Türkei mindestens 120 Menschen "
                "getötet. Die Rettungskräfte suchen weiter nach Überlebenden in den Trümmern der Häuser.",
                "2025-02-03T09:00:00Z",
                "zeitung.example",
            ),
        ]
        await cluster.produce("articles", unreadable + first, key=by_key)

        dead = await reader.wait_for("articles.deadletter", lambda r: len(r) >= 5, what="5 dead letters")
        reasons = {d["reason"] for d in dead}
        assert {"invalid_json", "empty_text", "not_english"} <= reasons, reasons
        assert all(d["message"] and d["source_topic"].endswith("articles") for d in dead)
        assert any(d["raw"] == "{not json" for d in dead), "the original record is kept for replay"
        bad_claims = await reader.wait_for("claims.deadletter", lambda r: len(r) >= 1, what="the broken claim")
        assert bad_claims[0]["reason"] == "missing_field" and "event_id" in bad_claims[0]["message"]
        rejected = {d.get("article_id") for d in dead if d["reason"] in {"empty_text", "not_english"}}
        assert rejected == {f"{run}-empty", f"{run}-de"}
        for d in dead:
            assert d["partition"] is not None and d["offset"] is not None, "where the original record is"
            if d["reason"] in {"empty_text", "not_english"}:
                assert d["article_id"] in d["raw"], "the original record, as it was produced"

        ids = {a["id"] for a in first}
        claims = await reader.wait_for(
            "claims.observed",
            lambda r: {c.get("article_id") for c in r} >= ids,
            what="claims of both articles (the worker survived the bad records)",
        )
        deaths = [c for c in claims if c.get("measure") == "deaths"]
        assert deaths, f"no death toll extracted from {claims}"
        key = deaths[0]["claim_key"]
        assert {c["claim_key"] for c in deaths} == {key}, "one event, one claim key across wordings"
        values = sorted(c["value"]["best"] for c in deaths)
        assert values == [120, 125]
        for c in deaths:
            start, end = c["evidence"]["start"], c["evidence"]["end"]
            text = next(a["text"] for a in first if a["id"] == c["article_id"])
            assert text[start:end] == c["evidence"]["text"]

        updates = await reader.wait_for(
            "consensus.updated",
            lambda r: any(u["claim_key"] == key and u["n_sources"] >= 2 for u in r),
            what="a consensus from two sources",
        )
        latest = [u for u in updates if u["claim_key"] == key][-1]
        assert 115 <= latest["estimate"]["best"] <= 130
        assert latest["estimate"]["low"] <= latest["estimate"]["best"] <= latest["estimate"]["high"]
        assert {s["event_id"] for s in latest["supporting"]} == {c["event_id"] for c in deaths}


async def test_contradicting_article_alerts_a_real_webhook_receiver(cluster: Cluster, worker_factory: Any) -> None:
    received: list[tuple[bytes, dict[str, str]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.read(), dict(request.headers)))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    secret = "e2e-secret"
    try:
        worker = worker_factory(
            env_extra={"CLAIMWATCH_WEBHOOK_URLS": f"http://127.0.0.1:{port}/hook", "CLAIMWATCH_WEBHOOK_SECRET": secret}
        ).start()
        await worker.wait_ready()
        run = unique_id("c")
        docs = quake(run)
        async with TopicReader(cluster, OUTPUTS) as reader:
            for doc in docs:  # one at a time: the story has an order
                await cluster.produce("articles", [doc], key=by_key)
                await reader.wait_for(
                    "claims.observed", lambda r, d=doc: any(c["article_id"] == d["id"] for c in r), what=doc["id"]
                )
            alerts = await reader.wait_for(
                "alerts.contradictions",
                lambda r: any(a["observation"]["article_id"] == docs[2]["id"] for a in r),
                what="an alert for the 900 report",
            )
            alert = next(a for a in alerts if a["observation"]["article_id"] == docs[2]["id"])
            assert alert["observation"]["value"]["best"] == 900
            assert alert["consensus_before"]["estimate"]["high"] < 900
            assert alert["severity"] in {"medium", "high"}
            assert "900" in alert["reason"]

        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.2)
        assert received, f"the webhook receiver got nothing:\n{worker.log_tail()}"
        body, headers = received[0]
        assert verify(body, secret, headers.get(SIGNATURE_HEADER)), "signature must verify with the shared secret"
        assert not verify(body, "wrong-secret", headers.get(SIGNATURE_HEADER))
        assert verify_timestamped(body, secret, headers.get(TIMESTAMPED_SIGNATURE_HEADER)), "signed send time"
        assert headers.get(TIMESTAMPED_SIGNATURE_HEADER, "").startswith(f"t={headers['X-Claimwatch-Timestamp']},")
        assert headers.get(IDEMPOTENCY_HEADER) == alert["alert_id"]
        assert not any(b"900" in b and b"120" not in b for b, _ in received[1:] if b == body), "no duplicate bodies"
    finally:
        await runner.cleanup()


async def test_consensus_table_survives_a_worker_restart(cluster: Cluster, worker_factory: Any) -> None:
    app_id = unique_id("restart")
    run = unique_id("r")
    docs = quake(run)
    worker = worker_factory(app_id=app_id).start()
    await worker.wait_ready()
    async with TopicReader(cluster, OUTPUTS) as reader:
        await cluster.produce("articles", docs[:2], key=by_key)
        await reader.wait_for(
            "consensus.updated", lambda r: any(u["n_sources"] >= 2 for u in r), what="consensus of two sources"
        )
        await asyncio.sleep(2.5)  # let the changelog writes and the offset commit land
        assert worker.stop() == 0, worker.log_tail()
        before = list(reader.records["consensus.updated"])
        key = before[-1]["claim_key"]
        version = max(u["version"] for u in before if u["claim_key"] == key)

        restarted = worker_factory(app_id=app_id)
        restarted.start()
        await restarted.wait_ready()
        # A redelivered copy of an article the table already holds changes nothing ...
        await cluster.produce("articles", [docs[1]], key=by_key)
        # ... and the next report continues the recovered consensus instead of starting over.
        await cluster.produce("articles", [docs[2]], key=by_key)
        third = set()

        def third_arrived(r: list[dict[str, Any]]) -> bool:
            third.update(c["event_id"] for c in reader.records["claims.observed"] if c["article_id"] == docs[2]["id"])
            return any(u["claim_key"] == key and u["trigger_event_id"] in third for u in r)

        after = await reader.wait_for("consensus.updated", third_arrived, what="the third report's update")
        newer = [u for u in after if u["claim_key"] == key and u["version"] > version]
        versions = [u["version"] for u in newer]
        assert versions[0] == version + 1, f"version restarted instead of continuing: {versions}"
        triggered = next(u for u in newer if u["trigger_event_id"] in third)
        assert triggered["n_sources"] == 3, "the restarted worker remembered both earlier sources"
        assert not any(u["trigger_event_id"] in {s["event_id"] for s in before[-1]["supporting"]} for u in newer), (
            "the redelivered copy changed the consensus again"
        )


@pytest.fixture(autouse=True)
def _e2e_timeout(request: pytest.FixtureRequest) -> None:
    request.node.add_marker(pytest.mark.timeout(240))
