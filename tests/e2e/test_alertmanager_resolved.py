"""Alertmanager ``resolved`` end to end: articles through a worker on a real broker, real
HTTP receivers.

A governor's death toll far above two earlier reports fires a ``dispute`` to an
``alertmanager`` endpoint (and a Slack one). The worker is restarted (its
``open_alerts`` Table comes back from the changelog). Then the disaster agency
revises its own toll to the governor's figure: the consensus meets it again, and the
Alertmanager endpoint gets ``status: resolved`` for the same fingerprint, once, with
its own idempotency key; a later update of the same claim resolves nothing again.
The Slack endpoint gets no resolution.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import Cluster, Hit, TopicReader, WebhookReceiver, unique_id
from tests.e2e.test_pipeline import article, by_key, quake


def revisions(run: str) -> list[dict[str, Any]]:
    """The agency, then the Red Crescent, come round to the governor's 900."""
    return [
        article(f"{run}-4", "Officials revised the toll in eastern Turkey on Thursday. The national disaster agency "
                "said that 900 people were killed in the earthquake.", "2025-02-06T09:00:00Z", "wire.example"),
        article(f"{run}-5", "The Red Crescent said on Friday that 900 people were killed in the earthquake in "
                "eastern Turkey.", "2025-02-07T09:00:00Z", "daily.example"),
    ]


def _status(hit: Hit) -> str:
    return str(hit.body.get("status"))


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def _until(predicate: Any, what: str, worker: Any, timeout: float = 60) -> None:
    for _ in range(int(timeout / 0.2)):
        if predicate():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}:\n{worker.log_tail()}")


async def test_a_settled_dispute_is_resolved_on_alertmanager_once(
    cluster: Cluster, worker_factory: Any, tmp_path: Path
) -> None:
    async with WebhookReceiver() as am, WebhookReceiver() as chat:
        hooks_file = tmp_path / "webhooks.json"
        hooks_file.write_text(json.dumps([
            {"name": "pager", "url": am.url, "format": "alertmanager", "secret": "s"},
            {"name": "newsroom", "url": chat.url, "format": "slack"},
        ]))
        env = {"CLAIMWATCH_WEBHOOKS_FILE": str(hooks_file), "CLAIMWATCH_WEBHOOK_URLS": ""}
        app_id = unique_id("amres")
        worker = worker_factory(app_id=app_id, env_extra=env).start()
        await worker.wait_ready()
        run = unique_id("q")
        docs, later = quake(run), revisions(run)
        async with TopicReader(cluster, ["claims.observed", "alerts.contradictions", "consensus.updated"]) as reader:
            for doc in docs:  # one at a time: the story has an order
                await cluster.produce("articles", [doc], key=by_key)
                await reader.wait_for("claims.observed", lambda r, d=doc: any(c["article_id"] == d["id"] for c in r),
                                      what=doc["id"])
            alerts = await reader.wait_for(
                "alerts.contradictions", lambda r: any(a["observation"]["article_id"] == docs[2]["id"] for a in r),
                what="the alert on the governor's 900")
            alert = next(a for a in alerts if a["observation"]["article_id"] == docs[2]["id"])
            alert_id, key = alert["alert_id"], alert["claim_key"]
            await _until(lambda: any(h.idempotency_key == alert_id for h in am.hits), "the firing alert", worker)
            [firing] = [h for h in am.hits if h.idempotency_key == alert_id]
            assert _status(firing) == "firing"

            # a restart: the open alert comes back with the Table's changelog
            await asyncio.sleep(2)  # the changelog write and the offset commits land
            assert worker.stop() == 0, worker.log_tail()
            worker = worker_factory(app_id=app_id, env_extra=env).start()
            await worker.wait_ready()

            await cluster.produce("articles", [later[0]], key=by_key)
            await _until(lambda: any(_status(h) == "resolved" for h in am.hits), "the resolved notification", worker)
            # the claim's next update (and the settle ticks' republishing) resolve nothing again
            await cluster.produce("articles", [later[1]], key=by_key)
            await reader.wait_for(
                "consensus.updated",
                lambda r: any(u["claim_key"] == key and any(s["source"] == "Red Crescent" and s["value"]["best"] == 900
                                                            for s in u["supporting"]) for u in r),
                what="the Red Crescent's 900 in the consensus")
            await asyncio.sleep(5)  # two settle intervals, and any redelivery in flight

    resolved = [h for h in am.hits if _status(h) == "resolved"]
    assert [h.idempotency_key for h in resolved] == [f"{alert_id}:resolved"], [h.body for h in resolved]
    [done] = resolved
    fired_alert, done_alert = firing.body["alerts"][0], done.body["alerts"][0]
    assert done_alert["status"] == "resolved"
    assert done_alert["fingerprint"] == fired_alert["fingerprint"]
    assert done_alert["labels"] == fired_alert["labels"] and done_alert["labels"]["kind"] == alert["kind"]
    assert done_alert["startsAt"] == fired_alert["startsAt"]
    assert _when(fired_alert["startsAt"]) < _when(done_alert["endsAt"]) < _when(fired_alert["endsAt"])
    assert done.body["groupKey"] == firing.body["groupKey"]
    assert {_status(h) for h in am.hits} == {"firing", "resolved"}
    # Slack got the alert and no resolution (it has no such message)
    assert chat.hits and all("blocks" in h.body and "status" not in h.body for h in chat.hits)
    assert not any(h.idempotency_key and h.idempotency_key.endswith(":resolved") for h in chat.hits)


@pytest.fixture(autouse=True)
def _e2e_timeout(request: pytest.FixtureRequest) -> None:
    request.node.add_marker(pytest.mark.timeout(240))
