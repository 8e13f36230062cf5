"""An in-memory read model of the three output topics, for the query API and dashboard.

Why a separate model instead of querying the consensus Table: the Table is
partitioned (each worker owns a subset of claims) and holds only the latest
consensus, while the API must answer for *every* claim on *any* worker and show
history. So each worker folds ``claims.observed``, ``consensus.updated`` and
``alerts.contradictions`` into this model (from where ``streams.web.feeder`` says:
its own store, :mod:`streams.readmodel.store`, or a tail of the history). It is pure
(no Kafka, no clock): the same events in the same order give the same answers,
which is what makes it unit-testable and lets "as of T" be answered from the
event log alone.

Memory is bounded, and per claim by its sources, not its statements: per claim
only the newest ``per_source`` observations of each source (the engine keeps one
current statement per source; a source's older ones are superseded) and the
newest ``per_source`` consensus versions and alerts per source on the claim are
kept, never more than ``max_history`` versions or ``max_claim_alerts`` alerts; the text
``q`` searches is rebuilt from the observations kept. At most ``max_alerts``
alerts overall; at most ``max_claims`` claims (the least recently touched is
evicted). So a claim stops growing once its sources are known, however many
statements they repeat. The kept observations, versions and alerts are held
as their JSON bytes (with the few fields the fold reads) and decoded only by
the queries that show them: as pydantic models they cost 4-13 kB each.
The trade-off: a claim's history shows each source's newest statements and
the newest versions only, and ``as_of`` a time before
them is recomputed from what is kept (``complete: false``); the log of record
(``claims.observed``) still has every statement, for ``claimwatch replay``.
Answers say when history was truncated.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Protocol, TypeVar

from schemas.codec import decode, dumps
from schemas.events import ClaimObserved, ConsensusUpdated, ContradictionDetected

JSON = dict[str, Any]
M = TypeVar("M", covariant=True)
#: Recomputes a consensus from observations (``streams.readmodel.recompute``).
Recompute = Callable[[Sequence[ClaimObserved]], ConsensusUpdated | None]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(t: datetime | None) -> datetime | None:
    if t is not None and t.tzinfo is None:
        return t.replace(tzinfo=UTC)
    return t


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _iso(t: datetime | None) -> str | None:
    t = _utc(t)
    return t.isoformat().replace("+00:00", "Z") if t is not None else None


def _packed(event: ClaimObserved | ConsensusUpdated | ContradictionDetected) -> bytes:
    """The event's JSON bytes, in a bytes object of their own size.

    Copied: the object ``orjson.dumps`` returns keeps its whole output buffer
    (about 8 kB measured with tracemalloc for a 600-byte observation), more
    than the pydantic model it replaces here (about 5 kB).
    """
    return bytes(memoryview(dumps(event)))


@dataclass(slots=True, frozen=True)
class _StoredObservation:
    """An observation as kept per claim: its JSON bytes, plus what the fold reads.

    Why bytes: as pydantic models (four nested models, three datetimes) each
    kept observation, version and alert cost 4-13 kB, and a claim keeps two
    of each per source: the live worker's RSS grew with every round of
    repeated statements (README, the load bench). The queries that show them
    decode the few they answer with (:meth:`model`).
    """

    event_id: str
    source: str
    #: the evidence sentence, lower-cased, for ``q`` (rebuilt from these on a trim)
    text: str
    raw: bytes

    @classmethod
    def of(cls, event: ClaimObserved) -> _StoredObservation:
        text = event.evidence.text.lower() if event.evidence.text else ""
        return cls(event.event_id, event.source.name, text, _packed(event))

    def model(self) -> ClaimObserved:
        return decode(self.raw, ClaimObserved)


@dataclass(slots=True, frozen=True)
class _StoredVersion:
    """A consensus version as kept per claim: its number and JSON bytes (see
    :class:`_StoredObservation`)."""

    version: int
    raw: bytes

    @classmethod
    def of(cls, event: ConsensusUpdated) -> _StoredVersion:
        return cls(event.version, _packed(event))

    def model(self) -> ConsensusUpdated:
        return decode(self.raw, ConsensusUpdated)


@dataclass(slots=True, frozen=True)
class _StoredAlert:
    """An alert as kept (per claim and among the newest): its id and JSON bytes
    (see :class:`_StoredObservation`)."""

    alert_id: str
    raw: bytes

    @classmethod
    def of(cls, event: ContradictionDetected) -> _StoredAlert:
        return cls(event.alert_id, _packed(event))

    def model(self) -> ContradictionDetected:
        return decode(self.raw, ContradictionDetected)


@dataclass
class _Claim:
    """Everything kept about one claim_key."""

    claim_key: str
    subject: str | None = None
    measure: str | None = None
    location: str | None = None
    parent_key: str | None = None
    observations: deque[_StoredObservation] = field(default_factory=deque)
    versions: deque[_StoredVersion] = field(default_factory=deque)
    alerts: deque[_StoredAlert] = field(default_factory=deque)
    observation_ids: set[str] = field(default_factory=set)
    latest: ConsensusUpdated | None = None
    n_observations: int = 0
    n_alerts: int = 0
    dropped_observations: int = 0
    dropped_versions: int = 0
    sources: set[str] = field(default_factory=set)
    first_seen: datetime = _EPOCH
    last_seen: datetime = _EPOCH
    subject_lc: str = ""
    location_lc: str = ""
    #: Lower-cased text searched by ``q``: key, subject, location, sources, evidence.
    search_text: str = ""


@dataclass(frozen=True)
class Page:
    """One page of a listing, with the total before paging."""

    total: int
    items: list[JSON]


class ReadModel:
    """Claims, their consensus history and alerts, folded from the output topics."""

    def __init__(
        self,
        *,
        max_history: int = 500,
        per_source: int = 2,
        max_claim_alerts: int = 100,
        max_alerts: int = 1000,
        max_claims: int = 100_000,
        recompute: Recompute | None = None,
    ) -> None:
        if min(max_history, per_source, max_claim_alerts, max_alerts, max_claims) < 1:
            raise ValueError("every cap must be at least 1")
        self.max_history = max_history
        self.per_source = per_source
        self.max_claim_alerts = max_claim_alerts
        self.max_alerts = max_alerts
        self.max_claims = max_claims
        self.recompute = recompute
        self._claims: OrderedDict[str, _Claim] = OrderedDict()
        self._alerts: deque[_StoredAlert] = deque()
        self._alert_ids: set[str] = set()
        self.events_seen = 0
        #: True when observations from before this model's start were not read (a start
        #: from local state or from a tail of ``claims.observed``): every claim's history
        #: may then miss older observations, and answers say so.
        self.partial_history = False

    def clear(self) -> None:
        """Forget every claim and alert (a feed that starts over)."""
        self._claims.clear()
        self._alerts.clear()
        self._alert_ids.clear()
        self.events_seen = 0
        self.partial_history = False

    # ---------------------------------------------------------------- feeding

    def _claim(self, key: str) -> _Claim:
        claim = self._claims.get(key)
        if claim is None:
            claim = _Claim(claim_key=key, search_text=key.lower())
            self._claims[key] = claim
            while len(self._claims) > self.max_claims:
                self._claims.popitem(last=False)
        else:
            self._claims.move_to_end(key)
        return claim

    @staticmethod
    def _describe(
        claim: _Claim,
        subject: str | None,
        measure: str | None,
        location: str | None,
        parent_key: str | None,
    ) -> None:
        claim.subject = subject or claim.subject
        claim.measure = measure or claim.measure
        claim.location = location or claim.location
        claim.parent_key = parent_key or claim.parent_key
        claim.subject_lc = (claim.subject or "").lower()
        claim.location_lc = (claim.location or "").lower()
        for word in (subject, location, measure):
            if word and word.lower() not in claim.search_text:
                claim.search_text += "\n" + word.lower()

    @staticmethod
    def _touch(claim: _Claim, t: datetime | None) -> None:
        t = _utc(t)
        if t is None:
            return
        if claim.first_seen == _EPOCH or t < claim.first_seen:
            claim.first_seen = t
        claim.last_seen = max(claim.last_seen, t)

    def observe_claim(self, event: ClaimObserved) -> bool:
        """Fold one observation in; False when it was already seen (redelivery)."""
        self.events_seen += 1
        claim = self._claim(event.claim_key)
        if event.event_id in claim.observation_ids:
            return False
        self._describe(claim, event.subject, event.measure, event.location, event.parent_key)
        stored = _StoredObservation.of(event)
        claim.observations.append(stored)
        claim.observation_ids.add(event.event_id)
        claim.n_observations += 1
        name = event.source.name
        claim.sources.add(name)
        trimmed = self._trim_source(claim, name)
        while len(claim.observations) > self.max_history:
            old = claim.observations.popleft()
            claim.observation_ids.discard(old.event_id)
            claim.dropped_observations += 1
            trimmed = True
        if trimmed:
            claim.search_text = _search_text(claim)
        else:
            if name.lower() not in claim.search_text:
                claim.search_text += "\n" + name.lower()
            text = stored.text
            if text and text not in claim.search_text and len(claim.search_text) < 20_000:
                claim.search_text += "\n" + text
        self._touch(claim, event.observed_at)
        return True

    def _trim_source(self, claim: _Claim, name: str) -> bool:
        """Drops the source's oldest observations beyond ``per_source``; whether any went."""
        mine = [o for o in claim.observations if o.source == name]
        if len(mine) <= self.per_source:
            return False
        gone = {id(o) for o in mine[:len(mine) - self.per_source]}
        claim.observations = deque(o for o in claim.observations if id(o) not in gone)
        for o in mine[:len(mine) - self.per_source]:
            claim.observation_ids.discard(o.event_id)
            claim.dropped_observations += 1
        return True

    def _max_versions(self, claim: _Claim) -> int:
        return min(self.max_history, self.per_source * max(1, len(claim.sources)))

    def observe_consensus(self, event: ConsensusUpdated) -> bool:
        """Fold one consensus version in; False for a version already held."""
        self.events_seen += 1
        claim = self._claim(event.claim_key)
        if any(v.version == event.version for v in claim.versions) or (
            claim.latest is not None and claim.latest.version == event.version
        ):
            return False
        self._describe(claim, event.subject, event.measure, event.location, event.parent_key)
        if claim.latest is None or event.version > claim.latest.version:
            claim.latest = event
        claim.versions.append(_StoredVersion.of(event))
        if len(claim.versions) > 1 and claim.versions[-2].version > event.version:
            # Out of order (e.g. a compacted topic read after a replay): keep sorted.
            ordered = sorted(claim.versions, key=lambda v: v.version)
            claim.versions = deque(ordered)
        if event.supporting:
            claim.sources.update(sup.source for sup in event.supporting)
        while len(claim.versions) > self._max_versions(claim):
            claim.versions.popleft()
            claim.dropped_versions += 1
        self._touch(claim, event.updated_at)
        return True

    def observe_alert(self, event: ContradictionDetected) -> bool:
        """Fold one alert in; False for an alert_id already held."""
        self.events_seen += 1
        if event.alert_id in self._alert_ids:
            return False
        stored = _StoredAlert.of(event)
        self._alerts.append(stored)
        self._alert_ids.add(event.alert_id)
        while len(self._alerts) > self.max_alerts:
            self._alert_ids.discard(self._alerts.popleft().alert_id)
        claim = self._claim(event.claim_key)
        obs = event.observation
        self._describe(claim, obs.subject, obs.measure, obs.location, obs.parent_key)
        claim.alerts.append(stored)
        claim.n_alerts += 1
        while len(claim.alerts) > min(self.max_claim_alerts, self._max_versions(claim)):
            claim.alerts.popleft()
        self._touch(claim, event.detected_at)
        return True

    # --------------------------------------------------- local state (store.py)

    def snapshot(self, claim_key: str) -> JSON | None:
        """What :meth:`restore_claim` needs to bring the claim back after a restart."""
        c = self._claims.get(claim_key)
        if c is None:
            return None
        return {
            "claim_key": c.claim_key,
            "subject": c.subject,
            "measure": c.measure,
            "location": c.location,
            "parent_key": c.parent_key,
            "n_observations": c.n_observations,
            "n_alerts": c.n_alerts,
            "first_seen": _iso(c.first_seen) if c.first_seen != _EPOCH else None,
            "last_seen": _iso(c.last_seen) if c.last_seen != _EPOCH else None,
        }

    def latest(self, claim_key: str) -> ConsensusUpdated | None:
        c = self._claims.get(claim_key)
        return c.latest if c is not None else None

    def restore_claim(self, snapshot: JSON, latest: ConsensusUpdated | None) -> None:
        """Bring back a claim from its :meth:`snapshot` and latest consensus (no history:
        the observations and earlier versions count as dropped, so answers say truncated)."""
        claim = self._claim(str(snapshot["claim_key"]))
        self._describe(
            claim, snapshot.get("subject"), snapshot.get("measure"), snapshot.get("location"),
            snapshot.get("parent_key"),
        )
        claim.n_observations = int(snapshot.get("n_observations") or 0)
        claim.dropped_observations = claim.n_observations
        claim.n_alerts = int(snapshot.get("n_alerts") or 0)
        for name in ("first_seen", "last_seen"):
            if snapshot.get(name):
                self._touch(claim, datetime.fromisoformat(str(snapshot[name]).replace("Z", "+00:00")))
        if latest is not None:
            claim.latest = latest
            claim.versions = deque([_StoredVersion.of(latest)])
            claim.dropped_versions = latest.version - 1
        self.partial_history = True

    def restore_alert(self, event: ContradictionDetected) -> None:
        """Bring back one of the newest alerts (its claim's counts were restored already)."""
        if event.alert_id in self._alert_ids:
            return
        stored = _StoredAlert.of(event)
        self._alerts.append(stored)
        self._alert_ids.add(event.alert_id)
        while len(self._alerts) > self.max_alerts:
            self._alert_ids.discard(self._alerts.popleft().alert_id)
        claim = self._claims.get(event.claim_key)
        if claim is not None:
            claim.alerts.append(stored)
            while len(claim.alerts) > min(self.max_claim_alerts, self._max_versions(claim)):
                claim.alerts.popleft()

    # ---------------------------------------------------------------- queries

    def __len__(self) -> int:
        return len(self._claims)

    def __contains__(self, claim_key: object) -> bool:
        return claim_key in self._claims

    @property
    def alert_count(self) -> int:
        return len(self._alerts)

    def list_claims(
        self,
        *,
        subject: str | None = None,
        location: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Claims matching every given filter, the most recently updated first.

        "Recently" is stream order (the last claim an event touched comes
        first), which the model keeps anyway, so an unfiltered page costs
        O(limit + offset) however many claims there are; a filtered one scans
        every claim once to count them. ``subject`` and ``location`` match
        case-insensitively as substrings of the claim's subject / location;
        ``q`` must match every one of its words somewhere in the key, subject,
        location, measure, source names or the evidence sentences.
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        subj = subject.strip().lower() if subject else None
        loc = location.strip().lower() if location else None
        words = q.lower().split() if q else []
        newest_first = reversed(self._claims.values())
        if subj is None and loc is None and not words:
            page = list(islice(newest_first, offset, offset + limit))
            return Page(total=len(self._claims), items=[_summary(c) for c in page])
        total = 0
        page = []
        end = offset + limit
        for c in newest_first:
            if subj is not None and subj not in c.subject_lc:
                continue
            if loc is not None and loc not in c.location_lc:
                continue
            text = c.search_text
            if words and not all(w in text for w in words):
                continue
            if offset <= total < end:
                page.append(c)
            total += 1
        return Page(total=total, items=[_summary(c) for c in page])

    def claim(self, claim_key: str) -> JSON | None:
        """One claim: what it is, its latest consensus and who supports it (None if unknown)."""
        c = self._claims.get(claim_key)
        if c is None:
            return None
        out = _summary(c)
        out["consensus"] = _consensus(c.latest) if c.latest is not None else None
        out["supporting"] = _supporters(c.latest) if c.latest is not None else []
        out["recent_alerts"] = [_alert(a.model()) for a in list(c.alerts)[-10:]][::-1]
        return out

    def history(self, claim_key: str) -> JSON | None:
        """Observations, consensus versions and alerts of one claim, in event time.

        Observations are ordered by their event time (a report that arrived
        late takes its place in the story), alerts by their observation's;
        consensus versions by version (publication order), each with the
        event time it stands at (``as_of``)."""
        c = self._claims.get(claim_key)
        if c is None:
            return None
        return {
            "claim_key": c.claim_key,
            "subject": c.subject,
            "measure": c.measure,
            "location": c.location,
            "observations": [_observation(o) for o in sorted(_models(c.observations), key=event_time)],
            "consensus": [_consensus(v) for v in _models(c.versions)],
            "alerts": [_alert(a) for a in sorted(_models(c.alerts),
                                                key=lambda a: event_time(a.observation))],
            "truncated": c.dropped_observations > 0 or c.dropped_versions > 0 or self.partial_history,
            "n_observations": c.n_observations,
        }

    def as_of(self, claim_key: str, t: datetime) -> JSON | None:
        """The claim as it stood at ``t`` in event time, rebuilt from the event log.

        Event time, not arrival time: an observation counts from its event time
        (as_of, else published_at, else observed_at: :func:`event_time`), a
        consensus version from the event time it stands at (its ``as_of``, else
        ``updated_at``), an alert from its observation's event time. The
        consensus is the last version standing at or before ``t``
        (``basis: "log"``), unless an observation of event time at or before
        ``t`` arrived after that version's trigger (a late report, which the
        version does not hold). Then, or when the versions before ``t`` are gone
        (trimmed here, or compacted away on ``consensus.updated``), and a
        ``recompute`` function was given, the consensus is recomputed from the
        observations up to ``t`` in event time (``basis: "recomputed"``).
        ``complete`` is false when the answer may miss something: trimmed
        observations, or a consensus not from the log.
        """
        c = self._claims.get(claim_key)
        if c is None:
            return None
        t = _aware(t)
        version: ConsensusUpdated | None = None
        versions = _models(c.versions)
        for v in versions:
            if _stands_at(v) <= t and (version is None or v.version > version.version):
                version = v
        arrived = _models(c.observations)
        seen = sorted((o for o in arrived if event_time(o) <= t), key=event_time)
        alerts = [a for a in _models(c.alerts) if event_time(a.observation) <= t]
        # Versions before the oldest held are missing (trimmed here, or compacted away
        # on consensus.updated before this worker read it).
        missing_versions = c.dropped_versions > 0 or not c.versions or c.versions[0].version > 1
        if version is not None and _misses_a_late_report(versions, arrived, version, t):
            version, missing_versions = None, True
        basis: str | None = "log" if version is not None else None
        if version is None and seen and missing_versions and self.recompute is not None:
            version = self.recompute(seen)
            basis = "recomputed" if version is not None else None
        # Complete: every observation up to t is here, and the consensus is the
        # logged one (or there was nothing to have a consensus about).
        complete = c.dropped_observations == 0 and not self.partial_history and (
            basis == "log" or not seen or not missing_versions
        )
        return {
            "claim_key": c.claim_key,
            "as_of": _iso(t),
            "consensus": _consensus(version) if version is not None else None,
            "basis": basis,
            "supporting": _supporters(version) if version is not None else [],
            "observations": [_observation(o) for o in seen],
            "alerts": [_alert(a) for a in alerts],
            "complete": complete,
        }

    def recent_alerts(self, limit: int = 50) -> list[JSON]:
        """The newest alerts first."""
        if limit < 0:
            raise ValueError("limit must not be negative")
        return [_alert(a.model()) for a in list(self._alerts)[::-1][:limit]]


def _search_text(c: _Claim) -> str:
    """What ``q`` searches: key, subject, location, measure, source names, the kept evidence."""
    parts = [c.claim_key.lower()]
    for word in (c.subject, c.location, c.measure, *sorted(c.sources)):
        if word and word.lower() not in parts:
            parts.append(word.lower())
    for o in c.observations:
        text = o.text
        if text and text not in parts:
            parts.append(text)
    return "\n".join(parts)[:20_000]


# -------------------------------------------------------------- event time


def event_time(o: ClaimObserved) -> datetime:
    """When a statement is about: its as_of (never after publication), else its
    publication time, else when it was read; the engine's statement time."""
    published = _utc(o.published_at)
    as_of = _utc(o.as_of)
    if as_of is not None:
        return min(as_of, published) if published is not None else as_of
    if published is not None:
        return published
    return _aware(o.observed_at)


class _Decodes(Protocol[M]):
    def model(self) -> M: ...


def _models(stored: Iterable[_Decodes[M]]) -> list[M]:
    """The kept events decoded, in their order (for a query's answer)."""
    return [s.model() for s in stored]


def _misses_a_late_report(
    versions: Sequence[ConsensusUpdated], observations: Sequence[ClaimObserved],
    version: ConsensusUpdated, t: datetime,
) -> bool:
    """Whether an observation of event time at or before ``t`` arrived late (after
    a version standing later than it) and after ``version``'s trigger, so that
    ``version`` does not hold it. An observation that only arrived after the
    version, in event-time order, is the usual lag between a report and its
    consensus, as in any live view."""
    standing: dict[str, datetime] = {}
    for v in versions:
        at = _stands_at(v)
        if v.trigger_event_id not in standing or standing[v.trigger_event_id] < at:
            standing[v.trigger_event_id] = at
    newest: datetime | None = None  # the latest moment a version seen so far stands at
    after = False
    for o in observations:
        et = event_time(o)
        if after and et <= t and newest is not None and et < newest:
            return True
        if o.event_id in standing:
            at = standing[o.event_id]
            newest = at if newest is None or at > newest else newest
        if o.event_id == version.trigger_event_id:
            after = True
    return False


def _stands_at(v: ConsensusUpdated) -> datetime:
    """The event time a consensus version stands at (``updated_at`` for versions
    written before ``as_of`` was published)."""
    return _aware(v.as_of if v.as_of is not None else v.updated_at)


# -------------------------------------------------------------- serialisation


def _summary(c: _Claim) -> JSON:
    latest = c.latest
    return {
        "claim_key": c.claim_key,
        "subject": c.subject,
        "measure": c.measure,
        "location": c.location,
        "parent_key": c.parent_key,
        "estimate": latest.estimate.model_dump(mode="json", include={"low", "best", "high"})
        if latest is not None and latest.estimate is not None
        else None,
        "presence": latest.presence.model_dump(mode="json", include={"probability"})
        if latest is not None and latest.presence is not None
        else None,
        "version": latest.version if latest is not None else None,
        "n_sources": latest.n_sources if latest is not None else len(c.sources),
        "n_observations": c.n_observations,
        "n_alerts": c.n_alerts,
        "first_seen": _iso(c.first_seen) if c.first_seen != _EPOCH else None,
        "last_seen": _iso(c.last_seen) if c.last_seen != _EPOCH else None,
    }


def _value(o: ClaimObserved) -> JSON | None:
    if o.value is None:
        return None
    return {"low": o.value.low, "best": o.value.best, "high": o.value.high, "hedge": o.value.hedge}


def _observation(o: ClaimObserved) -> JSON:
    return {
        "event_id": o.event_id,
        "source": o.source.name,
        "source_kind": o.source.kind,
        "outlet": o.outlet,
        "stance": o.stance,
        "value": _value(o),
        "confidence": o.confidence,
        "article_id": o.article_id,
        "url": o.url,
        "published_at": _iso(o.published_at),
        "as_of": _iso(o.as_of),
        "observed_at": _iso(o.observed_at),
        "event_time": _iso(event_time(o)),
        "evidence": o.evidence.text,
    }


def _supporters(v: ConsensusUpdated) -> list[JSON]:
    return [
        {
            "source": s.source,
            "stance": s.stance,
            "weight": s.weight,
            "value": s.value.model_dump(mode="json", include={"low", "best", "high", "hedge"})
            if s.value is not None
            else None,
            "event_id": s.event_id,
        }
        for s in sorted(v.supporting, key=lambda s: (-s.weight, s.source))
    ]


def _consensus(v: ConsensusUpdated) -> JSON:
    return {
        "version": v.version,
        "estimate": v.estimate.model_dump(mode="json", include={"low", "best", "high"})
        if v.estimate is not None
        else None,
        "presence": v.presence.model_dump(mode="json", include={"probability"})
        if v.presence is not None
        else None,
        "n_sources": v.n_sources,
        "updated_at": _iso(v.updated_at),
        "as_of": _iso(_stands_at(v)),
        "trigger_event_id": v.trigger_event_id,
    }


def _alert(a: ContradictionDetected) -> JSON:
    return {
        "alert_id": a.alert_id,
        "claim_key": a.claim_key,
        "kind": a.kind,
        "severity": a.severity,
        "reason": a.reason,
        "detected_at": _iso(a.detected_at),
        "event_time": _iso(event_time(a.observation)),
        "source": a.observation.source.name,
        "value": _value(a.observation),
        "stance": a.observation.stance,
        "observation_event_id": a.observation.event_id,
        "consensus_version": a.consensus_before.version,
    }
