"""Topic declarations: retention, compaction and event headers of every topic claimwatch creates."""

from __future__ import annotations

import faust

from streams import topics as names
from streams.app import create_app
from streams.config import Settings


def test_every_topic_has_retention_and_the_log_of_record_is_kept_forever() -> None:
    ctx = create_app(Settings(kafka_bootstrap_servers="broker.invalid:9092", alerts_retention_ms=-1,
                              deadletter_retention_ms=1000))
    declared = {t.get_topic_name(): t for t in (getattr(ctx.topics, f) for f in names.Topics.__dataclass_fields__)
                if hasattr(t, "get_topic_name")}
    assert set(declared) == set(names.ALL_TOPIC_NAMES)
    for name, topic in declared.items():
        assert "retention.ms" in topic.config, name
    assert declared[names.ARTICLES].config["retention.ms"] == "-1"
    assert declared[names.CLAIMS].config["retention.ms"] == "-1"
    assert declared[names.CONSENSUS].config == {"cleanup.policy": "compact", "retention.ms": "-1"}
    assert declared[names.ALERTS].config["retention.ms"] == "-1"  # as configured
    assert declared[names.ALERTS_DEADLETTER].config["retention.ms"] == "1000"


def test_records_sent_through_a_declared_topic_get_its_event_headers() -> None:
    app = faust.App("headers-test", broker="kafka://broker.invalid:9092", autodiscover=False,
                    Topic=names.EventTopic)
    topics = names.declare(app, partitions=2)
    expected = {"content-type": b"application/json", "claimwatch-type": b"ContradictionDetected",
                "claimwatch-schema-version": b"1"}
    assert topics.alerts.prepare_headers(None) == expected
    # Headers a caller passes are kept, and win over the defaults.
    assert topics.alerts.prepare_headers({"trace": b"x", "content-type": b"text/plain"}) == {
        **expected, "trace": b"x", "content-type": b"text/plain"}
    assert topics.alerts.clone(is_iterator=True).prepare_headers(None) == expected
    assert set(names.EVENT_TYPES) == set(names.ALL_TOPIC_NAMES)
