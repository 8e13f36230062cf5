"""The consensus core: a running, reliability-weighted consensus per claim.

Pure Python, no Kafka: the Faust consensus agent and ``claimwatch replay``
drive the same :class:`ConsensusEngine`.

    book = ReliabilityBook(priors={"Reuters": 0.9})
    engine = ConsensusEngine(EngineSettings(), book)
    step = engine.apply(state, observation)      # pure and deterministic
    for key, value in step.reliability:          # publish on sources.reliability
        book.ingest(key, value)                  # ...and every worker ingests them

The names below are loaded on first use (PEP 562): the contradiction rules
read this package's data types (``streams.consensus.state``) while the engine
calls the rules, and lazy exports keep that from being an import cycle
whichever of the two packages is imported first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streams.consensus.engine import ConsensusEngine, Step
    from streams.consensus.reliability import BookSettings, ReliabilityBook, record_key
    from streams.consensus.settings import AlertSettings, EngineSettings
    from streams.consensus.state import ClaimState

_EXPORTS = {
    "AlertSettings": "streams.consensus.settings",
    "BookSettings": "streams.consensus.reliability",
    "ClaimState": "streams.consensus.state",
    "ConsensusEngine": "streams.consensus.engine",
    "EngineSettings": "streams.consensus.settings",
    "ReliabilityBook": "streams.consensus.reliability",
    "Step": "streams.consensus.engine",
    "record_key": "streams.consensus.reliability",
}

__all__ = [
    "AlertSettings",
    "BookSettings",
    "ClaimState",
    "ConsensusEngine",
    "EngineSettings",
    "ReliabilityBook",
    "Step",
    "record_key",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
