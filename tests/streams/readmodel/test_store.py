"""The read model's own on-disk store: what a restarted worker's API starts from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiokafka import TopicPartition

from schemas.codec import dumps
from streams.readmodel import ReadModel
from streams.readmodel.store import ReadModelStore
from streams.web.feeder import FeedTopics, ReadModelFeeder
from tests.streams.readmodel.readmodel_events import Events

KEY = "bridge-collapse:injured@lisbon"


def _feed(feeder: ReadModelFeeder, events: Events) -> None:
    """Two observations, two versions and an alert, in two batches, persisted after each."""
    topics = feeder.topics
    a = events.observation("e1", best=12, minute=0)
    feeder.handle(topics.claims, dumps(a))
    feeder.handle(topics.consensus, dumps(events.consensus(1, best=12, minute=0.1, trigger="e1")))
    feeder.persist({(topics.claims, 0): 1, (topics.consensus, 0): 1})
    b = events.observation("e2", source="Hospital director", best=80, minute=5)
    v1 = events.consensus(1, best=12, minute=0.1, trigger="e1")
    feeder.handle(topics.claims, dumps(b))
    feeder.handle(topics.alerts, dumps(events.alert("al-1", b, v1, minute=5.05)))
    feeder.handle(topics.consensus, dumps(events.consensus(2, best=14, high=80, minute=5.1, trigger="e2")))
    feeder.persist({(topics.claims, 0): 2, (topics.consensus, 0): 2, (topics.alerts, 1): 1})


def test_a_restarted_feeder_has_every_claim_its_latest_consensus_and_alerts(tmp_path: Path, events: Events) -> None:
    path = tmp_path / "readmodel.db"
    first = ReadModelFeeder(ReadModel(), "unused:9092", FeedTopics(), store=ReadModelStore(path))
    _feed(first, events)
    before = first.model.claim(KEY)
    assert first.store is not None
    first.store.close()

    model = ReadModel()
    second = ReadModelFeeder(model, "unused:9092", FeedTopics(), store=ReadModelStore(path))
    positions = second.restore()
    assert positions == {("claims.observed", 0): 2, ("consensus.updated", 0): 2, ("alerts.contradictions", 1): 1}
    assert second.restored_claims == 1 and second.restored_alerts == 1
    after = model.claim(KEY)
    assert after is not None and before is not None
    for field in ("estimate", "version", "n_observations", "n_alerts", "subject", "location",
                  "first_seen", "last_seen", "consensus", "supporting"):
        assert after[field] == before[field], field
    assert [a["alert_id"] for a in model.recent_alerts()] == ["al-1"]
    # what came before the restart is not held: the answers say so
    history = model.history(KEY)
    assert history is not None and history["truncated"] and history["observations"] == []
    assert [v["version"] for v in history["consensus"]] == [2]


def test_folding_after_a_restore_goes_on_from_the_stored_counts(tmp_path: Path, events: Events) -> None:
    path = tmp_path / "readmodel.db"
    first = ReadModelFeeder(ReadModel(), "unused:9092", FeedTopics(), store=ReadModelStore(path))
    _feed(first, events)
    assert first.store is not None
    first.store.close()
    model = ReadModel()
    second = ReadModelFeeder(model, "unused:9092", FeedTopics(), store=ReadModelStore(path))
    second.restore()
    second.handle("claims.observed", dumps(events.observation("e3", source="Mayor", best=13, minute=7)))
    second.handle("consensus.updated", dumps(events.consensus(3, best=13, minute=7.1, trigger="e3")))
    claim = model.claim(KEY)
    assert claim is not None
    assert claim["n_observations"] == 3 and claim["version"] == 3
    # an older version read again (records after the stored position) changes nothing
    second.handle("consensus.updated", dumps(events.consensus(2, best=14, high=80, minute=5.1, trigger="e2")))
    assert model.claim(KEY)["version"] == 3  # type: ignore[index]


def test_clear_forgets_everything(tmp_path: Path, events: Events) -> None:
    store = ReadModelStore(tmp_path / "readmodel.db")
    feeder = ReadModelFeeder(ReadModel(), "unused:9092", FeedTopics(), store=store)
    _feed(feeder, events)
    assert len(store) == 1
    store.clear()
    assert len(store) == 0 and store.positions() == {} and store.alerts() == []


def test_only_the_newest_alerts_are_kept(tmp_path: Path, events: Events) -> None:
    store = ReadModelStore(tmp_path / "readmodel.db", max_alerts=2)
    store.write({}, [b"1", b"2", b"3"], {("t", 0): 3})
    store.write({}, [b"4"], {("t", 0): 4})
    assert store.alerts() == [b"3", b"4"]
    store.close()
    reopened = ReadModelStore(tmp_path / "readmodel.db", max_alerts=2)
    reopened.write({}, [b"5"], {("t", 0): 5})
    assert reopened.alerts() == [b"4", b"5"]


def test_building_a_store_takes_no_lock(tmp_path: Path) -> None:
    """Apps are built (and thrown away) by tests and tools; the database opens on first use."""
    path = tmp_path / "readmodel.db"
    ReadModelStore(path)
    ReadModelStore(path)
    assert not path.exists()


class FakeConsumer:
    """The three calls the feeder makes to place its partitions."""

    def __init__(self, begin: dict[Any, int], end: dict[Any, int]) -> None:
        self.begin, self.end = begin, end
        self.sought: dict[Any, int] = {}

    async def beginning_offsets(self, tps: list[Any]) -> dict[Any, int]:
        return {tp: self.begin[tp] for tp in tps}

    async def end_offsets(self, tps: list[Any]) -> dict[Any, int]:
        return {tp: self.end[tp] for tp in tps}

    def seek(self, tp: Any, offset: int) -> None:
        self.sought[tp] = offset


CLAIMS0, CONSENSUS0, ALERTS0 = (TopicPartition(t, 0) for t in FeedTopics().names())


async def test_without_local_state_only_a_tail_of_the_history_is_read() -> None:
    model = ReadModel()
    feeder = ReadModelFeeder(model, "unused:9092", FeedTopics(), tail=100)
    consumer = FakeConsumer({CLAIMS0: 0, CONSENSUS0: 0, ALERTS0: 5}, {CLAIMS0: 50_000, CONSENSUS0: 900, ALERTS0: 50})
    assert await feeder._start_positions(consumer, {CLAIMS0, CONSENSUS0, ALERTS0}, {})  # type: ignore[arg-type]
    # the compacted consensus from its start; the rest from its tail (or its start when shorter)
    assert consumer.sought == {CLAIMS0: 49_900, CONSENSUS0: 0, ALERTS0: 5}
    assert model.partial_history


async def test_a_whole_topic_when_the_tail_is_unbounded_or_short() -> None:
    model = ReadModel()
    feeder = ReadModelFeeder(model, "unused:9092", FeedTopics(), tail=-1)
    consumer = FakeConsumer({CLAIMS0: 0, CONSENSUS0: 0, ALERTS0: 0}, {CLAIMS0: 50_000, CONSENSUS0: 9, ALERTS0: 3})
    assert await feeder._start_positions(consumer, {CLAIMS0, CONSENSUS0, ALERTS0}, {})  # type: ignore[arg-type]
    assert consumer.sought == {CLAIMS0: 0, CONSENSUS0: 0, ALERTS0: 0}
    assert not model.partial_history


async def test_stored_positions_are_where_reading_goes_on_unless_the_log_is_gone() -> None:
    feeder = ReadModelFeeder(ReadModel(), "unused:9092", FeedTopics(), tail=100)
    consumer = FakeConsumer({CLAIMS0: 10, CONSENSUS0: 0, ALERTS0: 0}, {CLAIMS0: 50_000, CONSENSUS0: 900, ALERTS0: 3})
    stored = {("claims.observed", 0): 7, ("consensus.updated", 0): 800}
    assert await feeder._start_positions(consumer, {CLAIMS0, CONSENSUS0, ALERTS0}, stored)  # type: ignore[arg-type]
    assert consumer.sought == {CLAIMS0: 10, CONSENSUS0: 800, ALERTS0: 0}
    # a broker that lost its log (in-memory, restarted): positions beyond the end
    fresh = FakeConsumer({CLAIMS0: 0, CONSENSUS0: 0, ALERTS0: 0}, {CLAIMS0: 3, CONSENSUS0: 0, ALERTS0: 0})
    assert not await feeder._start_positions(fresh, {CLAIMS0, CONSENSUS0, ALERTS0}, stored)  # type: ignore[arg-type]
    assert fresh.sought == {}
