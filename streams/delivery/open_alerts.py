"""The alerts still firing on Alertmanager endpoints, per claim, and which a consensus settles.

Pure: no Kafka, no clock (times are passed in, Unix seconds). The Faust shell
(``streams.agents.alerts``) keeps one JSON value per claim key in the changelog-backed
Table ``open_alerts`` and calls:

* :func:`track` with each alert from ``alerts.contradictions`` that went to at least
  one ``alertmanager`` endpoint (:func:`targets`): the alert, the time it was written
  to Kafka (the ``startsAt`` of its firing notification), those endpoints and when it
  expires there (``startsAt`` + the longest ``resolve_after_seconds``). A redelivered
  alert is already there and changes nothing.
* :func:`settle` with each ``ConsensusUpdated`` of the claim: the open alerts that
  :func:`streams.contradiction.resolution.settled` says the update settles, each as a
  :class:`Resolution` (``resolved_at`` = the update's record time, never before the
  alert fired); then :func:`without` drops them (and the expired ones) from the value.
  A redelivered update finds them gone and resolves nothing twice.

Bounded: at most ``per_claim`` open alerts per claim (the newest; an older one dropped
for a newer ends at its expiry, as before resolutions existed), an alert past its
expiry is dropped at the claim's next update, and a claim with none left is deleted.
:class:`RecentUpdates` (in memory, bounded) holds the last update of recently updated
claims, so an alert read after the update that settles it (the two topics are read
independently) is still resolved.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from schemas import ConsensusUpdated, ContradictionDetected
from streams.contradiction.resolution import settled
from streams.delivery.endpoints import Endpoint
from streams.domain.settings import EngineSettings

#: Open alerts kept per claim (the newest).
PER_CLAIM = 4
#: Claims whose last update :class:`RecentUpdates` keeps.
RECENT_CLAIMS = 4096

Stored = dict[str, Any]


@dataclass(frozen=True)
class OpenAlert:
    """One alert firing on Alertmanager endpoints."""

    alert: ContradictionDetected
    #: when the alert was written to Kafka (Unix seconds): its ``startsAt``
    fired_at: float
    #: when it ends by itself on those endpoints (its latest ``endsAt``)
    expires_at: float
    #: the alertmanager endpoints it went to
    endpoints: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert": self.alert.model_dump(mode="json"),
            "fired_at": self.fired_at,
            "expires_at": self.expires_at,
            "endpoints": list(self.endpoints),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> OpenAlert:
        return cls(
            alert=ContradictionDetected.model_validate(d["alert"]),
            fired_at=float(d["fired_at"]),
            expires_at=float(d["expires_at"]),
            endpoints=tuple(d["endpoints"]),
        )


@dataclass(frozen=True)
class Resolution:
    """An open alert a later consensus settled: send its ``resolved`` notification."""

    alert: ContradictionDetected
    fired_at: float
    resolved_at: datetime
    endpoints: tuple[str, ...]
    #: why (``settled``'s sentence), for logs
    reason: str


def targets(alert: ContradictionDetected, endpoints: Iterable[Endpoint]) -> tuple[tuple[str, ...], float]:
    """The ``alertmanager`` endpoints ``alert`` goes to, and the longest time it fires there
    unless resolved (``resolve_after_seconds``); ``((), 0.0)`` when it goes to none."""
    chosen = [ep for ep in endpoints if ep.format == "alertmanager" and ep.wants(alert.kind)]
    return tuple(ep.name for ep in chosen), max((ep.resolve_after_seconds for ep in chosen), default=0.0)


def alerts_of(stored: Stored | None) -> list[OpenAlert]:
    """The open alerts in a Table value (oldest first)."""
    return [OpenAlert.from_dict(d) for d in (stored or {}).get("alerts", ())]


def _stored(alerts: Sequence[OpenAlert]) -> Stored | None:
    return {"alerts": [a.to_dict() for a in alerts]} if alerts else None


def _ids(stored: Stored | None) -> list[str]:
    return [d["alert"]["alert_id"] for d in (stored or {}).get("alerts", ())]


def track(
    stored: Stored | None,
    alert: ContradictionDetected,
    *,
    fired_at: float,
    endpoints: Sequence[str],
    resolve_after: float,
    per_claim: int = PER_CLAIM,
) -> Stored | None:
    """``stored`` with ``alert`` open on ``endpoints``; unchanged (the same object) when the
    alert is already there (a redelivery) or goes to no endpoint. Keeps the newest
    ``per_claim`` alerts."""
    if not endpoints or alert.alert_id in _ids(stored):
        return stored
    new = OpenAlert(alert, fired_at, fired_at + resolve_after, tuple(endpoints))
    kept = sorted([*alerts_of(stored), new], key=lambda a: a.fired_at)[-per_claim:]
    return _stored(kept)


def settle(
    stored: Stored | None, update: ConsensusUpdated, at: float, settings: EngineSettings | None = None
) -> list[Resolution]:
    """The open alerts of ``stored`` that ``update`` (written to Kafka at ``at``) settles,
    oldest first. Expired alerts are left alone: they already ended."""
    out = []
    for item in alerts_of(stored):
        if item.expires_at <= at or item.alert.claim_key != update.claim_key:
            continue
        why = settled(item.alert, update, settings)
        if why is None:
            continue
        when = datetime.fromtimestamp(max(at, item.fired_at), tz=UTC)
        out.append(Resolution(item.alert, item.fired_at, when, item.endpoints, why))
    return out


def without(stored: Stored | None, alert_ids: Iterable[str], now: float) -> Stored | None:
    """``stored`` without the given alerts and those expired by ``now``; the same object when
    nothing goes, None when nothing is left."""
    gone = set(alert_ids)
    items = alerts_of(stored)
    kept = [a for a in items if a.alert.alert_id not in gone and a.expires_at > now]
    if len(kept) == len(items):
        return stored
    return _stored(kept)


class RecentUpdates:
    """The last ``consensus.updated`` record (its raw bytes, decoded only when an alert of
    the claim asks for it) and its record time, for the ``capacity`` claims updated most
    recently. In memory only: after a restart it fills again from the records read."""

    def __init__(self, capacity: int = RECENT_CLAIMS) -> None:
        self.capacity = capacity
        self._last: OrderedDict[str, tuple[bytes, float]] = OrderedDict()

    def remember(self, claim_key: str, raw: bytes, at: float) -> None:
        self._last[claim_key] = (raw, at)
        self._last.move_to_end(claim_key)
        while len(self._last) > self.capacity:
            self._last.popitem(last=False)

    def get(self, claim_key: str) -> tuple[bytes, float] | None:
        return self._last.get(claim_key)

    def __len__(self) -> int:
        return len(self._last)
