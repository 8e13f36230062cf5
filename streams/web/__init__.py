"""The worker's HTTP surface: metrics, health, query API and dashboard, on Faust's web server.

``register(app, topics)`` is the thin shell: it mounts the aiohttp routes of
:mod:`streams.web.api` on the server Faust already runs (``CLAIMWATCH_WEB_PORT``),
starts the :class:`~streams.web.feeder.ReadModelFeeder` as an app task, and
wires readiness and gauges to the app's state. Endpoints are documented in
``streams/web/README.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import faust
from aiokafka import TopicPartition

from streams import metrics
from streams.health import BrokerMonitor, ProgressTracker, ReadinessLog
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

if TYPE_CHECKING:
    from streams.config import Settings

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


def assigned(app: faust.App, topic_names: set[str]) -> list[TopicPartition]:
    """This worker's assigned partitions of ``topic_names`` (none before the consumer exists)."""
    try:
        found = app.consumer.assignment()
    except Exception:
        return []
    return [TopicPartition(tp.topic, tp.partition) for tp in found if tp.topic in topic_names]


def committed_offsets(app: faust.App, topic_names: set[str]) -> dict[TopicPartition, int]:
    """The committed offset (the next to read) per assigned partition; 0 when nothing was
    committed (Faust keeps a commit of 0 as None). Records read but not acknowledged (an
    alert whose delivery is pending) are still lag: they are read again after a restart."""
    consumer = app.consumer
    committed: Any = getattr(consumer, "_committed_offset", {})
    return {
        TopicPartition(tp.topic, tp.partition): int(committed.get(tp) or 0)
        for tp in consumer.assignment()
        if tp.topic in topic_names
    }


def register(
    app: faust.App,
    topics: Any,
    *,
    model: ReadModel | None = None,
    settings: Settings | None = None,
    readmodel_store: ReadModelStore | None = None,
    readmodel_tail: int = -1,
) -> WebState:
    """Mount the HTTP routes on ``app``'s web server and feed the read model in the background.

    ``topics`` is :class:`streams.topics.Topics`. Returns the :class:`WebState`
    so a caller (the CLI's demo, tests) can reach the read model and readiness.

    Readiness (``/readyz``): the group was joined and the tables recovered, the
    worker is not rebalancing or recovering, the broker answered within
    ``broker_timeout`` seconds, and no input partition with lag went
    ``stall_seconds`` without a commit. Each failing check says why, in the body
    and (rate-limited) in the log.

    ``readmodel_store`` and ``readmodel_tail`` say where the read model's feed starts
    (:class:`~streams.web.feeder.ReadModelFeeder`).
    """
    from streams.config import Settings

    settings = settings or Settings()
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
    tracker = ProgressTracker(stall_seconds=settings.stall_seconds)
    monitor = BrokerMonitor(
        bootstrap_servers(app),
        partitions=lambda: assigned(app, input_topics) if started["done"] else [],
        committed=lambda: committed_offsets(app, input_topics),
        tracker=tracker,
        interval=settings.broker_check_interval,
        timeout=settings.broker_timeout,
    )

    def refresh_metrics() -> None:
        table: Any = app.tables.get(CONSENSUS_TABLE)
        metrics.TRACKED_CLAIMS.set(len(table) if table is not None else len(model))
        metrics.READMODEL_CLAIMS.set(len(model))
        if started["done"]:
            try:
                # the broker's end offsets (ListOffsets, every few seconds) when the monitor
                # has them, else the high-water marks of the consumer's last fetches
                lag = tracker.lag_by_topic(input_topics) if tracker.lag else consumer_lag(app, input_topics)
                for topic, n in lag.items():
                    metrics.CONSUMER_LAG.labels(topic=topic).set(n)
            except Exception as exc:  # never fail a scrape over a gauge
                log.debug("consumer lag unavailable: %s", exc)

    def broker_reachable() -> tuple[bool, str]:
        if monitor.reachable:
            return True, ""
        return False, (
            f"broker {monitor.bootstrap} has not answered for {monitor.unreachable_for():.0f}s"
            f" ({monitor.last_error or 'request pending'})"
        )

    def progressing() -> tuple[bool, str]:
        stalled = tracker.stalled()
        if not stalled:
            return True, ""
        parts = ", ".join(
            f"{tp.topic}[{tp.partition}] lag {lag} for {idle:.0f}s" for tp, (lag, idle) in sorted(stalled.items())
        )
        return False, f"no commit on partitions with lag: {parts}"

    def rebalancing() -> tuple[bool, str]:
        busy = bool(getattr(app, "rebalancing", False))
        return not busy, "rebalancing: the consumer group is reassigning partitions" if busy else ""

    def recovered() -> tuple[bool, str]:
        busy = bool(getattr(app, "in_recovery", False))
        return not busy, "recovering tables from their changelogs" if busy else ""

    readiness = Readiness()
    readiness.add_check("started", lambda: (started["done"], "starting: joining the group, recovering tables"))
    readiness.add_check("broker_reachable", broker_reachable)
    readiness.add_check("not_rebalancing", rebalancing)
    readiness.add_check("tables_recovered", recovered)
    readiness.add_check("progressing", progressing)
    readiness.add_info(
        "partitions",
        lambda: {
            "assigned": len(assigned(app, input_topics)),
            "lag": tracker.lag_by_topic(input_topics),
        },
    )
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

    readiness_log = ReadinessLog()

    async def watch_broker() -> None:
        """Ask the broker every few seconds; log readiness changes (and why) as they happen."""
        task = asyncio.ensure_future(monitor.run())
        try:
            while True:
                await asyncio.sleep(settings.broker_check_interval)
                ready, body = readiness.status()
                readiness_log.observe(ready, body["reasons"])
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.task(mark_started)
    app.task(feed_read_model)
    app.task(watch_broker)
    return state
