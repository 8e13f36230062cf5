"""The worker's HTTP surface: metrics, health, query API and dashboard, on Faust's web server.

``register(app, topics)`` is the thin shell: it mounts the aiohttp routes of
:mod:`streams.web.api` on the server Faust already runs (``CLAIMWATCH_WEB_PORT``),
starts the :class:`~streams.web.feeder.ReadModelFeeder` as an app task, and
wires readiness and gauges to the app's state. Endpoints are documented in
``streams/web/README.md``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust

from streams import metrics
from streams.readmodel import ReadModel
from streams.readmodel.recompute import recompute_consensus
from streams.readmodel.store import ReadModelStore
from streams.web.api import Readiness, WebState, make_app, mount
from streams.web.feeder import FeedTopics, ReadModelFeeder

__all__ = [
    "FeedTopics",
    "ReadModelFeeder",
    "Readiness",
    "WebState",
    "bootstrap_servers",
    "make_app",
    "register",
]

log = logging.getLogger(__name__)

#: Name of the consensus Table (streams.agents.consensus.TABLE_NAME) whose size is tracked.
CONSENSUS_TABLE = "consensus"


def bootstrap_servers(app: faust.App) -> str:
    """``host:port,...`` from Faust's ``kafka://`` broker URLs."""
    return ",".join(f"{url.host}:{url.port or 9092}" for url in app.conf.broker)


def _topic_name(topic: Any) -> str:
    return str(topic.get_topic_name())


def consumer_lag(app: faust.App, topic_names: set[str]) -> dict[str, int]:
    """Messages behind the end, per input topic, over this worker's assigned partitions.

    Uses what the consumer already knows (the last fetched high-water mark and
    the committed or last read offset), so a scrape never waits on the broker.
    """
    consumer = app.consumer
    committed: Any = getattr(consumer, "_committed_offset", {})
    read: Any = getattr(consumer, "_read_offset", {})
    lag = dict.fromkeys(topic_names, 0)
    for tp in consumer.assignment():
        if tp.topic not in topic_names:
            continue
        try:
            end = consumer.highwater(tp)
        except Exception:  # consumer thread not started yet
            continue
        if end is None or end < 0:
            continue
        done = committed.get(tp)
        if done is None:
            last = read.get(tp)
            done = last + 1 if last is not None else 0
        lag[tp.topic] += max(0, int(end) - int(done))
    return lag


def register(
    app: faust.App,
    topics: Any,
    *,
    model: ReadModel | None = None,
    readmodel_store: ReadModelStore | None = None,
    readmodel_tail: int = -1,
) -> WebState:
    """Mount the HTTP routes on ``app``'s web server and feed the read model in the background.

    ``topics`` is :class:`streams.topics.Topics`. Returns the :class:`WebState`
    so a caller (the CLI's demo, tests) can reach the read model and readiness.
    ``readmodel_store`` and ``readmodel_tail`` say where the feed starts
    (:class:`~streams.web.feeder.ReadModelFeeder`).
    """
    model = model or ReadModel(recompute=recompute_consensus)
    feed = FeedTopics(
        claims=_topic_name(topics.claims),
        consensus=_topic_name(topics.consensus),
        alerts=_topic_name(topics.alerts),
    )
    feeder = ReadModelFeeder(model, bootstrap_servers(app), feed, store=readmodel_store, tail=readmodel_tail)
    inputs = (topics.articles, topics.claims, topics.alerts, getattr(topics, "alerts_retry", None))
    input_topics = {_topic_name(t) for t in inputs if t is not None}
    started = {"done": False}

    def refresh_metrics() -> None:
        table: Any = app.tables.get(CONSENSUS_TABLE)
        metrics.TRACKED_CLAIMS.set(len(table) if table is not None else len(model))
        metrics.READMODEL_CLAIMS.set(len(model))
        if started["done"]:
            try:
                for topic, lag in consumer_lag(app, input_topics).items():
                    metrics.CONSUMER_LAG.labels(topic=topic).set(lag)
            except Exception as exc:  # never fail a scrape over a gauge
                log.debug("consumer lag unavailable: %s", exc)

    readiness = Readiness()
    readiness.add_check("started", lambda: started["done"])
    readiness.add_check("not_rebalancing", lambda: not getattr(app, "rebalancing", False))
    readiness.add_check("tables_recovered", lambda: not getattr(app, "in_recovery", False))
    readiness.add_info(
        "readmodel",
        lambda: {
            "claims": len(model),
            "alerts": model.alert_count,
            "records": feeder.records,
            "bad_records": feeder.bad_records,
            "caught_up": feeder.caught_up,
            "restored_claims": feeder.restored_claims,
        },
    )
    state = WebState(
        model=model, readiness=readiness, refresh_metrics=refresh_metrics, feeder=feeder
    )

    web_app = getattr(app.web, "web_app", None)
    if web_app is None:
        raise RuntimeError("streams.web needs Faust's aiohttp web driver (web='aiohttp://')")
    mount(web_app, state)

    async def mark_started() -> None:
        # App tasks start only after the initial table recovery has completed.
        started["done"] = True
        log.info("worker ready: group joined and tables recovered")

    async def feed_read_model() -> None:
        # The query API is a view: losing the broker for a while must not take the
        # worker down, so the feed retries with backoff (folding is idempotent).
        delay = 1.0
        while True:
            try:
                await feeder.run()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("read model feed failed (%r); retrying in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    app.task(mark_started)
    app.task(feed_read_model)
    return state
