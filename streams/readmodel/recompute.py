"""Recomputing a claim's consensus from its observations, for "as of" answers the log cannot give.

``consensus.updated`` is compacted: after compaction (and a worker restart that
re-reads it) only the latest versions of a claim remain, so the state of a
claim at an earlier time can no longer be read off the versions. The
observations (``claims.observed``, the log of record) are all still there, so
the consensus engine is run over those seen up to that time instead. The
answer is marked ``recomputed``: it uses source reliability learned from this
claim's observations only, where the stream used what every claim taught it.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.events import ClaimObserved, ConsensusUpdated


def recompute_consensus(observations: Sequence[ClaimObserved]) -> ConsensusUpdated | None:
    """The consensus the engine reaches over ``observations`` (None if none); the
    engine folds late ones in by event time, so their order does not matter."""
    from streams.consensus import ClaimState, ConsensusEngine

    engine = ConsensusEngine()
    state: ClaimState | None = None
    for obs in observations:
        step = engine.apply(state, obs)
        state = step.state
        for key, value in step.reliability:
            engine.reliability.ingest(key, value)
    return engine.published(state) if state is not None else None
