"""The core as configured: what the worker and the offline commands build from Settings.

Kept apart from the Faust shell so that ``claimwatch replay`` builds exactly the
engine a worker runs without importing Faust.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from streams.config import Settings, get_settings

if TYPE_CHECKING:
    from streams.consensus import ConsensusEngine


def load_priors(path: str) -> dict[str, float]:
    """Source → prior reliability from a JSON object file; a clear error when it is malformed."""
    if not path:
        return {}
    try:
        data = orjson.loads(Path(path).read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ValueError(f"CLAIMWATCH_SOURCE_PRIORS_FILE {path!r}: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(v, int | float) and 0.0 < float(v) < 1.0 for v in data.values()
    ):
        raise ValueError(
            f"CLAIMWATCH_SOURCE_PRIORS_FILE {path!r} must be a JSON object of source name to a number in (0, 1)"
        )
    return {str(k): float(v) for k, v in data.items()}


def build_engine(settings: Settings | None = None) -> ConsensusEngine:
    """The consensus engine the worker and ``claimwatch replay`` share, with configured priors."""
    from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook

    settings = settings or get_settings()
    return ConsensusEngine(EngineSettings(), ReliabilityBook(priors=load_priors(settings.source_priors_file)))
