"""Source priors from configuration reach the engine shared by the worker and ``replay``."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.config import Settings
from streams.configured import build_engine, load_priors


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
