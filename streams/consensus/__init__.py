"""The consensus core: a running, reliability-weighted consensus per claim.

Pure Python, no Kafka: the Faust consensus agent and ``claimwatch replay``
drive the same :class:`ConsensusEngine`.

    book = ReliabilityBook(priors={"Reuters": 0.9})
    engine = ConsensusEngine(EngineSettings(), book)
    step = engine.apply(state, observation)      # pure and deterministic
    for key, value in step.reliability:          # publish on sources.reliability
        book.ingest(key, value)                  # ...and every worker ingests them

The engine calls the contradiction rules; both speak the shared domain layer
(:mod:`streams.domain`: statements, states, intervals, settings) and the
gazetteer (:mod:`streams.geo`), and neither of those imports this package back
(an import-linter contract in ``pyproject.toml`` keeps the layers one-way).
"""

from streams.consensus.engine import ConsensusEngine, Step
from streams.consensus.reliability import BookSettings, ReliabilityBook, record_key
from streams.domain.settings import AlertSettings, EngineSettings
from streams.domain.state import ClaimState

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
