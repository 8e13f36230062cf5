"""Fixtures shared by every test directory."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The evaluation data (``../shared/data``), or skip when this checkout has none."""
    import os

    path = Path(os.environ.get("CLAIMWATCH_EVAL_DATA") or REPO.parent / "shared" / "data")
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path}")
    return path
