"""What the engine keeps per claim, and its JSON form for the changelog Table.

A :class:`ClaimState` is everything needed to continue a claim's consensus:
each source's current statement (so a consensus can be recomputed when source
reliability moves), the recently seen event_ids (so a redelivery changes
nothing), the newest statements in a bounded log (so a late one can be folded
in where it belongs in event time) and each source's statement before them,
the last published consensus (so an alert can quote it) and the per-source
alert cooldowns. All of it is O(the claim's sources), not O(its statements)
(``EngineSettings.log_per_source``, ``seen_capacity``). Times are integer microseconds since the epoch:
integers survive a JSON round trip exactly, which keeps an interrupted and
resumed replay bit-for-bit equal to an uninterrupted one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


def to_us(dt: datetime) -> int:
    """A datetime as integer microseconds since the epoch (naive means UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (dt - _EPOCH) // _ONE_US  # exact integer arithmetic inside timedelta


def from_us(us: int) -> datetime:
    """The inverse of :func:`to_us`, in UTC.

    ``_ONE_US * us`` is the same timedelta as ``timedelta(0, 0, us)`` without
    the constructor's argument normalisation (a third cheaper; every update a
    replay writes converts two times)."""
    return _EPOCH + _ONE_US * us


def _f(x: float | None) -> float | None:
    """JSON has no infinity: an open upper bound is stored as ``None``."""
    return None if x is None or math.isinf(x) else x


def _inf(x: float | None) -> float:
    return math.inf if x is None else x


class Obs(NamedTuple):
    """One source's current statement on a claim, as the engine uses it.

    ``lo/point/hi`` is the hedge-aware interval (``hi`` may be ``inf``); all
    three are ``None`` when the statement carries no number or is a denial
    (denials never enter numeric estimates). ``raw`` is the value as stated,
    for the ``supporting`` list. ``t`` is the statement time (as_of, else
    published_at, else observed_at). ``evidence`` is the evidence text, from
    which the copy check derives its fingerprints only when it needs them
    (another source already made the same statement on the claim: rare), or,
    in a state written before that, the fingerprints themselves
    ``(text hash, sketch, word count)``. ``publisher``: the source is the
    outlet that printed an unattributed figure (source kind ``outlet``), so
    another outlet's copy of the same words is the same article (see
    :mod:`streams.consensus.names`).
    """

    event_id: str
    source: str
    stance: str
    lo: float | None
    point: float | None
    hi: float | None
    raw: tuple[float | None, float, float | None, str] | None
    t: int
    conf: float
    evidence: str | tuple[str, tuple[int, ...], int]
    publisher: bool

    def same_statement(self, other: Obs) -> bool:
        """Same stance and same interval: a repetition, whatever the wording."""
        return self[2:6] == other[2:6]  # (stance, lo, point, hi), compared in C

    def to_list(self) -> list[Any]:
        return [
            self.event_id, self.source, self.stance, self.lo, self.point, _f(self.hi),
            list(self.raw) if self.raw is not None else None,
            self.t, self.conf,
            *((self.evidence,) if type(self.evidence) is str
              else (self.evidence[0], list(self.evidence[1]), self.evidence[2])),
            *((True,) if self.publisher else ()),  # written only when set: older states read as is
        ]

    @classmethod
    def from_list(cls, v: list[Any]) -> Obs:
        """Reads ``[..., conf, text]``, with ``True`` appended for a publisher,
        and, from states written before the fingerprints became lazy,
        ``[..., conf, fp, sketch, nwords]`` (with the same optional flag)."""
        point = v[4]
        raw = v[6]
        n = len(v)
        publisher = bool(v[-1]) if n in (11, 13) else False
        return cls(
            event_id=v[0], source=v[1], stance=v[2], lo=v[3], point=point,
            hi=_inf(v[5]) if point is not None else None,
            raw=(raw[0], raw[1], raw[2], raw[3]) if raw is not None else None,
            t=v[7], conf=v[8],
            evidence=v[9] if n in (10, 11) else (v[9], tuple(v[10]), v[11]),
            publisher=publisher,
        )


class Sup(NamedTuple):
    """One supporter in a published consensus (mirrors ``schemas.Supporter``)."""

    source: str
    raw: tuple[float | None, float, float | None, str] | None
    stance: str
    weight: float
    event_id: str


class Snapshot(NamedTuple):
    """A published consensus, compactly: enough to rebuild its ConsensusUpdated."""

    version: int
    estimate: tuple[float, float, float] | None
    presence: float | None
    supporters: tuple[Sup, ...]
    at: int
    trigger: str
    #: the weighted majority of the core gave only lower bounds ("at least 214"):
    #: the published high is the largest figure it gave; the rules treat it as open
    open_high: bool = False
    #: the event time the consensus stands at: the latest statement time (as_of,
    #: else published_at) among the statements folded into it; None in states
    #: written before it was kept
    as_of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": self.version,
            "est": list(self.estimate) if self.estimate is not None else None,
            "p": self.presence,
            "sup": [
                [s.source, list(s.raw) if s.raw is not None else None, s.stance, s.weight,
                 s.event_id]
                for s in self.supporters
            ],
            "at": self.at,
            "trig": self.trigger,
            "oh": self.open_high,
            "ao": self.as_of,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Snapshot:
        est = d["est"]
        return cls(
            version=d["v"],
            estimate=(est[0], est[1], est[2]) if est is not None else None,
            presence=d["p"],
            supporters=tuple(
                Sup(s[0], (s[1][0], s[1][1], s[1][2], s[1][3]) if s[1] is not None else None,
                    s[2], s[3], s[4])
                for s in d["sup"]
            ),
            at=d["at"],
            trigger=d["trig"],
            open_high=bool(d.get("oh", False)),
            as_of=d.get("ao"),
        )


@dataclass(slots=True)
class ClaimState:
    """Everything the engine keeps about one claim_key (see module docstring)."""

    claim_key: str
    subject: str
    measure: str
    location: str | None
    parent_key: str | None
    observations: dict[str, Obs] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    last: Snapshot | None = None
    cooldown: dict[str, int] = field(default_factory=dict)
    event_at: int = 0
    event_id: str = ""
    #: the newest statements past the duplicate check, in arrival order, each with
    #: its publication time: ``(published_us, Obs)``. A statement arriving late (its
    #: event time before one already folded) is folded in where it belongs by
    #: replaying this in event time (``ConsensusEngine``). Bounded: beyond
    #: ``EngineSettings.log_per_source`` statements per source on the claim, the
    #: oldest in event time are folded into ``base`` and dropped
    log: list[tuple[int, Obs]] = field(default_factory=list)
    #: the largest event-time key ``(t, published_us)`` in ``log`` (None: empty)
    horizon: tuple[int, int] | None = None
    #: each source's statement after the statements dropped from ``log`` (their
    #: fold in event time): at most one per source
    base: dict[str, Obs] = field(default_factory=dict)
    #: the event-time key of the last statement folded into ``base`` (None: none
    #: was); a statement before it is too late to be placed exactly
    cut: tuple[int, int] | None = None

    @property
    def version(self) -> int:
        return self.last.version if self.last is not None else 0

    def copy(self) -> ClaimState:
        """A copy whose containers can be changed without touching ``self``."""
        return ClaimState(
            self.claim_key, self.subject, self.measure, self.location, self.parent_key,
            dict(self.observations), list(self.seen), self.last, dict(self.cooldown),
            self.event_at, self.event_id, list(self.log), self.horizon, dict(self.base),
            self.cut,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (what the changelog Table stores)."""
        return {
            "claim_key": self.claim_key,
            "subject": self.subject,
            "measure": self.measure,
            "location": self.location,
            "parent_key": self.parent_key,
            "obs": [o.to_list() for o in self.observations.values()],
            "seen": list(self.seen),
            "last": self.last.to_dict() if self.last is not None else None,
            "cooldown": dict(self.cooldown),
            "event_at": self.event_at,
            "event_id": self.event_id,
            "log": [[pub, *o.to_list()] for pub, o in self.log],
            **({"base": [o.to_list() for o in self.base.values()], "cut": list(self.cut)}
               if self.cut is not None else {}),  # written once the log was compacted
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClaimState:
        obs = [Obs.from_list(v) for v in d["obs"]]
        # states written before the log was kept: the kept statements are its history
        log = ([(v[0], Obs.from_list(v[1:])) for v in d["log"]] if "log" in d
               else [(o.t, o) for o in obs])
        return cls(
            claim_key=d["claim_key"],
            subject=d["subject"],
            measure=d["measure"],
            location=d["location"],
            parent_key=d["parent_key"],
            observations={o.source: o for o in obs},
            seen=list(d["seen"]),
            last=Snapshot.from_dict(d["last"]) if d["last"] is not None else None,
            cooldown=dict(d["cooldown"]),
            event_at=d["event_at"],
            event_id=d["event_id"],
            log=log,
            horizon=max(((o.t, pub) for pub, o in log), default=None),
            base={o.source: o for o in (Obs.from_list(v) for v in d.get("base", ()))},
            cut=(d["cut"][0], d["cut"][1]) if d.get("cut") is not None else None,
        )
