"""Pieces of the consensus shell that need no broker."""

from __future__ import annotations

import asyncio
from pathlib import Path

from streams.agents.consensus import partition_of


def test_partition_of_matches_the_kafka_default_partitioner() -> None:
    from aiokafka.partitioner import DefaultPartitioner

    for key in ["north-korean-troops:count@russia", "people:deaths@turkey", "x"]:
        expected = DefaultPartitioner()(key.encode(), [0, 1, 2, 3], [0, 1, 2, 3])
        assert partition_of(key, 4) == expected


def test_an_acknowledged_write_does_not_move_the_reliability_table_past_unread_records(tmp_path: Path) -> None:
    """Every worker writes to the reliability changelog; where a restart resumes reading it
    (the on-disk store's persisted offset) must not jump past other workers' records
    because one of this worker's own writes was acknowledged further on."""
    from faust.types import TP
    from faust.types.tuples import RecordMetadata

    from streams.agents.consensus import RELIABILITY_TABLE
    from streams.app import create_app
    from streams.config import Settings

    ctx = create_app(Settings(kafka_bootstrap_servers="broker.invalid:9092", data_dir=str(tmp_path),
                              store="rocksdb://"))
    table = ctx.app.tables[RELIABILITY_TABLE]
    tp = TP(table.changelog_topic.get_topic_name(), 0)
    table.data.set_persisted_offset(tp, 542)  # read (and applied) up to 542

    loop = asyncio.new_event_loop()
    try:
        ack = loop.create_future()
        ack.set_result(RecordMetadata(topic=tp.topic, partition=0, topic_partition=tp, offset=670,
                                      timestamp=0.0, timestamp_type=0))
        table._on_changelog_sent(ack)  # this worker's own record, acknowledged at 670
    finally:
        loop.close()
    assert table.persisted_offset(tp) == 542  # 543..669 (other workers' records) are still to be read
