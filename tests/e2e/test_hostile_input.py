"""Hostile input through the live pipeline: a worker on a real broker gets a corpus of malformed and
hostile records (``hostile_corpus``), dead-letters each unreadable one with its reason, processes
the rest, stays up, counts all of it in ``/metrics``, and shows and delivers the hostile strings as
text: never markup, a mention or a script (dashboard in headless Chromium, Slack and Alertmanager
webhook bodies)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import orjson
import pytest
from aiohttp import web
from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from streams.broker import free_port
from tests.e2e.harness import Cluster, TopicReader, unique_id
from tests.e2e.hostile_corpus import (
    HOSTILE_LOCATION,
    HOSTILE_SOURCE,
    IMG,
    MENTIONS,
    SCRIPT,
    Record,
    corpus,
)
from tests.e2e.test_observability import LiveBrowser, eventually

OUTPUTS = ["claims.observed", "articles.deadletter", "claims.deadletter", "alerts.contradictions"]


async def send(cluster: Cluster, records: list[Record]) -> None:
    """Every record as it is (null keys, null values, 10 MB values), in order."""
    producer = AIOKafkaProducer(
        bootstrap_servers=cluster.bootstrap, acks="all", max_request_size=16 * 1024 * 1024,
        **({"max_batch_size": 1, "linger_ms": 0} if cluster.embedded else {}),
    )
    await producer.start()
    try:
        for r in records:
            await (await producer.send(cluster.topic(r.topic), value=r.value, key=r.key))
    finally:
        await producer.stop()


async def dead_letters(reader: TopicReader, topic: str, want: Counter[str | None], worker: Any) -> list[Any]:
    async def complete() -> bool:
        return Counter(d["reason"] for d in reader.records[topic]) == want
    try:
        await eventually(f"dead letters on {topic}", complete, timeout=60, every=0.3)
    except AssertionError:
        got = Counter(d["reason"] for d in reader.records[topic])
        ids = [d.get("article_id", d["raw"])[:80] for d in reader.records[topic] if d.get("raw") is not None]
        raise AssertionError(f"{topic}: want {want}, got {got}; {ids}\n{worker.log_tail(30)[-6000:]}") from None
    return reader.records[topic]


def scrape(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.mark.timeout(240)
async def test_hostile_corpus_through_a_live_worker(cluster: Cluster, worker_factory: Any, tmp_path: Path) -> None:
    received: list[tuple[str, bytes]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.match_info["fmt"], await request.read()))
        return web.Response(status=204)

    receiver = web.Application(client_max_size=16 * 1024 * 1024)
    receiver.router.add_post("/{fmt}", hook)
    runner = web.AppRunner(receiver)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    hooks_file = tmp_path / "webhooks.json"
    hooks_file.write_text(json.dumps([
        {"name": fmt, "url": f"http://127.0.0.1:{port}/{fmt}", "format": fmt, "max_attempts": 3}
        for fmt in ("slack", "alertmanager")
    ]))
    run = unique_id("h")
    records = corpus(run)
    assert len({r.kind for r in records}) >= 25
    try:
        worker = worker_factory(env_extra={"CLAIMWATCH_WEBHOOKS_FILE": str(hooks_file)}).start()
        await worker.wait_ready()
        async with TopicReader(cluster, OUTPUTS) as reader:
            await send(cluster, records)
            want_articles = Counter(r.reason for r in records if r.topic == "articles" and r.reason)
            want_claims = Counter(r.reason for r in records if r.topic == "claims.observed" and r.reason)
            dead = await dead_letters(reader, "articles.deadletter", want_articles, worker)
            bad = await dead_letters(reader, "claims.deadletter", want_claims, worker)
            processed = [r for r in records if r.topic == "articles" and not r.reason]
            ids = {orjson.loads(r.value)["id"] for r in processed if r.value}
            await reader.wait_for(
                "claims.observed", lambda cs: ids <= {c.get("article_id") for c in cs}, timeout=60,
                what="claims of every readable hostile article",
            )
            alerts = await reader.wait_for(
                "alerts.contradictions",
                lambda al: any(a["observation"]["source"]["name"] == HOSTILE_SOURCE for a in al),
                timeout=30, what="the alert raised by the hostile source",
            )
            await asyncio.sleep(1.0)  # anything late would show in the counts below
            got_articles = Counter(d["reason"] for d in reader.records["articles.deadletter"])
            got_claims = Counter(d["reason"] for d in reader.records["claims.deadletter"])
            assert got_articles == want_articles, worker.log_tail()
            assert got_claims == want_claims
            for d in dead + bad:
                assert d["message"] and d["partition"] is not None and d["offset"] is not None
                assert len(orjson.dumps(d)) < 1_000_000, "a dead letter fits in one default Kafka message"
            claims_seen = reader.records["claims.observed"]

        # -- the worker is up, and its counters say what was sent
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            async with http.get(f"{worker.base_url}/healthz") as resp:
                assert resp.status == 200
            metrics = scrape(await (await http.get(f"{worker.base_url}/metrics")).text())
        n_articles = sum(1 for r in records if r.topic == "articles")
        assert metrics[("claimwatch_articles_consumed_total", ())] == n_articles
        for reason, n in want_articles.items():
            assert metrics[("claimwatch_articles_deadlettered_total", (("reason", reason),))] == n, reason
        for reason, n in want_claims.items():
            assert metrics[("claimwatch_claims_deadlettered_total", (("reason", reason),))] == n, reason
        extracted = Counter(c["measure"] for c in claims_seen if str(c.get("article_id")).startswith(f"{run}-")
                            and "-art-" not in c["article_id"])
        for measure, n in extracted.items():
            assert metrics[("claimwatch_claims_observed_total", (("measure", measure),))] >= n
        assert worker.proc is not None and worker.proc.poll() is None, "the worker stays up"

        # -- webhook bodies carry the strings as data, never markup or a mention
        for _ in range(150):
            if {f for f, _ in received} >= {"slack", "alertmanager"}:
                break
            await asyncio.sleep(0.2)
        hostile_alert = next(a for a in alerts if a["observation"]["source"]["name"] == HOSTILE_SOURCE)
        bodies = {fmt: orjson.loads(b) for fmt, b in received if hostile_alert["alert_id"].encode() in b}
        assert set(bodies) == {"slack", "alertmanager"}, received
        assert_inert_slack(bodies["slack"])
        am = bodies["alertmanager"]
        [am_alert] = am["alerts"]
        assert am_alert["labels"]["source"] == HOSTILE_SOURCE and am_alert["labels"]["location"] == HOSTILE_LOCATION
        assert am["groupLabels"]["claim_key"] == hostile_alert["claim_key"]

        # -- the dashboard shows them as text
        key = hostile_alert["claim_key"]
        async with LiveBrowser(tmp_path / "profile") as browser:
            await browser.call("Page.enable")
            await browser.call("Page.navigate", url=f"{worker.base_url}/dashboard#claim={quote(key, safe='')}")

            async def drawn() -> bool:
                return bool(await browser.evaluate(
                    "document.body.dataset.state === 'ready'"
                    " && document.querySelectorAll('circle.obs-point').length >= 3"
                ))
            await eventually("the hostile claim drawn", drawn, timeout=30, every=0.3)
            page = await browser.evaluate(
                "({title: document.title, text: document.body.innerText,"
                " tags: [...document.querySelectorAll('script, img, iframe, object, embed, a[href^=javascript]')]"
                "  .map(e => e.outerHTML),"
                " sources: [...document.querySelectorAll('circle.obs-point')].map(e => e.dataset.source)})"
            )
        assert page["title"] != "PWNED"
        assert page["tags"] == ['<script src="/dashboard/static/dashboard.js"></script>'], page["tags"]
        assert HOSTILE_SOURCE in page["sources"]
        for shown in (SCRIPT, IMG, HOSTILE_LOCATION, MENTIONS):
            assert shown in page["text"], f"{shown!r} shown as the text it is"
    finally:
        await runner.cleanup()


def assert_inert_slack(body: dict[str, Any]) -> None:
    """No Slack control sequence survives: no ``<…>`` (links, mentions), no bare @-mention, and the
    untrusted strings only appear in ``plain_text`` objects (no formatting) or escaped."""
    texts: list[tuple[str, str]] = [("mrkdwn", body["text"])]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                texts.append((node["type"], node["text"]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(body["blocks"])
    for kind, text in texts:
        if kind != "mrkdwn":
            continue
        for token in ("<!", "<@", "<#", "<script", "<img", "<https://evil", "@here", "@channel", "@everyone",
                      "*bold*", "_italic_", "`code`"):
            assert token not in text, (token, text)
        assert text.count("<") <= 1, "at most the article link, which the corpus's url does not get"
    plain = " ".join(t for k, t in texts if k == "plain_text")
    assert HOSTILE_SOURCE in plain and MENTIONS in plain
