"""When a new statement contradicts a claim's consensus, and how badly.

Called by the consensus engine inside ``apply`` with the consensus before and
after the statement, so the rules see exactly what a reader of
``consensus.updated`` saw. The rules are deliberately quiet: an alert pages
someone, so it needs a real disagreement between different sources.

Never an alert for: the first statement on a claim (no consensus yet), a
source repeating itself, a statement the engine dropped as a duplicate or
copy (the engine does not call the rules then), a consensus built only by the
same source (it is revising itself), or a statement about a place inside the
consensus location (a part is not a contradiction of the whole). Sub-scopes
have their own claim_key, so they never meet their parent's consensus here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from streams.contradiction.places import is_inside
from streams.domain.intervals import fmt_interval, fmt_number, interval_gap
from streams.domain.settings import AlertSettings
from streams.domain.state import Obs, Snapshot, from_us

VALUE_CONFLICT = "value_conflict"
PRESENCE_DENIED = "presence_denied"
PRESENCE_ASSERTED = "presence_asserted"
REVISION = "revision"
#: cumulative measures (a toll only grows): a newer as_of moving the figure the
#: way the measure moves
UPDATE = "update"
#: ...sources disagreeing about the same period beyond tolerance
DISPUTE = "dispute"
#: ...a figure falling where it cannot fall, or a source contradicting itself
RETRACTION = "retraction"
#: every ``kind`` an alert can carry: the one list the schema's documentation
#: and the delivery filters follow
KINDS: tuple[str, ...] = (
    VALUE_CONFLICT, PRESENCE_DENIED, PRESENCE_ASSERTED, REVISION, UPDATE, DISPUTE, RETRACTION,
)

#: measures that only grow as a story unfolds (counts of a force deployed are
#: cumulative too; the engine says so through ``Context.cumulative``)
CUMULATIVE_MEASURES = frozenset((
    "deaths", "killed", "dead", "injured", "wounded", "missing", "displaced", "evacuated", "rescued",
    "arrested", "detained", "cases", "casualties", "deployed",
))


@dataclass(frozen=True, slots=True)
class Finding:
    """What the rules found: the alert's kind, severity and reason sentence."""

    kind: str
    severity: str
    reason: str


class Context(NamedTuple):
    """The claim as the reason sentence names it."""

    subject: str
    measure: str
    claim_location: str | None
    obs_location: str | None
    #: the measure only grows (a toll, a count of a force deployed): figures
    #: at different dates are compared in time (update / dispute / retraction)
    cumulative: bool = False
    #: (statement time, lo, point, hi) of the other sources' figures behind the
    #: consensus before: when each figure was true
    others: tuple[tuple[int, float, float, float], ...] = ()


def detect(
    settings: AlertSettings,
    *,
    new: Obs,
    prev: Obs | None,
    before: Snapshot | None,
    after: Snapshot,
    trust: float,
    ctx: Context,
) -> Finding | None:
    """The contradiction ``new`` makes against ``before``, if any."""
    finding = _detect(settings, new=new, prev=prev, before=before, after=after, trust=trust,
                      ctx=ctx)
    if finding is None:
        return None
    if ctx.obs_location and ctx.claim_location and ctx.obs_location != ctx.claim_location \
            and is_inside(ctx.obs_location, ctx.claim_location):
        return None  # a part of the place, not the place (checked last: it is the dearest)
    return finding


def _detect(
    settings: AlertSettings,
    *,
    new: Obs,
    prev: Obs | None,
    before: Snapshot | None,
    after: Snapshot,
    trust: float,
    ctx: Context,
) -> Finding | None:
    """The rules proper, before the (costlier) place check."""
    if before is None:
        return None  # first statement on the claim
    if prev is not None and prev.same_statement(new):
        return None  # a source repeating itself
    others = [s for s in before.supporters if s.source != new.source]
    if not others:
        return None  # the consensus was this source's own figure
    n_before = len(before.supporters)
    support = min(1.0, len(others) / 3.0)

    if new.stance == "denies":
        p = before.presence
        if p is not None and p >= settings.presence_high:
            distance = (p - 0.5) * 2.0
            reason = (
                f"{new.source} {_verb(new.source, 'denies')} {_what(ctx)}; consensus gave it a "
                f"{p:.0%} probability from {_n_sources(n_before)}"
            )
            return Finding(PRESENCE_DENIED, severity(distance, trust, support), reason)
        return None

    if new.stance == "asserts" and before.presence is not None and new.point is None:
        p = before.presence
        if p <= settings.presence_low:
            distance = (0.5 - p) * 2.0
            reason = (
                f"{new.source} {_verb(new.source, 'asserts')} {_what(ctx)}; consensus gave it only a "
                f"{p:.0%} probability from {_n_sources(n_before)}"
            )
            return Finding(PRESENCE_ASSERTED, severity(distance, trust, support), reason)
        return None

    if new.point is None or before.estimate is None:
        if new.stance == "asserts" and before.presence is not None:
            return _presence_asserted_with_number(settings, new, before, trust, support, ctx)
        return None
    assert new.lo is not None and new.hi is not None
    if within_tolerance(settings, new, before.estimate, before.open_high):
        return None
    lo, best, hi = before.estimate
    if before.open_high:
        hi = math.inf
    rel = interval_gap(new.lo, new.hi, lo, hi) / max(abs(best), 1.0)
    distance = min(1.0, rel / 0.5)
    said = _said(new, prev)
    n_numbers = sum(1 for x in before.supporters if x.raw is not None and x.stance != "denies")
    was = f"{_fmt_estimate(before.estimate)} from {_n_sources(n_numbers)}"
    if ctx.cumulative:
        return _in_time(settings, new, prev, before.estimate, distance, trust, support, said,
                        was, ctx)
    after_est = after.estimate
    if after_est is not None and _revised(settings, before.estimate, after_est, trust, new):
        reason = (
            f"{new.source} {said} {_fmt_obs(new)} {_for(ctx)}; consensus revised from {was} "
            f"to {_fmt_estimate(after_est)}"
        )
        return Finding(REVISION, severity(distance, trust, support), reason)
    reason = f"{new.source} {said} {_fmt_obs(new)} {_for(ctx)}; consensus was {was}"
    return Finding(VALUE_CONFLICT, severity(distance, trust, support), reason)


def within_tolerance(
    settings: AlertSettings, new: Obs, estimate: tuple[float, float, float], open_high: bool
) -> bool:
    """The new figure's interval meets the consensus interval widened by the
    tolerance: agreement, whatever else is true. Also the engine's cheap
    pre-check, since most statements agree."""
    assert new.lo is not None and new.hi is not None
    lo, best, hi = estimate
    if open_high:
        hi = math.inf
    tol = max(settings.tolerance * abs(best), settings.abs_tolerance)
    return interval_gap(new.lo, new.hi, lo - tol, hi + tol) <= 0.0


def _presence_asserted_with_number(
    settings: AlertSettings, new: Obs, before: Snapshot, trust: float, support: float,
    ctx: Context,
) -> Finding | None:
    p = before.presence
    if p is None or p > settings.presence_low:
        return None
    reason = (
        f"{new.source} {_verb(new.source, 'says')} {_fmt_obs(new)} {_for(ctx)}; consensus gave it only a "
        f"{p:.0%} probability from {_n_sources(len(before.supporters))}"
    )
    return Finding(PRESENCE_ASSERTED, severity((0.5 - p) * 2.0, trust, support), reason)


def _revised(
    settings: AlertSettings, before: tuple[float, float, float], after: tuple[float, float, float],
    trust: float, new: Obs,
) -> bool:
    """The consensus itself moved, clearly, to what a credible new source says.

    Moving somewhere else (the new figure only tipped a median towards a third
    one) is a conflict, not this source's revision.
    """
    assert new.lo is not None and new.hi is not None
    if trust < settings.revision_min_trust:
        return False
    moved = abs(after[1] - before[1]) > settings.revision_threshold * max(abs(before[1]), 1.0)
    tol = max(settings.tolerance * abs(after[1]), settings.abs_tolerance)
    towards_new = interval_gap(new.lo, new.hi, after[0] - tol, after[2] + tol) <= 0.0
    return moved and towards_new and interval_gap(after[0], after[2], before[0], before[2]) > 0.0


def severity(distance: float, trust: float, support: float) -> str:
    """low / medium / high from how far apart (0..1), how reliable the new source
    is (0..1, a coin-flip source at 0.5 adds nothing) and how well supported the
    consensus was (0..1).

    Only a far-off figure from a source with a good record against a
    well-supported consensus is "high"; a wild figure from an unknown source is
    "medium", a slight one "low".
    """
    d = min(1.0, max(0.0, distance))
    t = min(1.0, max(0.0, (trust - 0.5) / 0.5))
    s = min(1.0, max(0.0, support))
    score = 0.4 * d + 0.4 * t + 0.2 * s
    if score >= 0.75:
        return "high"
    if score >= 0.45:
        return "medium"
    return "low"


def _what(ctx: Context) -> str:
    """The claim as the object of "denies" / "asserts"."""
    where = f" in {ctx.claim_location}" if ctx.claim_location else ""
    if ctx.measure == "presence":
        verb = "are" if ctx.subject.endswith("s") else "is"
        return f"that {ctx.subject} {verb} present{where}"
    return f"the claim about {ctx.subject} ({ctx.measure}{where})"


def _for(ctx: Context) -> str:
    where = f" in {ctx.claim_location}" if ctx.claim_location else ""
    return f"for {ctx.subject} ({ctx.measure}){where}"


def _said(new: Obs, prev: Obs | None) -> str:
    says = _verb(new.source, "says")
    return f"now {says}" if prev is not None else says


#: a source named by a plural common noun ("organisers", "local officials")
#: takes a plural verb; proper names ("Reuters", "Doctors Without Borders")
#: and singular heads ("the North Korean representative to the UN") do not
_PLURAL_HEADS = frozenset(("police", "people", "militia", "staff", "media", "military"))
_SINGULAR_S = ("ss", "us", "is", "ics", "news")
_HEAD_END = frozenset(("of", "to", "for", "at", "in", "from", "on", "with", "and"))


def is_plural(source: str) -> bool:
    """Whether a source's name is a plural noun phrase (it takes "say", not "says")."""
    words = source.replace(",", " ").split()
    head = ""
    for w in words:
        if w.lower() in _HEAD_END:
            break
        head = w
    if not head:
        return False
    h = head.lower().strip("'’.")
    if h in _PLURAL_HEADS or h in _COMMON_PLURALS:
        return True
    if not head[0].islower():
        return False  # a proper name ("Reuters"), an acronym ("U.S.", "NIS")
    return h.endswith("s") and not h.endswith(_SINGULAR_S)


#: plural nouns that name sources, recognised even capitalised ("Organisers said")
_COMMON_PLURALS = frozenset((
    "officials", "sources", "organisers", "organizers", "authorities", "residents",
    "witnesses", "activists", "analysts", "researchers", "doctors", "medics", "rescuers",
    "investigators", "diplomats", "officers", "lawmakers", "protesters", "villagers",
    "survivors", "relatives", "experts", "observers", "monitors", "militants", "rebels",
    "troops", "forces", "agencies", "ministries", "governments", "leaders", "prosecutors",
    "firefighters", "paramedics", "locals", "workers", "students", "families", "reporters",
))

_PLURAL_VERBS = {"says": "say", "denies": "deny", "asserts": "assert"}


def _verb(source: str, verb: str) -> str:
    """``verb`` (third person singular) agreeing with ``source``."""
    return _PLURAL_VERBS.get(verb, verb) if is_plural(source) else verb


def _date(t: int) -> str:
    """A statement time as a reason sentence gives it: 2025-03-05 (14:00 UTC)."""
    when = from_us(t)
    if when.hour or when.minute:
        return when.strftime("%Y-%m-%d %H:%M UTC")
    return when.strftime("%Y-%m-%d")


def _in_time(
    settings: AlertSettings, new: Obs, prev: Obs | None, est: tuple[float, float, float],
    distance: float, trust: float, support: float, said: str, was: str,
    ctx: Context,
) -> Finding:
    """A figure of a cumulative measure outside the consensus, read in time.

    * the source's own earlier figure was higher (or it gave another figure
      for the same period): it contradicts itself, ``retraction``;
    * the consensus' figure was true at about the same time (within
      ``same_period_s``): ``dispute``;
    * the figures' order in time is the order of their values (a later, higher
      toll; an earlier, lower one arriving late): ``update``;
    * otherwise a figure fell where it cannot fall: ``retraction``.
    """
    assert new.lo is not None and new.hi is not None
    best = est[1]
    above = new.lo > best  # outside the tolerance already: above or below the consensus
    # when the consensus figure was true: the statement nearest its best, latest on ties
    ref_t = max(ctx.others, key=lambda o: (-abs(o[2] - best), o[0]))[0] if ctx.others else new.t
    severity_ = severity(distance, trust, support)
    said_at = f"{said} {_fmt_obs(new)} {_for(ctx)} as of {_date(new.t)}"
    period = settings.same_period_s * 1_000_000
    if prev is not None and prev.point is not None and prev.stance != "denies" \
            and prev.lo is not None and prev.hi is not None:
        tol = max(settings.tolerance * abs(prev.point), settings.abs_tolerance)
        fell = new.t > prev.t and new.hi < prev.lo - tol
        other_figure = abs(new.t - prev.t) <= period and interval_gap(
            new.lo, new.hi, prev.lo - tol, prev.hi + tol) > 0.0
        if fell or other_figure:
            own = f"its own {_fmt_obs(prev)} as of {_date(prev.t)}"
            what = "lower than" if fell else "for the same period as"
            reason = (f"{new.source} {said_at}, {what} {own}; consensus was {was} as of "
                      f"{_date(ref_t)}: a retraction")
            return Finding(RETRACTION, severity_, reason)
    dt = new.t - ref_t
    if abs(dt) <= period:
        reason = (f"{new.source} {said_at}; consensus was {was} for the same period "
                  f"({_date(ref_t)}): a dispute")
        return Finding(DISPUTE, severity_, reason)
    if (dt > 0) == above:
        direction = "up from" if above else "below"
        reason = (f"{new.source} {said_at}, {direction} the consensus {was} as of "
                  f"{_date(ref_t)}: an update (this figure only grows)"
                  + ("" if dt > 0 else " (reported late)"))
        return Finding(UPDATE, severity_, reason)
    direction = "below" if not above else "above"
    reason = (f"{new.source} {said_at}, {direction} the consensus {was} as of {_date(ref_t)}, "
              "but this figure cannot fall: a retraction")
    return Finding(RETRACTION, severity_, reason)


def _fmt_obs(o: Obs) -> str:
    assert o.lo is not None and o.point is not None and o.hi is not None
    hedge = o.raw[3] if o.raw is not None else None
    return fmt_interval(o.lo, o.point, o.hi, hedge)


def _fmt_estimate(e: tuple[float, float, float]) -> str:
    lo, best, hi = e
    if lo == hi == best or math.isclose(lo, hi):
        return fmt_number(best)
    return f"{fmt_number(best)} ({fmt_number(lo)}-{fmt_number(hi)})"


def _n_sources(n: int) -> str:
    return f"{n} source" if n == 1 else f"{n} sources"
