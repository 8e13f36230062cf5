"""The Faust application: settings, topics, tables and agents wired together.

This is the thin shell around the pure core. ``create_app`` builds a fresh app
from :class:`streams.config.Settings` instead of a module-level global, so
settings (the embedded broker's workarounds among them) are decided before
anything is declared; each ``streams.agents.*`` module and ``streams.web`` add
their part through a ``register`` function.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faust

from schemas.codec import register_faust_codec
from streams import topics as topic_names
from streams.config import Settings, get_settings


@dataclass
class Context:
    """What the shell modules share: the app, its topics and its settings."""

    app: faust.App
    topics: topic_names.Topics
    settings: Settings


def faust_settings(settings: Settings) -> dict[str, Any]:
    """Faust configuration, with the embedded broker's workarounds only when it is in use."""
    rebalance, session = settings.group_timeouts
    conf: dict[str, Any] = {
        "broker": f"kafka://{settings.kafka_bootstrap_servers}",
        # Every record sent through a declared topic carries its event headers.
        "Topic": topic_names.EventTopic,
        # on disk (rocksdb://) by default: a restart reads only the changelogs' tail
        "store": settings.store_url,
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "web_enabled": True,
        # Faust listens on ``web_bind`` (its default: every interface); ``web_host`` only
        # names the worker in URLs. CLAIMWATCH_WEB_HOST is the address to listen on.
        "web_bind": settings.web_host,
        "web_host": settings.web_host,
        "web_port": settings.web_port,
        "web_in_thread": False,
        # Only the documented routes (streams/web/README.md): Faust's own views would
        # hand out raw Table state (/table/...) and cluster topology (/router/...).
        "web_router_enabled": False,
        "web_tables_enabled": False,
        "web_stats_enabled": False,
        "web_graph_enabled": False,
        "web_metrics_enabled": False,
        # aiohttp's keep-alive timer starts when a connection opens and is not pushed back by
        # incoming bytes: a client that has not sent complete headers by then is disconnected
        # (a bound on slowloris), as is a kept-alive connection idle for as long.
        "web_application_options": {"handler_args": {"keepalive_timeout": settings.web_header_timeout}},
        "datadir": settings.data_dir,
        "broker_rebalance_timeout": rebalance,
        "broker_session_timeout": session,
        "broker_heartbeat_interval": min(1.0, session / 4),
        "broker_commit_interval": 1.0,
        "consumer_auto_offset_reset": "earliest",
        "table_standby_replicas": 0,
        "stream_wait_empty": False,
        "value_serializer": "raw",
        "key_serializer": "raw",
        "logging_config": None,
    }
    if settings.tansu_workarounds:
        # Tansu reports a wrong end offset for partitions written in multi-record
        # batches, which breaks Table recovery (DESIGN.md): one record per batch.
        conf["producer_max_batch_size"] = 1
        conf["producer_linger"] = 0.0
    return conf


EMBEDDED_FETCH_MAX_WAIT_MS = 50


def shorten_fetch_wait(max_wait_ms: int) -> None:
    """Make Faust's consumers wait at most ``max_wait_ms`` for a fetch (embedded broker only).

    faust-streaming hard-codes ``fetch_max_wait_ms=1500``. Apache Kafka answers a
    waiting fetch as soon as a record arrives, so the value costs nothing there;
    Tansu holds the fetch for the whole wait, which added up to 1.5 s per hop
    (measured: p99 of one Kafka hop 755 ms) and three hops stand between an
    article and its webhook. There is no setting for it, so the consumer is
    adjusted right after Faust creates it and before it starts.
    """
    from faust.transport.drivers import aiokafka as driver

    thread_cls: Any = driver.AIOKafkaConsumerThread
    original = thread_cls._create_worker_consumer
    if getattr(original, "claimwatch_max_wait_ms", None) == max_wait_ms:
        return
    original = getattr(original, "claimwatch_original", original)

    def create_worker_consumer(self: Any, transport: Any) -> Any:
        consumer = original(self, transport)
        consumer._fetch_max_wait_ms = max_wait_ms
        return consumer

    create_worker_consumer.claimwatch_original = original  # type: ignore[attr-defined]
    create_worker_consumer.claimwatch_max_wait_ms = max_wait_ms  # type: ignore[attr-defined]
    thread_cls._create_worker_consumer = create_worker_consumer


def flush_producer_buffer_fully() -> None:
    """Make a flush of Faust's producer buffer wait until the buffer is empty.

    Before committing offsets Faust flushes the producer, and its buffer (where
    ``send_soon`` puts records: every Table's changelog writes, and the consensus
    updates) is flushed by waiting for one record to go out at a time, at most
    0.1 s each: a record that takes longer (a full one-record batch waiting for the
    request in flight, on a loaded machine) ends the flush with records still
    queued, and the offsets of the events that wrote them are committed anyway. A
    crash then loses them. The flush now waits until the buffer is empty (it still
    raises, as before, when the buffer stops running with records queued).
    """
    from faust.transport.producer import ProducerBuffer

    buffer_cls: Any = ProducerBuffer
    if getattr(buffer_cls.flush, "claimwatch_fully", False):
        return

    async def flush(self: Any) -> None:
        while self.size:
            await self.flush_atmost(None)

    flush.claimwatch_fully = True  # type: ignore[attr-defined]
    buffer_cls.flush = flush


def readmodel_options(app: faust.App, settings: Settings) -> dict[str, Any]:
    """Where the query read model starts (streams/web/feeder.py): with the on-disk store,
    its own store next to the Tables'; always, only a tail of the uncompacted topics."""
    from streams.readmodel.store import ReadModelStore

    store = ReadModelStore(Path(app.conf.tabledir) / "readmodel.db") if settings.store_on_disk else None
    return {"readmodel_store": store, "readmodel_tail": settings.readmodel_tail}


def create_app(settings: Settings | None = None) -> Context:
    """Build the app with every topic, table, agent and view registered."""
    from streams import web
    from streams.agents import alerts, consensus, extract

    settings = settings or get_settings()
    register_faust_codec()
    flush_producer_buffer_fully()
    if settings.tansu_workarounds:
        shorten_fetch_wait(EMBEDDED_FETCH_MAX_WAIT_MS)
    app = faust.App(settings.app_id, autodiscover=False, **faust_settings(settings))
    retention = topic_names.Retention(
        alerts_ms=settings.alerts_retention_ms,
        deadletter_ms=settings.deadletter_retention_ms,
        retry_ms=settings.retry_retention_ms,
        settle_ms=settings.settle_retention_ms,
    )
    topics = topic_names.declare(
        app, settings.partitions, settings.replication_factor, settings.topic_prefix, retention
    )
    ctx = Context(app=app, topics=topics, settings=settings)

    @app.task
    async def declare_topics() -> None:
        """Create output-only topics (dead letters, consensus.updated) at start, with their settings.

        Faust declares the topics agents read; a topic that is only written to
        would otherwise appear with the broker's defaults on its first record.
        """
        for field_name in topic_names.Topics.__dataclass_fields__:
            topic = getattr(topics, field_name)
            if hasattr(topic, "maybe_declare"):
                await topic.maybe_declare()

    extract.register(ctx)
    consensus.register(ctx)
    alerts.register(app, topics, settings=settings)
    web.register(app, topics, settings=settings, **readmodel_options(app, settings))
    return ctx
