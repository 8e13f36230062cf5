"""Presence from every kind of evidence: a force counted at a place is there.

"About 8,000 North Korean troops are in the Kursk region" asserts, besides a
figure, that North Korean troops are present in the Kursk region, and so in
Russia. Extraction gives such a sentence one ``count`` claim; this module
derives from it a presence assertion by the same source, at the same date
and with the same evidence, on the presence claim of the place and of every
place the gazetteer knows to contain it (:func:`streams.geo.containing_places`).
A denial of presence is then weighed against every source that quantified
the force, not only against those that used the word "present", and the
reliability book (which learns from presence claims like any other) sees a
denier contradicting many independent quantifying sources.

Only a strictly positive figure of a *force* (troops, soldiers, vessels, …:
the last word of the subject) counts, and not a figure bounded from above
alone ("up to 700" allows none). The derived statement is an ordinary
ClaimObserved with a deterministic ``event_id`` (the original's, plus the
presence key), so a replay and a redelivery derive the same event, and the
engine's duplicate check drops it when it is seen twice.
"""

from __future__ import annotations

from typing import Any

from schemas.events import ClaimObserved
from streams.consensus.observed import Observed, from_model
from streams.geo import containing_places

#: measures that count the members of a force at a place
COUNT_MEASURES = frozenset(("count", "deployed", "deployment", "arrived", "stationed", "present"))
#: the last word of a subject that names a force (a presence claim's subject)
FORCE_NOUNS = frozenset((
    "troops", "soldiers", "forces", "servicemen", "personnel", "fighters", "militants",
    "mercenaries", "marines", "sailors", "paratroopers", "commandos", "advisers", "advisors",
    "instructors", "officers", "guards", "gunmen", "rebels", "insurgents", "militiamen",
    "militia", "peacekeepers", "vessels", "warships", "ships", "submarines", "aircraft",
    "jets", "tanks", "units", "battalions", "brigades", "contingent", "contingents",
    "operatives", "agents", "recruits", "conscripts", "reservists",
))
#: hedges that bound a figure from above only: they do not say any is there
_UPPER_ONLY = frozenset(("at_most", "up_to", "fewer_than", "less_than", "under"))
PRESENCE = "presence"

_force_memo: dict[str, str | None] = {}


def force_subject(subject: str) -> str | None:
    """The force a subject names, without a sub-scope ("North Korean troops
    (arrived)" → "North Korean troops"), or None when it names no force."""
    found = _force_memo.get(subject, "")
    if found != "":
        return found
    base = subject.split(" (", 1)[0].strip()
    words = base.lower().split()
    out = base if words and words[-1] in FORCE_NOUNS else None
    if len(_force_memo) >= 8192:
        _force_memo.clear()
    _force_memo[subject] = out
    return out


def presence_evidence(obs: ClaimObserved | Observed) -> tuple[Observed, ...]:
    """The presence assertions a statement implies (none for most statements)."""
    if obs.measure not in COUNT_MEASURES or obs.stance != "asserts" or not obs.location:
        return ()
    force = force_subject(obs.subject)
    if force is None:
        return ()
    if type(obs) is not Observed:
        obs = from_model(obs)  # type: ignore[arg-type]
    value = obs.value
    if value is None or value[1] <= 0 or value[3] in _UPPER_ONLY:
        return ()
    head, _, rest = obs.claim_key.partition(":")
    at = rest.partition("@")[2]
    if not at:
        return ()
    base = head.split("/", 1)[0]
    location = obs.location
    assert location is not None
    places = [(location, at)]
    places += [(name, slug) for name, slug in containing_places(location) if slug != at]
    quoted: dict[str, Any] | None = None
    out = []
    for name, slug in places:
        key = f"{base}:{PRESENCE}@{slug}"
        event_id = f"{obs.event_id}>{key}"
        if quoted is None:
            quoted = obs.dumped()
        origin = {**quoted, "event_id": event_id, "claim_key": key, "subject": force,
                  "measure": PRESENCE, "location": name, "value": None, "stance": "asserts",
                  "parent_key": None}
        out.append(Observed(
            event_id, key, force, PRESENCE, name, None, obs.source, obs.source_kind, "asserts",
            None, obs.observed_us, obs.published_us, obs.as_of_us, obs.text, obs.confidence,
            origin,
        ))
    return tuple(out)


def as_event(derived: Observed) -> ClaimObserved:
    """The derived statement as the ClaimObserved the stream publishes."""
    return derived.model()
