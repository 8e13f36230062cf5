"""Tunable knobs of the consensus engine and the contradiction rules.

Every number the engine and the rules depend on lives here, with a default that
is meant for news claims (counts of people, casualties, presence of forces).
None of them is fitted to an evaluation file; they are plain statements of
taste ("approximately" means about ±5%, a week-old statement weighs half).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Configuration of :class:`streams.consensus.ConsensusEngine`."""

    #: relative half-width given to "approximately 10,000" when the extractor
    #: did not give low/high (10,000 → 9,500-10,500).
    approx_tolerance: float = 0.05
    #: half-life of a statement's weight, in seconds of statement time (as_of),
    #: measured back from the claim's newest statement. Truth that moves
    #: (1,500 → 3,000 → 10,000) is followed because old figures fade.
    recency_half_life_s: float = 7 * 24 * 3600.0
    #: the same for presence (asserted / denied); 0 = none. A source's newer
    #: statement already supersedes its own older one; across sources, a
    #: denier speaking last must not turn an established presence into doubt
    #: by being last (with 30 days, the samples' presence ended at 0.86, the
    #: newest source holding a quarter of the weight).
    presence_half_life_s: float = 0.0
    #: the consensus interval runs from this weighted quantile of the
    #: statements' lower bounds to (1 - it) of their upper bounds: the spread
    #: of the weighted middle half, so a split between sources shows.
    interval_quantile: float = 0.25
    #: weight of a ``neutral`` statement's number relative to an assertion.
    neutral_weight: float = 0.5
    #: lower bound on the extractor confidence used as a weight factor.
    min_confidence: float = 0.05
    #: how many event_ids per claim are remembered to drop redeliveries. Most need
    #: none: an id in the claim's log or among its kept statements is recognised,
    #: and an older statement of a source arriving again is stale against that
    #: source's newer one. The list catches the rest (a redelivered copy whose
    #: original has since been superseded). Redeliveries come from the last
    #: uncommitted stretch of a partition, a few events per claim, so a few dozen
    #: is ample, and the state (written to the changelog on every event) stays small.
    seen_capacity: int = 32
    #: the claim's log keeps at most this many statements per source on the claim
    #: (so a claim's state is O(its sources), not O(its statements)); the oldest in
    #: event time beyond that are folded into each source's statement before the
    #: log (``ClaimState.base``) and dropped. A late statement is folded in exactly
    #: where it belongs in event time when it is no older than the oldest statement
    #: still in the log; one older than that (later than about this many statements
    #: per source) is folded in as if it came right after the dropped ones: it
    #: replaces its source's statement there only when newer, is a copy against
    #: those statements, and the log is replayed on top. 0: keep every statement
    #: (exact for any lateness; the state grows with every statement on the claim).
    log_per_source: int = 2
    #: two evidence texts with at least this estimated Jaccard similarity of
    #: word 3-shingles (and the same value) are one statement copied.
    copy_jaccard: float = 0.8
    #: texts shorter than this (in words) are never taken for copies: a bare
    #: figure or a few words coincide between independent sources.
    copy_min_words: int = 6
    #: size of the bottom-k shingle sketch kept per observation.
    sketch_size: int = 24
    #: pseudo-weight (in units of an unknown source's weight) pulling the
    #: presence probability towards 0.5 so that one voice never gives 0 or 1.
    presence_prior_weight: float = 0.25
    #: a new version is published when the estimate or the supporting statements
    #: change, when the presence probability crosses 0.5 or an alert threshold,
    #: or when it moves by more than this on a contested claim (assertions and
    #: denials); the supporters' weights alone moving (as reliability is
    #: learned) publish nothing (``streams.consensus.engine._material``).
    presence_epsilon: float = 0.01
    #: rounding of published supporter weights, so that tiny reliability moves
    #: do not produce a stream of meaningless updates.
    weight_digits: int = 4
    #: settings of the contradiction rules.
    alerts: AlertSettings = field(default_factory=lambda: AlertSettings())


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """Configuration of :mod:`streams.contradiction`."""

    #: the consensus interval is widened by this fraction of its best value on
    #: each side before checking overlap: disagreements inside it are noise.
    tolerance: float = 0.02
    #: ...and by at least this many units: 15 against 16 is rounding, not a dispute.
    abs_tolerance: float = 1.0
    #: a denial alerts when the presence probability before was at least this.
    presence_high: float = 0.7
    #: an assertion alerts when the presence probability before was at most this.
    presence_low: float = 0.3
    #: the consensus moved by more than this fraction of its best value (and
    #: the new interval misses the old one): a ``revision``.
    revision_threshold: float = 0.10
    #: a revision alert needs a source at least this reliable (0..1 trust).
    revision_min_trust: float = 0.3
    #: one alert per (claim, source) within this many seconds of event time.
    cooldown_s: float = 3600.0
    #: cumulative measures: two figures whose as_of are this close (seconds)
    #: are about the same period, so a disagreement is a ``dispute``, not an
    #: ``update`` or a ``retraction``.
    same_period_s: float = 24 * 3600.0
