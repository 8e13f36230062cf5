"""Source priors from configuration reach the engine shared by the worker and ``replay``."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.agents.consensus import build_engine, load_priors, partition_of
from streams.config import Settings


def test_priors_file_is_loaded_into_the_reliability_book(tmp_path: Path) -> None:
    path = tmp_path / "priors.json"
    path.write_text('{"Reuters": 0.9, "rumour-mill": 0.2}')
    engine = build_engine(Settings(source_priors_file=str(path)))
    assert engine.reliability.priors == {"Reuters": 0.9, "rumour-mill": 0.2}


@pytest.mark.parametrize("content", ['["Reuters"]', '{"Reuters": 1.5}', '{"Reuters": "high"}', "{oops"])
def test_a_malformed_priors_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "priors.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="CLAIMWATCH_SOURCE_PRIORS_FILE"):
        load_priors(str(path))


def test_partition_of_matches_the_kafka_default_partitioner() -> None:
    from aiokafka.partitioner import DefaultPartitioner

    for key in ["north-korean-troops:count@russia", "people:deaths@turkey", "x"]:
        expected = DefaultPartitioner()(key.encode(), [0, 1, 2, 3], [0, 1, 2, 3])
        assert partition_of(key, 4) == expected
