"""When a contradiction is over: the rule behind Alertmanager's ``resolved``.

An alert says that a statement went against the consensus as it then stood.
It is settled when a later consensus of the same claim no longer goes against
that source:

* a figure (``value_conflict``, ``revision``, ``dispute``, ``retraction``,
  ``update``): the source's current figure and the consensus estimate meet
  within the rules' tolerance (the consensus came round to it, or the source
  came round to the consensus), or the source's statement is no longer counted;
* ``presence_denied``: the source no longer denies, or the consensus no longer
  gives presence ``presence_high`` or more;
* ``presence_asserted``: the source no longer asserts, or the consensus no
  longer gives presence ``presence_low`` or less.

The alert's own step never settles it (the consensus that step published is
the one the alert describes: a ``revision`` already agrees with its source).
Pure. Called by ``streams.delivery.open_alerts.settle`` with each later
``ConsensusUpdated`` of an alert's claim (the ``claimwatch.resolve`` agent reads
them), to send Alertmanager's ``resolved`` before the alert's expiry
(``streams.delivery.formats``).
"""

from __future__ import annotations

from schemas.events import ConsensusUpdated, ContradictionDetected
from streams.contradiction.rules import PRESENCE_ASSERTED, PRESENCE_DENIED
from streams.domain.intervals import hedge_interval, interval_gap
from streams.domain.settings import AlertSettings, EngineSettings


def settled(
    alert: ContradictionDetected, update: ConsensusUpdated, settings: EngineSettings | None = None
) -> str | None:
    """Why ``update`` settles ``alert`` (a short sentence), or None while it stands."""
    engine = settings or EngineSettings()
    s: AlertSettings = engine.alerts
    approx_tolerance = engine.approx_tolerance
    before = alert.consensus_before
    if update.claim_key != alert.claim_key or update.version <= before.version:
        return None
    own = alert.observation.event_id
    if update.version == before.version + 1 and update.trigger_event_id == own:
        return None  # the alert's own step
    source = alert.observation.source.name
    mine = next((x for x in update.supporting if x.source == source), None)
    p = update.presence.probability if update.presence is not None else None
    if alert.kind == PRESENCE_DENIED:
        if mine is None or mine.stance != "denies":
            return f"{source} no longer denies it"
        if p is None or p < s.presence_high:
            return "the consensus no longer holds it present"
        return None
    if alert.kind == PRESENCE_ASSERTED:
        if mine is None or mine.stance != "asserts":
            return f"{source} no longer asserts it"
        if p is None or p > s.presence_low:
            return "the consensus no longer doubts it"
        return None
    if mine is None or mine.value is None or mine.stance == "denies":
        return f"{source}'s figure is no longer counted"
    est = update.estimate
    if est is None:
        return None
    v = mine.value
    lo, _, hi = hedge_interval(v.best, v.low, v.high, v.hedge, approx_tolerance)  # as the engine reads it
    tol = max(s.tolerance * abs(est.best), s.abs_tolerance)
    if interval_gap(lo, hi, est.low - tol, est.high + tol) <= 0.0:
        return f"the consensus and {source} agree again"
    return None
