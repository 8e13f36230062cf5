"""Pieces of the consensus shell that need no broker."""

from __future__ import annotations

from streams.agents.consensus import partition_of


def test_partition_of_matches_the_kafka_default_partitioner() -> None:
    from aiokafka.partitioner import DefaultPartitioner

    for key in ["north-korean-troops:count@russia", "people:deaths@turkey", "x"]:
        expected = DefaultPartitioner()(key.encode(), [0, 1, 2, 3], [0, 1, 2, 3])
        assert partition_of(key, 4) == expected
