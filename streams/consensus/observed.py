"""A ClaimObserved as the engine reads it: a light record, parsed fast from JSON.

Validating a ``ClaimObserved`` with pydantic (four nested models, three
datetimes) costs more than the whole consensus step, and the engine reads
a dozen of its fields. So the replay reads each JSON line into an
:class:`Observed` directly when the line is in the plain shape that
``claimwatch extract`` and every producer here write (declared fields with
their JSON types, ISO 8601 timestamps with a zone), checking on the way
everything pydantic would check. Anything else — an integer where a string
belongs, a timestamp in another format, a missing ``observed_at`` — goes
through the pydantic model, which either accepts it (and the record is built
from the model) or rejects it with its usual error. Either way the engine
sees the same values, so the outputs are the same bytes.

The model itself is built only when an alert quotes the observation.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from pydantic import TypeAdapter

from schemas.events import ClaimObserved
from streams.domain.state import to_us

#: what the fast path accepts as a timestamp; anything else goes to pydantic
_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)\Z")
_STANCES = frozenset(("asserts", "denies", "neutral"))
_NUM = (int, float)


class Observed(NamedTuple):
    """The fields of a ClaimObserved the engine uses (times in epoch microseconds)."""

    event_id: str
    claim_key: str
    subject: str
    measure: str
    location: str | None
    parent_key: str | None
    source: str
    #: the source's kind (``"outlet"``: the publisher stands in for an
    #: unattributed figure; see :mod:`.names`), or None
    source_kind: str | None
    stance: str
    #: (low, best, high, hedge) as validated (floats), or None
    value: tuple[float | None, float, float | None, str] | None
    observed_us: int
    published_us: int | None
    as_of_us: int | None
    text: str
    confidence: float
    #: the validated model, or the JSON object it validates from (alerts quote it)
    origin: Any

    def model(self) -> ClaimObserved:
        """The ClaimObserved this record was read from."""
        if isinstance(self.origin, ClaimObserved):
            return self.origin
        return ClaimObserved.model_validate(self.origin)

    def dumped(self) -> dict[str, Any]:
        """``self.model().model_dump(mode="json")``, what an alert quotes.

        A plain line with no extra fields is already that dump but for the
        spelling of its numbers and timestamps, so it is rewritten in the
        model's field order without building the model (validating and
        dumping it cost an alert more than the rest of its step).
        """
        origin = self.origin
        if type(origin) is dict:
            dumped = _as_dumped(origin)
            if dumped is not None:
                return dumped
        return self.model().model_dump(mode="json")


def from_model(obs: ClaimObserved) -> Observed:
    """The record of an already validated model."""
    v = obs.value
    return Observed(
        obs.event_id, obs.claim_key, obs.subject, obs.measure, obs.location, obs.parent_key,
        obs.source.name, obs.source.kind, obs.stance,
        (v.low, v.best, v.high, v.hedge) if v is not None else None,
        to_us(obs.observed_at),
        to_us(obs.published_at) if obs.published_at is not None else None,
        to_us(obs.as_of) if obs.as_of is not None else None,
        obs.evidence.text, obs.confidence, obs,
    )


def from_json(data: bytes | str) -> Observed:
    """One JSON line → its record; raises ``ValueError`` (pydantic's
    ``ValidationError`` is one) exactly when ``decode(data, ClaimObserved)`` would."""
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    return from_dict(obj)


def from_dict(d: dict[str, Any]) -> Observed:
    """A decoded JSON object → its record (fast when plain, else via the model)."""
    rec = _plain(d)
    if rec is None:
        return from_model(ClaimObserved.model_validate(d))
    return rec


_TIMES: dict[str, int] = {}


def _time(x: Any) -> int | None:
    """Microseconds of an ISO 8601 string with a zone, or None when unusual."""
    if type(x) is not str:
        return None
    us = _TIMES.get(x)
    if us is not None:
        return us
    if _ISO.match(x) is None:
        return None
    try:
        us = to_us(datetime.fromisoformat(x))
    except ValueError:
        return None
    if len(_TIMES) >= 8192:
        _TIMES.clear()  # a bounded memo: replays repeat the same few timestamps
    _TIMES[x] = us
    return us


_FIELDS = frozenset(ClaimObserved.model_fields)
_VALUE_FIELDS = frozenset(("low", "best", "high", "hedge"))
_SOURCE_FIELDS = frozenset(("name", "kind"))
_EVIDENCE_FIELDS = frozenset(("text", "start", "end"))
_DATETIME = TypeAdapter(datetime)
_DUMPED_TIMES: dict[str, str] = {}


def _dumped_time(x: str | None) -> str | None:
    """A timestamp as the model dumps it (``+00:00`` becomes ``Z``, fractions get six digits)."""
    if x is None:
        return None
    # the forms the model dumps unchanged (the line passed _ISO already): no pydantic call
    if (len(x) == 20 and x[19] == "Z") or (
        len(x) == 27 and x[26] == "Z" and x[19] == "." and x[20:26] != "000000"
    ):
        return x
    out = _DUMPED_TIMES.get(x)
    if out is None:
        out = _DATETIME.dump_python(_DATETIME.validate_python(x), mode="json")
        if len(_DUMPED_TIMES) >= 8192:
            _DUMPED_TIMES.clear()
        _DUMPED_TIMES[x] = out
    return out


def _as_dumped(d: dict[str, Any]) -> dict[str, Any] | None:
    """The model's JSON dump of a line :func:`_plain` accepted, or None when the
    line has fields the model would keep as extras (the model then dumps it)."""
    value, source, evidence = d["value"], d["source"], d["evidence"]
    if (
        d.keys() != _FIELDS or source.keys() != _SOURCE_FIELDS
        or evidence.keys() != _EVIDENCE_FIELDS
        or (value is not None and value.keys() != _VALUE_FIELDS)
    ):
        return None
    if value is not None:
        low, high = value["low"], value["high"]
        value = {
            "low": float(low) if low is not None else None, "best": float(value["best"]),
            "high": float(high) if high is not None else None, "hedge": value["hedge"],
        }
    return {
        "type": d["type"], "schema_version": d["schema_version"], "event_id": d["event_id"],
        "claim_key": d["claim_key"], "subject": d["subject"], "measure": d["measure"],
        "location": d["location"], "value": value, "stance": d["stance"],
        "source": {"name": source["name"], "kind": source["kind"]}, "outlet": d["outlet"],
        "article_id": d["article_id"], "url": d["url"],
        "published_at": _dumped_time(d["published_at"]), "as_of": _dumped_time(d["as_of"]),
        "evidence": {"text": evidence["text"], "start": evidence["start"], "end": evidence["end"]},
        "confidence": float(d["confidence"]), "parent_key": d["parent_key"],
        "observed_at": _dumped_time(d["observed_at"]),
    }


def _plain(d: dict[str, Any]) -> Observed | None:
    """The record when every field is present in its plain JSON form (as
    ``dumps(ClaimObserved)`` writes it); None otherwise.

    Checks what ClaimObserved declares (types, literals, bounds) so that a line
    taken here is one pydantic accepts with these very values. A line that
    leaves out optional fields is not wrong, only not plain: the model reads it.
    """
    try:
        event_id, claim_key, subject, measure = (
            d["event_id"], d["claim_key"], d["subject"], d["measure"]
        )
        location, parent_key, stance, value = d["location"], d["parent_key"], d["stance"], d["value"]
        source, evidence, conf = d["source"], d["evidence"], d["confidence"]
        observed_at, published_at, as_of = d["observed_at"], d["published_at"], d["as_of"]
        kind, outlet, url = d["type"], d["outlet"], d["url"]
        if (
            type(event_id) is not str or type(claim_key) is not str or type(subject) is not str
            or type(measure) is not str or type(d["article_id"]) is not str
            or kind != "ClaimObserved" or type(d["schema_version"]) is not int
            or (location is not None and type(location) is not str)
            or (parent_key is not None and type(parent_key) is not str)
            or (outlet is not None and type(outlet) is not str)
            or (url is not None and type(url) is not str)
            or type(stance) is not str or stance not in _STANCES
            or type(source) is not dict or type(evidence) is not dict
        ):
            return None
        name, source_kind = source["name"], source["kind"]
        text, start, end = evidence["text"], evidence["start"], evidence["end"]
        if (
            type(name) is not str or (source_kind is not None and type(source_kind) is not str)
            or type(text) is not str or type(start) is not int or type(end) is not int
            or start < 0 or end < 0 or type(conf) not in _NUM or not 0.0 <= conf <= 1.0
        ):
            return None
        val: tuple[float | None, float, float | None, str] | None = None
        if value is not None:
            if type(value) is not dict:
                return None
            low, best, high, hedge = value["low"], value["best"], value["high"], value["hedge"]
            if (
                type(best) not in _NUM or (low is not None and type(low) not in _NUM)
                or (high is not None and type(high) not in _NUM) or type(hedge) is not str
            ):
                return None
            val = (
                float(low) if low is not None else None, float(best),
                float(high) if high is not None else None, hedge,
            )
    except (KeyError, TypeError):
        return None
    observed = _time(observed_at)
    if observed is None:
        return None
    published = as_of_us = None
    if published_at is not None and (published := _time(published_at)) is None:
        return None
    if as_of is not None and (as_of_us := _time(as_of)) is None:
        return None
    return Observed(
        event_id, claim_key, subject, measure, location, parent_key, name, source_kind, stance,
        val, observed, published, as_of_us, text, float(conf), d,
    )
