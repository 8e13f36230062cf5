"""The consensus engine: one ClaimObserved in, the claim's next state out.

``apply`` is a pure function of (state, event, reliability book): no clocks,
no randomness, no Kafka. Every timestamp it writes comes from the event, every
id is a hash of event content, so replaying ``claims.observed`` rebuilds the
same states and emits the same updates and alerts. The Faust agent and the
``claimwatch replay`` command both drive this class.

What ``apply`` does with one event, in order:

1. an event_id already seen on this claim changes nothing (``duplicate``);
2. the statement becomes an :class:`Obs`: its hedge as an interval, its date
   (as_of, never later than publication), its evidence fingerprints;
3. a source keeps one current statement per claim: an older one arriving
   late is ignored (``stale``), the same one again is a ``repeat``, a newer
   one replaces it (``superseded``);
4. a statement identical to another source's, in (nearly) the same words,
   is a copy of the same article and counts once (``copy``);
5. the consensus is recomputed from the kept statements (see
   :mod:`streams.consensus.aggregate`); no change, no update;
6. the contradiction rules compare the statement with the consensus before
   it (:mod:`streams.contradiction`), with a per-source cooldown;
7. the source's statement on this claim goes out as a reliability record,
   from which every worker's :class:`ReliabilityBook` learns.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from operator import itemgetter
from typing import Any

import orjson

from schemas.events import SCHEMA_VERSION, ClaimObserved, ConsensusUpdated, ContradictionDetected
from streams.consensus import aggregate
from streams.consensus.evidence import COUNT_MEASURES, force_subject
from streams.consensus.fingerprint import jaccard, sketch, text_hash, words
from streams.consensus.names import OUTLET, same_speaker
from streams.consensus.observed import Observed, from_model
from streams.consensus.reliability import NAN_RECORD, ReliabilityBook, record_key
from streams.contradiction import CUMULATIVE_MEASURES, Context, Finding, alert_id, cooling_down, detect
from streams.contradiction.rules import within_tolerance
from streams.domain.intervals import INF, _tidy, hedge_interval
from streams.domain.settings import EngineSettings
from streams.domain.state import ClaimState, Obs, Snapshot, from_us

#: what happened to an event, for metrics and tests
NEW = "new"
SUPERSEDED = "superseded"
REPEAT = "repeat"
DUPLICATE = "duplicate"
COPY = "copy"
STALE = "stale"


_new_obs: Callable[[tuple[Any, ...]], Obs] = partial(tuple.__new__, Obs)  # type: ignore[assignment]
_new_snapshot: Callable[[tuple[Any, ...]], Snapshot] = partial(  # type: ignore[assignment]
    tuple.__new__, Snapshot
)


_OBS_OF = itemgetter(1)  # a log entry's Obs
_SOURCE_OF = itemgetter(1)  # an Obs's source


def _event_time(entry: tuple[int, Obs]) -> tuple[int, int]:
    """A log entry's place in event time: (statement time, publication time)."""
    return entry[1].t, entry[0]


def _date(t: int) -> str:
    when = from_us(t)
    return when.strftime("%Y-%m-%d %H:%M UTC" if when.hour or when.minute else "%Y-%m-%d")


def _statement(claim_key: str, o: Obs) -> tuple[Any, ...]:
    """The book's tuple for ``o``: what ``ReliabilityBook.ingest`` parses the
    record ``ConsensusEngine._record`` builds into, without the dict between."""
    if o.point is None:
        return (o.source, claim_key, o.stance, NAN_RECORD, NAN_RECORD, NAN_RECORD, o.t, o.conf)
    return (o.source, claim_key, o.stance, o.lo, o.point, o.hi, o.t, o.conf)


def _material(
    before: Snapshot, est: tuple[float, float, float] | None, open_high: bool,
    p: float | None, sups: tuple[Any, ...], epsilon: float,
    thresholds: tuple[float, ...] = (),
) -> bool:
    """Whether a consensus says something new against the last published one
    (``before``): only then is a version published.

    Material, in order of the checks:

    * the estimate: its low, best or high, or whether its upper bound is open
      (each is a figure a source gave, so any change is one a reader sees);
    * who supports what: a source joins or leaves, or a source's current
      statement is another one (another figure, hedge or stance, or the same
      words in a later statement, which moves the event time the consensus
      stands at). A repeat of the same statement never gets here (the engine
      drops it before). The supporters' weights moving alone are not
      material (they move a little whenever any source's reliability does)
      unless their order changes: who counts most is what a reader sees in
      the supporting list, and what the learned reliability is for;
    * the presence probability appearing or disappearing, or crossing one of
      ``thresholds`` (the alert rules' presence bounds and even odds: a
      reader's verdict, and what decides whether a later denial or assertion
      is news), however small the move;
    * otherwise the probability moving by more than ``epsilon`` from the
      published one, but only on a contested claim (some statement asserts and
      another denies). When every statement takes the same side, nothing about
      the claim is in question and the probability is a function of how far
      the engine trusts those sources, the same information as their weights:
      it drifts with every reliability update (a toll nobody disputes went
      0.93 -> 0.96 on a settle tick), so it is republished only with the next
      material change or a threshold crossing.

    Drift is measured from the published value, not the previous computation,
    so a slow drift on a contested claim is published once it adds up.
    """
    if before.estimate != est or before.open_high != open_high:
        return True
    bp = before.presence
    if (bp is None) != (p is None):
        return True
    old = before.supporters
    if len(old) != len(sups):
        return True
    # (source, raw, stance, weight, event_id): all but the weight
    if any(a[0] != b[0] or a[4] != b[4] or a[2] != b[2] or a[1] != b[1]
           for a, b in zip(old, sups, strict=True)):
        return True
    if _order_reversed(old, sups):
        return True  # who counts more changed: the order a reader sees the supporters in
    if bp is None or p is None:
        return False
    if any((bp >= t) != (p >= t) for t in thresholds):
        return True
    stances = {sup[2] for sup in sups}
    contested = "denies" in stances and "asserts" in stances
    return contested and abs(p - bp) > epsilon


def _order_reversed(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Whether two supporters swapped places: one weighed strictly more than the other before
    and strictly less now (a tie on either side is no swap)."""
    before = {sup[0]: sup[3] for sup in old}
    now = {sup[0]: sup[3] for sup in new}
    names = [n for n in now if n in before]
    return any(
        (before[a] - before[b]) * (now[a] - now[b]) < 0 for i, a in enumerate(names) for b in names[i + 1 :]
    )


class Step:
    """The result of applying one event to a claim.

    ``update`` and ``alert`` are built on first access: the decision (is there
    a change, is there a contradiction, the cooldown) is taken inside
    ``apply``, but turning it into pydantic events costs more than the rest of
    the engine together, and a replay that only wants the final consensus
    never needs them.
    """

    __slots__ = ("_alert", "_build", "_finding", "_snap", "_update", "outcome", "reliability",
                 "state")

    def __init__(
        self,
        state: ClaimState,
        reliability: list[tuple[str, dict[str, Any] | None]] | None = None,
        outcome: str = NEW,
    ) -> None:
        self.state = state
        #: (key, value) records for the compacted topic ``sources.reliability``
        #: (a null value deletes: a statement a late arrival showed to be a copy)
        self.reliability: list[tuple[str, dict[str, Any] | None]] = reliability or []
        #: new | superseded | repeat | duplicate | copy | stale
        self.outcome = outcome
        self._snap: Snapshot | None = None
        self._finding: tuple[Any, ...] | None = None
        self._build: ConsensusEngine | None = None
        self._update: ConsensusUpdated | None = None
        self._alert: ContradictionDetected | None = None

    @property
    def changed(self) -> bool:
        """Whether the consensus changed (``update`` is not None), without building it."""
        return self._snap is not None

    @property
    def update(self) -> ConsensusUpdated | None:
        """The ConsensusUpdated to publish, or None when the event changed nothing."""
        if self._update is None and self._snap is not None and self._build is not None:
            self._update = self._build._update_event(self.state, self._snap)
        return self._update

    def update_wire(self) -> bytes | None:
        """``dumps(self.update)`` without building the model (see ``ConsensusEngine.update_wire``)."""
        if self._update is not None:
            return orjson.dumps(self._update.model_dump(mode="json"))
        if self._snap is None or self._build is None:
            return None
        return self._build.update_wire(self.state, self._snap)

    @property
    def alert(self) -> ContradictionDetected | None:
        """The ContradictionDetected to publish, or None."""
        if self._alert is None and self._finding is not None and self._build is not None:
            self._alert = self._build._alert_event(self.state, *self._finding)
        return self._alert

    @property
    def alerted(self) -> bool:
        """Whether there is an alert, without building it."""
        return self._finding is not None

    def alert_wire(self) -> bytes | None:
        """``dumps(self.alert)`` without building the alert model (see ``ConsensusEngine.alert_wire``)."""
        if self._alert is not None:
            return orjson.dumps(self._alert.model_dump(mode="json"))
        if self._finding is None or self._build is None:
            return None
        return self._build.alert_wire(self.state, *self._finding)


class ConsensusEngine:
    """Running consensus per claim; see the module docstring."""

    def __init__(self, settings: EngineSettings | None = None, book: ReliabilityBook | None = None):
        self.settings = settings or EngineSettings()
        self.reliability = book if book is not None else ReliabilityBook()
        a = self.settings.alerts
        #: presence probabilities whose crossing is always material (see ``_material``)
        self._thresholds = (a.presence_low, 0.5, a.presence_high)
        # claim_key → (book generation, last event_id, version) of the last
        # consensus computed here: lets ``recompute`` skip claims whose inputs
        # have not moved. A cache only (never serialised): a miss just recomputes.
        self._computed: dict[str, tuple[int, str, int]] = {}
        # evidence text → its fingerprints, for the copy checks (a cache only)
        self._fingerprint_memo: dict[str, tuple[str, tuple[int, ...], int]] = {}

    # -- events --------------------------------------------------------------

    def apply(self, state: ClaimState | None, obs: ClaimObserved | Observed) -> Step:
        """The claim's next state after ``obs``; ``state`` itself is not modified.

        ``obs`` is a validated model or its light record (:mod:`.observed`,
        what the replay reads JSON lines into); both give the same step.
        """
        return self._apply(state, obs, False)

    def advance(self, state: ClaimState | None, obs: ClaimObserved | Observed) -> Step:
        """:meth:`apply` for a caller that owns both the state and this engine's
        book (the offline replay): ``state`` is advanced in place rather than
        copied, and the statement goes straight into the book (``ingest``)
        instead of out as a record (``step.reliability`` stays empty). The
        states, the book and the outputs end exactly as with ``apply`` and
        ingesting its records."""
        return self._apply(state, obs, True)

    def _apply(self, state: ClaimState | None, obs: ClaimObserved | Observed, own: bool) -> Step:
        if type(obs) is not Observed:
            obs = from_model(obs)  # type: ignore[arg-type]
        if state is None:
            state = ClaimState(
                claim_key=obs.claim_key, subject=obs.subject, measure=obs.measure,
                location=obs.location, parent_key=obs.parent_key,
            )
        elif self._seen(state, obs.event_id, self.settings.seen_capacity):
            return Step(state=state, outcome=DUPLICATE)
        observed = obs.observed_us
        new = self._to_obs(obs, observed)
        pub = obs.published_us if obs.published_us is not None else observed
        when = (new.t, pub)
        horizon = state.horizon
        if horizon is not None and when < horizon:
            return self._apply_late(state, obs, new, pub, own)
        prev = state.observations.get(new.source)
        before = state.last
        is_copy = prev is None and self._is_copy(state.observations, new)
        nxt = state if own else state.copy()
        self._remember(nxt, obs.event_id)
        nxt.log.append((pub, new))
        nxt.horizon = when
        self._compact(nxt)
        if prev is not None and prev.t > new.t:
            return Step(state=nxt, outcome=STALE)  # an older statement arrived late
        if prev is not None and prev.t == new.t and prev.same_statement(new):
            return Step(state=nxt, outcome=REPEAT)
        if is_copy:
            return Step(state=nxt, outcome=COPY)
        outcome = NEW if prev is None else (REPEAT if prev.same_statement(new) else SUPERSEDED)
        nxt.observations[new.source] = new
        nxt.event_at = observed
        nxt.event_id = obs.event_id
        key = record_key(new.source, nxt.claim_key)
        if own:
            step = Step(state=nxt, outcome=outcome)
        else:
            step = Step(state=nxt, reliability=[(key, self._record(nxt.claim_key, new))],
                        outcome=outcome)
        snap = self._consensus(nxt, before)
        if snap is not None:
            nxt.last = snap
        # the book's generation and the state's version, read without their properties
        last = nxt.last
        self._computed[nxt.claim_key] = (
            self.reliability._generation, nxt.event_id, last.version if last is not None else 0
        )
        if snap is not None:
            step._snap, step._build = snap, self
            if before is not None and outcome != REPEAT and not self._agrees(new, before):
                finding = self._contradiction(nxt, obs, new, prev, before, snap,
                                              nxt.observations)
                if finding is not None:
                    step._finding = (obs, finding, before)
        if own:
            # after the step, as a caller ingesting step.reliability would: the
            # book may refresh on the next lookup, never within this event
            self.reliability.ingest_statement(key, _statement(nxt.claim_key, new))
        return step

    def _apply_late(
        self, state: ClaimState, obs: Observed, new: Obs, pub: int, own: bool
    ) -> Step:
        """A statement whose event time (as_of, then published_at) is before one
        already folded: folded in where it belongs.

        The claim's statements are replayed in event time (:meth:`_fold`), so
        each source's current statement, the copies and the consensus end as if
        the events had arrived in that order. Its alert compares it with the
        consensus as it stood just before it in event time (computed with
        today's weights), and its reason says that it arrived late. Versions
        still count publications, in arrival order.
        """
        if any(o.event_id == new.event_id for _, o in state.log) or any(
            o.event_id == new.event_id for o in state.base.values()
        ):
            return Step(state=state, outcome=DUPLICATE)  # past the bounded seen list
        before = state.last
        nxt = state if own else state.copy()
        self._remember(nxt, obs.event_id)
        if nxt.cut is not None and (new.t, pub) < nxt.cut:
            # too late for the log: folded in as if right after the statements dropped
            # from it (EngineSettings.log_per_source), the log replayed on top
            then = dict(nxt.base)
            prev = then.get(new.source)
            if prev is not None and prev.t >= new.t:
                fate = REPEAT if prev.t == new.t and prev.same_statement(new) else STALE
            elif prev is None and self._is_copy(then, new):
                fate = COPY
            else:
                fate = NEW if prev is None else SUPERSEDED
                nxt.base = {**then, new.source: new}
            kept, _ = self._fold(sorted(nxt.log, key=_event_time), dict(nxt.base))
        else:
            nxt.log.append((pub, new))
            order = sorted(nxt.log, key=_event_time)  # stable: ties keep arrival order
            at = next(i for i, (_, o) in enumerate(order) if o is new)
            then, _ = self._fold(order[:at], dict(nxt.base))  # each source's statement just before it
            _, fate = self._fold([(pub, new)], dict(then))
            kept, _ = self._fold(order[at:], dict(then))
            self._compact(nxt)
        old = nxt.observations
        outcome = fate if kept.get(new.source) is new or fate in (COPY, REPEAT) else STALE
        changed = [s for s in {**old, **kept} if old.get(s) != kept.get(s)]
        if not changed:
            return Step(state=nxt, outcome=outcome)
        nxt.observations = kept
        nxt.event_at = obs.observed_us
        nxt.event_id = obs.event_id
        claim = nxt.claim_key
        step = Step(state=nxt, outcome=outcome)
        if not own:
            step.reliability = [
                (record_key(source, claim),
                 None if kept.get(source) is None else self._record(claim, kept[source]))
                for source in sorted(changed)
            ]
        step._snap = self._late_step(nxt, obs, new, before, then, step)
        if own:  # after the step, as in _apply
            for source in sorted(changed):
                o = kept.get(source)
                rkey = record_key(source, claim)
                if o is None:
                    self.reliability.ingest(rkey, None)
                else:
                    self.reliability.ingest_statement(rkey, _statement(claim, o))
        return step

    def _late_step(
        self, nxt: ClaimState, obs: Observed, new: Obs, before: Snapshot | None,
        then: dict[str, Obs], step: Step,
    ) -> Snapshot | None:
        """The consensus and the alert of a late statement already folded into ``nxt``."""
        claim = nxt.claim_key
        snap = self._consensus(nxt, before)
        if snap is not None:
            nxt.last = snap
            step._build = self
        self._computed[claim] = (self.reliability.generation, nxt.event_id, nxt.version)
        if before is None or nxt.observations.get(new.source) is not new or not then \
                or step.outcome == REPEAT:
            return snap
        # the consensus as it stood just before the statement in event time, and with it
        prev = then.get(new.source)
        as_of = max(o.t for o in then.values())
        was = self._snapshot(nxt, then, before.version, as_of)
        now = dict(then)
        now[new.source] = new
        after = self._snapshot(nxt, now, before.version, max(as_of, new.t))
        finding = self._contradiction(nxt, obs, new, prev, was, after, then)
        if finding is not None:
            late = (f"; reported late: it arrived after statements dated up to "
                    f"{_date(nxt.horizon[0] if nxt.horizon else new.t)}")
            step._finding = (obs, Finding(finding.kind, finding.severity, finding.reason + late),
                             was)
            step._build = self
        return snap

    def _compact(self, state: ClaimState) -> None:
        """Keeps the claim's log to ``log_per_source`` statements per source on the
        claim: the oldest in event time beyond that are folded into ``state.base``
        (the fold from which every later one continues, so nothing kept changes) and
        dropped, and ``state.cut`` moves to the last of them. The state is then
        O(sources), whatever the number of statements."""
        per = self.settings.log_per_source
        log = state.log
        if per <= 0 or len(log) <= per:
            return
        # the sources of the log's statements, without a Python frame per entry
        sources = set(map(_SOURCE_OF, map(_OBS_OF, log)))
        sources.update(state.base)
        limit = per * len(sources)
        if len(log) <= limit:
            return
        order = sorted(log, key=_event_time)  # stable: ties keep arrival order
        gone = order[:len(log) - limit]
        state.base, _ = self._fold(gone, dict(state.base))
        pub, o = gone[-1]
        state.cut = (o.t, pub)
        dropped = {id(entry) for entry in gone}
        state.log = [entry for entry in log if id(entry) not in dropped]

    def _fold(
        self, order: list[tuple[int, Obs]], kept: dict[str, Obs] | None = None
    ) -> tuple[dict[str, Obs], str]:
        """Each source's current statement after ``order`` (statements in event
        time), from ``kept`` (modified) or nothing, by the rules ``_apply``
        follows per event: a repeat keeps the earlier statement, a copy of
        another source's counts once, a newer statement supersedes. Also the
        outcome of the last statement."""
        if kept is None:
            kept = {}
        fate = NEW
        for _, n in order:
            prev = kept.get(n.source)
            if prev is not None and prev.t == n.t and prev.same_statement(n):
                fate = REPEAT
            elif prev is None and self._is_copy(kept, n):
                fate = COPY
            else:
                fate = NEW if prev is None else (REPEAT if prev.same_statement(n) else SUPERSEDED)
                kept[n.source] = n
        return kept, fate

    def _snapshot(
        self, state: ClaimState, observations: dict[str, Obs], version: int, as_of: int
    ) -> Snapshot:
        """The consensus of ``observations`` with today's weights, unpublished
        (an alert's ``consensus_before`` for a statement that arrived late)."""
        s = self.settings
        book = self.reliability
        est, open_high, p, sups = aggregate.consensus(
            observations.values(), book.weigher(), s,
            s.presence_prior_weight * book.default_weight(),
        )
        if p is not None:
            p = round(p, s.weight_digits)
        trigger = max(observations.values(), key=lambda o: o.t)
        return _new_snapshot((version, est, p, sups, state.event_at, trigger.event_id, open_high,
                              as_of))

    def recompute(self, state: ClaimState) -> ConsensusUpdated | None:
        """Re-derive the consensus with the current reliability; mutates ``state``.

        Source weights move as other claims are seen (here or on other workers),
        so a claim's consensus can go stale without a new event on it. The
        shell calls this on a timer; ``Replayer.final`` calls it once the book
        has seen everything. Returns the update to publish, or None when the
        consensus did not change.
        """
        if not self.settle(state):
            return None
        assert state.last is not None
        return self._update_event(state, state.last)

    def settle(self, state: ClaimState) -> bool:
        """:meth:`recompute` without building the update: True when the
        consensus changed (``state.last`` is then the new one)."""
        self.reliability.refresh()
        if not state.observations:
            return False
        mark = (self.reliability.generation, state.event_id, state.version)
        if self._computed.get(state.claim_key) == mark:
            return False  # same statements, same weights: same consensus
        snap = self._consensus(state, state.last)
        if snap is not None:
            state.last = snap
        self._computed[state.claim_key] = (
            self.reliability.generation, state.event_id, state.version
        )
        return snap is not None

    def published(self, state: ClaimState) -> ConsensusUpdated | None:
        """The ConsensusUpdated last published for ``state`` (None before the first)."""
        return self._update_event(state, state.last) if state.last is not None else None

    def resend(
        self, state: ClaimState, event_id: str
    ) -> tuple[ConsensusUpdated | None, list[tuple[str, dict[str, Any]]]]:
        """What a redelivered event must publish again: (update, reliability records).

        The shell writes the claim's state before it sends the update and the
        sources' records; a crash in between leaves the state saying "seen"
        while those never reached Kafka, and the redelivery would be dropped as
        a duplicate. So a redelivery re-sends every record of the claim (the
        same key and value: a no-op for the book where they arrived), and, when
        it is the event that last changed the claim, its update too (older
        events' updates were replaced by the ones that followed).
        """
        update = self.published(state) if state.event_id == event_id else None
        return update, self.records(state)

    def records(self, state: ClaimState) -> list[tuple[str, dict[str, Any]]]:
        """All reliability records of a claim (to re-publish after a topic loss)."""
        return [
            (record_key(o.source, state.claim_key), self._record(state.claim_key, o))
            for o in sorted(state.observations.values(), key=lambda o: o.source)
        ]

    # -- internals -----------------------------------------------------------

    @staticmethod
    def _seen(state: ClaimState, event_id: str, capacity: int) -> bool:
        if event_id in state.seen:
            return True
        # a kept or logged statement's id may have been pushed out of the bounded
        # list (the log is bounded too: EngineSettings.log_per_source)
        return len(state.seen) >= capacity and (
            any(o.event_id == event_id for o in state.observations.values())
            or any(o.event_id == event_id for _, o in state.log)
        )

    def _remember(self, state: ClaimState, event_id: str) -> None:
        state.seen.append(event_id)
        overflow = len(state.seen) - self.settings.seen_capacity
        if overflow > 0:
            del state.seen[:overflow]

    def _to_obs(self, obs: Observed, observed: int) -> Obs:
        s = self.settings
        raw = obs.value
        lo = point = hi = None
        if raw is not None and obs.stance != "denies":
            if raw[3] == "exact" and raw[0] is None and raw[2] is None:
                point = raw[1]  # the common case, as hedge_interval gives it
                lo = hi = _tidy(point)
            else:
                lo, point, hi = hedge_interval(raw[1], raw[0], raw[2], raw[3], s.approx_tolerance)
        # the statement's date; an as_of after publication is an extraction slip,
        # and must not let one statement outweigh every other by "recency"
        seen_at = observed if obs.published_us is None else obs.published_us
        when = seen_at if obs.as_of_us is None else min(obs.as_of_us, seen_at)
        conf = obs.confidence if obs.confidence > s.min_confidence else s.min_confidence
        # positional tuple.__new__: NamedTuple's keyword constructor is slow Python;
        # the evidence fingerprints are derived only if a copy check needs them
        return _new_obs((obs.event_id, obs.source, obs.stance, lo, point, hi, raw, when, conf,
                         obs.text, obs.source_kind == OUTLET))

    def _is_copy(self, observations: dict[str, Obs], new: Obs) -> bool:
        """The same statement, in (nearly) the same words, already counted for
        another name of the same speaker, or for another outlet printing it
        unattributed (:mod:`.names`: the same words from unrelated names are
        two sources writing alike, as every row of a converted table does)."""
        said = new[2:6]  # (stance, lo, point, hi): Obs.same_statement, inlined
        point = new[4]
        mine: tuple[str, tuple[int, ...], int] | None = None
        for o in observations.values():
            if o[4] != point or o[2:6] != said:  # the figure first: no slice for most
                continue
            if not ((o.publisher and new.publisher) or same_speaker(o.source, new.source)):
                continue
            # the fingerprints cost more than the rest of a step: only here, where
            # another source made the very same statement, are they worth taking
            if mine is None:
                mine = self._fingerprints(new)
            fp, sk, _ = self._fingerprints(o)
            # a few words (a bare figure, "Population: 36.") coincide by chance
            if fp == mine[0] and mine[2] >= self.settings.copy_min_words:
                return True
            if sk and mine[1] and jaccard(sk, mine[1], self.settings.sketch_size) >= (
                self.settings.copy_jaccard
            ):
                return True
        return False

    def _fingerprints(self, o: Obs) -> tuple[str, tuple[int, ...], int]:
        """(normalised-text hash, shingle sketch, word count) of a statement's evidence."""
        ev = o.evidence
        if type(ev) is not str:
            return ev  # type: ignore[return-value]  # kept by a state written before
        memo = self._fingerprint_memo
        fps = memo.get(ev)
        if fps is None:
            s = self.settings
            toks = words(ev)
            n = len(toks)
            fps = text_hash(toks), sketch(toks, s.sketch_size) if n >= s.copy_min_words else (), n
            if len(memo) >= 4096:
                memo.clear()  # bounded: statements on one claim are checked together
            memo[ev] = fps
        return fps

    @staticmethod
    def _record(claim_key: str, o: Obs) -> dict[str, Any]:
        q = None
        if o.point is not None:
            q = [o.lo, o.point, None if o.hi is None or o.hi == float("inf") else o.hi]
        return {"s": o.source, "c": claim_key, "st": o.stance, "q": q, "t": o.t, "cf": o.conf}

    def _consensus(self, state: ClaimState, before: Snapshot | None) -> Snapshot | None:
        """The new snapshot, or None when it would say nothing new."""
        s = self.settings
        book = self.reliability
        est, open_high, p, sups = aggregate.consensus(
            state.observations.values(), book.weigher(), s,
            s.presence_prior_weight * book.default_weight(),
        )
        if p is not None:
            p = round(p, s.weight_digits)
        if before is not None and not _material(before, est, open_high, p, sups,
                                                s.presence_epsilon, self._thresholds):
            return None
        version = before.version + 1 if before is not None else 1
        as_of = state.horizon[0] if state.horizon is not None else None
        return _new_snapshot((version, est, p, sups, state.event_at, state.event_id, open_high,
                              as_of))

    def _update_event(self, state: ClaimState, snap: Snapshot) -> ConsensusUpdated:
        # a plain dict validated in pydantic-core is ~3x faster than nested
        # model_construct calls, and it checks the contract on the way out
        return ConsensusUpdated.model_validate(self._update_dict(state, snap))

    @staticmethod
    def _update_dict(state: ClaimState, snap: Snapshot) -> dict[str, Any]:
        """The ConsensusUpdated as plain data, keys in the model's field order."""
        est = snap.estimate
        return {
            "type": "ConsensusUpdated",
            "schema_version": SCHEMA_VERSION,
            "claim_key": state.claim_key,
            "version": snap.version,
            "estimate": {"low": est[0], "best": est[1], "high": est[2]}
            if est is not None else None,
            "presence": {"probability": snap.presence} if snap.presence is not None else None,
            "supporting": [
                {
                    "source": source,
                    "value": {"low": raw[0], "best": raw[1], "high": raw[2], "hedge": raw[3]}
                    if raw is not None else None,
                    "stance": stance,
                    "weight": weight,
                    "event_id": event_id,
                }
                # unpacked: a NamedTuple's attributes are Python-level lookups (hot path)
                for source, raw, stance, weight, event_id in snap.supporters
            ],
            "n_sources": len(snap.supporters),
            "updated_at": from_us(snap.at),
            "trigger_event_id": snap.trigger,
            "subject": state.subject,
            "measure": state.measure,
            "location": state.location,
            "parent_key": state.parent_key,
            "as_of": from_us(snap.as_of) if snap.as_of is not None else None,
        }

    def update_wire(self, state: ClaimState, snap: Snapshot) -> bytes:
        """The update's JSON bytes, equal to ``dumps(update)`` without building the model.

        For ``claimwatch replay``, which writes every update and reads none:
        the pydantic model and its dump cost four times the engine's own work
        for the update. A test keeps the two byte-for-byte equal.
        """
        return orjson.dumps(self._update_dict(state, snap), option=orjson.OPT_UTC_Z)

    def _agrees(self, new: Obs, before: Snapshot) -> bool:
        """``within_tolerance`` of the rules, inlined: the figure meets the consensus
        before it, so there is nothing to alert on (most statements; the check
        ``_contradiction`` starts with, without its calls and attribute lookups)."""
        est = before.estimate
        if new[4] is None or est is None or new[2] == "denies":  # (point, stance)
            return False
        lo1, hi1 = new[3], new[5]
        assert lo1 is not None and hi1 is not None
        a = self.settings.alerts
        lo, best, hi = est
        if before.open_high:
            hi = INF
        tol = a.tolerance * abs(best)
        if tol < a.abs_tolerance:
            tol = a.abs_tolerance
        # interval_gap(lo1, hi1, lo - tol, hi + tol) <= 0.0, as within_tolerance computes it
        lo2, hi2 = lo - tol, hi + tol
        if hi1 < lo2:
            return lo2 - hi1 <= 0.0
        if hi2 < lo1:
            return lo1 - hi2 <= 0.0
        return True

    def _contradiction(
        self, state: ClaimState, obs: Observed, new: Obs, prev: Obs | None,
        before: Snapshot, after: Snapshot, observations: dict[str, Obs],
    ) -> Finding | None:
        """The rules' verdict, with the cooldown applied (and armed) in ``state``."""
        a = self.settings.alerts
        if (
            new.point is not None and new.stance != "denies" and before.estimate is not None
            and within_tolerance(a, new, before.estimate, before.open_high)
        ):
            return None  # agrees with the consensus: the common case, decided cheaply
        now = state.event_at  # this event's observed_at, set by apply
        if cooling_down(state.cooldown.get(new.source), now, a.cooldown_s):
            return None
        cumulative = state.measure in CUMULATIVE_MEASURES or (
            state.measure in COUNT_MEASURES and force_subject(state.subject) is not None)
        others: tuple[tuple[int, float, float, float], ...] = ()
        if cumulative:
            others = tuple(
                (o.t, o.lo, o.point, o.hi) for o in observations.values()  # type: ignore[misc]
                if o.source != new.source and o.point is not None and o.stance != "denies"
            )
        finding = detect(
            a, new=new, prev=prev, before=before, after=after,
            trust=self.reliability.trust(new.source),
            ctx=Context(state.subject, state.measure, state.location, obs.location,
                        cumulative, others),
        )
        if finding is not None:
            state.cooldown[new.source] = now
        return finding

    def alert_wire(
        self, state: ClaimState, rec: Observed, finding: Finding, before: Snapshot
    ) -> bytes:
        """The alert's JSON bytes, equal to ``dumps(alert)`` without building the models.

        The observation is quoted whole, as its model would dump it
        (``Observed.dumped``); the rest is plain data in the model's field order, like
        :meth:`update_wire`. A test keeps the two byte-for-byte equal.
        """
        observation = rec.dumped()
        return orjson.dumps({
            "type": "ContradictionDetected",
            "schema_version": SCHEMA_VERSION,
            "alert_id": alert_id(state.claim_key, rec.event_id, finding.kind),
            "claim_key": state.claim_key,
            "kind": finding.kind,
            "severity": finding.severity,
            "reason": finding.reason,
            "observation": observation,
            "consensus_before": self._update_dict(state, before),
            "detected_at": observation["observed_at"],
        }, option=orjson.OPT_UTC_Z)

    def _alert_event(
        self, state: ClaimState, rec: Observed, finding: Finding, before: Snapshot
    ) -> ContradictionDetected:
        obs = rec.model()
        return ContradictionDetected(
            alert_id=alert_id(state.claim_key, obs.event_id, finding.kind),
            claim_key=state.claim_key,
            kind=finding.kind,
            severity=finding.severity,  # type: ignore[arg-type]
            reason=finding.reason,
            observation=obs,
            consensus_before=self._update_event(state, before),
            detected_at=obs.observed_at,
        )
