"""Topics as other Kafka clients see them: record headers and topic configurations.

A worker runs against the module's broker; articles go in through
``claimwatch produce``; a second client library (confluent-kafka, librdkafka)
reads what claimwatch wrote and asks the broker for each topic's configuration
(DescribeConfigs), as an operator's tools would.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource

from schemas.codec import loads
from streams import topics as names
from tests.e2e.harness import REPO, Cluster, unique_id
from tests.e2e.test_pipeline import quake

DAY_MS = 24 * 3600 * 1000
ALERTS_MS, DEADLETTER_MS = 5 * DAY_MS, 2 * DAY_MS

#: What DescribeConfigs must say about each topic claimwatch creates (with the two settings above).
EXPECTED_CONFIGS = {
    names.ARTICLES: {"retention.ms": "-1"},
    names.CLAIMS: {"retention.ms": "-1"},
    names.CONSENSUS: {"retention.ms": "-1", "cleanup.policy": "compact"},
    names.ALERTS: {"retention.ms": str(ALERTS_MS)},
    names.ARTICLES_DEADLETTER: {"retention.ms": str(DEADLETTER_MS)},
    names.CLAIMS_DEADLETTER: {"retention.ms": str(DEADLETTER_MS)},
    names.ALERTS_DEADLETTER: {"retention.ms": str(DEADLETTER_MS)},
    names.ALERTS_RETRY: {"retention.ms": str(7 * DAY_MS)},
    names.CONSENSUS_SETTLE: {"retention.ms": str(DAY_MS)},
}

READ = [names.ARTICLES, names.CLAIMS, names.CONSENSUS, names.ALERTS, names.ARTICLES_DEADLETTER]


def produce_cli(cluster: Cluster, docs: list[dict[str, Any]], tmp: Path) -> None:
    """``claimwatch produce FILE --topic <articles>``, as an operator feeds the worker."""
    path = tmp / f"{unique_id('articles')}.jsonl"
    path.write_text("".join(f"{_json(d)}\n" for d in docs))
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrap,
           "CLAIMWATCH_EMBEDDED_BROKER": "1" if cluster.embedded else ""}
    subprocess.run([sys.executable, "-m", "streams.cli", "produce", str(path), "--topic",
                    cluster.topic(names.ARTICLES)], cwd=REPO, env=env, check=True, capture_output=True)


def _json(doc: dict[str, Any]) -> str:
    import json

    return json.dumps(doc)


class Reader:
    """Every record with headers on some topics, read with librdkafka (no group, from the beginning).

    A record without headers is skipped: only the test's raw input has none, and
    an output record claimwatch wrote without them never satisfies ``until``.
    """

    def __init__(self, cluster: Cluster, topics: list[str]) -> None:
        self.cluster = cluster
        self.consumer = Consumer({"bootstrap.servers": cluster.bootstrap, "group.id": unique_id("reader"),
                                  "enable.auto.commit": False, "log_level": 3})
        meta = self.consumer.list_topics(timeout=30)
        self.consumer.assign([
            TopicPartition(cluster.topic(t), p, OFFSET_BEGINNING)
            for t in topics for p in meta.topics[cluster.topic(t)].partitions
        ])
        self.records: dict[str, list[tuple[dict[str, bytes], dict[str, Any]]]] = {t: [] for t in topics}

    def poll(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            msg = self.consumer.poll(0.2)
            if msg is None or msg.error() or msg.value() is None:
                continue
            topic = msg.topic()[len(self.cluster.prefix):]
            headers = dict(msg.headers() or [])
            if not headers:  # the test's own unlabelled input, not claimwatch's
                continue
            self.records[topic].append((headers, loads(msg.value())))

    async def until(self, what: str, done: Any, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while not done(self.records):
            assert time.monotonic() < deadline, f"timed out waiting for {what}: {self._counts()}"
            await asyncio.to_thread(self.poll, 0.5)

    def _counts(self) -> dict[str, int]:
        return {t: len(r) for t, r in self.records.items()}


async def test_records_carry_event_headers_and_topics_their_retention(
    cluster: Cluster, worker_factory: Any, tmp_path: Path
) -> None:
    worker = worker_factory(env_extra={
        "CLAIMWATCH_ALERTS_RETENTION_MS": str(ALERTS_MS),
        "CLAIMWATCH_DEADLETTER_RETENTION_MS": str(DEADLETTER_MS),
    }).start()
    await worker.wait_ready()
    docs = quake(unique_id("h"))
    produce_cli(cluster, docs[:2], tmp_path)
    await cluster.produce(names.ARTICLES, [b"{not json"])  # a dead letter

    reader = Reader(cluster, READ)
    try:
        def agreed(r: dict[str, list[Any]]) -> bool:
            return any(v.get("n_sources", 0) >= 2 for _, v in r[names.CONSENSUS])

        await reader.until("a consensus of the first two reports", agreed)
        produce_cli(cluster, docs[2:], tmp_path)  # far off the first two: an alert

        def every_kind(r: dict[str, list[Any]]) -> bool:
            return all(r[t] for t in READ)

        await reader.until("a record on every topic", every_kind)
    finally:
        reader.consumer.close()

    expected_types = {names.CLAIMS: "ClaimObserved", names.CONSENSUS: "ConsensusUpdated",
                      names.ALERTS: "ContradictionDetected", names.ARTICLES_DEADLETTER: "DeadLetter"}
    for topic, records in reader.records.items():
        if topic == names.ARTICLES:
            assert len(records) == 3, "claimwatch produce labels every article it sends"
        for headers, value in records:
            assert headers.get("content-type") == b"application/json", (topic, headers)
            assert headers.get("claimwatch-type") == value["type"].encode(), (topic, headers, value["type"])
            assert headers.get("claimwatch-schema-version") == str(value["schema_version"]).encode()
            if topic in expected_types:
                assert value["type"] == expected_types[topic]

    admin = AdminClient({"bootstrap.servers": cluster.bootstrap, "log_level": 3})
    resources = [ConfigResource(ConfigResource.Type.TOPIC, cluster.topic(t)) for t in EXPECTED_CONFIGS]
    described = {
        res.name[len(cluster.prefix):]: {name: entry.value for name, entry in fut.result(timeout=30).items()}
        for res, fut in admin.describe_configs(resources).items()
    }
    for topic, expected in EXPECTED_CONFIGS.items():
        got = described[topic]
        assert {k: got.get(k) for k in expected} == expected, (topic, got)

    # The Tables' changelogs, which Faust creates, stay compacted.
    changelogs = [t for t in admin.list_topics(timeout=30).topics
                  if t.startswith(worker.app_id) and t.endswith("-changelog")]
    assert len(changelogs) >= 2, changelogs  # consensus and reliability
    for res, fut in admin.describe_configs(
        [ConfigResource(ConfigResource.Type.TOPIC, t) for t in changelogs]
    ).items():
        assert fut.result(timeout=30)["cleanup.policy"].value == "compact", res.name
