"""JSON lines read straight into light records: the same values, the same
accept/reject decisions and the same output bytes as validating the models."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from schemas.codec import decode, dumps
from schemas.events import ClaimObserved
from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.consensus.observed import from_json, from_model
from streams.replay import Replayer, read_observed

BASE: dict[str, Any] = {
    "type": "ClaimObserved", "schema_version": 1, "event_id": "ev-1",
    "claim_key": "dam-workers:trapped@lower-reach", "subject": "dam workers",
    "measure": "trapped", "location": "Lower reach", "value": {
        "low": None, "best": 37.0, "high": None, "hedge": "approximately"},
    "stance": "asserts", "source": {"name": "Site foreman", "kind": "person"},
    "outlet": None, "article_id": "a-9", "url": None,
    "published_at": "2025-06-02T09:30:00Z", "as_of": "2025-06-02T07:00:00Z",
    "evidence": {"text": "The site foreman said about 37 workers were trapped.", "start": 0,
                 "end": 52},
    "confidence": 0.7, "parent_key": None, "observed_at": "2025-06-02T09:31:12.250Z",
}


def variant(**changes: Any) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    for k, v in changes.items():
        if v is ...:
            d.pop(k, None)
        else:
            d[k] = v
    return d


ACCEPTED = [
    variant(),
    variant(value={"best": 37, "hedge": "exact"}),                  # an integer figure
    variant(value={"best": 30, "low": 30, "high": 45, "hedge": "range"}),
    variant(value=None, stance="denies"),
    variant(stance=...),                                              # default stance
    variant(confidence=1), variant(confidence=...),                   # int, default
    variant(observed_at="2025-06-02T11:31:12+02:00"),                # an offset
    variant(published_at=None, as_of=...),
    variant(as_of="2025-06-02T07:00:00"),                            # naive: via the model
    variant(observed_at="2025-06-02 09:31:12Z"),                     # space: via the model
    variant(observed_at=1748856672),                                 # epoch: via the model
    variant(note={"free": "extra fields are allowed"}),
    variant(source={"name": "Site foreman", "kind": None, "role": "an extra, kept by the model"}),
    variant(observed_at="2025-06-02T11:31:12.5+02:00", as_of="2025-06-02T07:00:00.000001+00:00"),
    variant(type=...), variant(schema_version=...),
    variant(location=None, parent_key="dam-workers:trapped@river"),
]

REJECTED = [
    variant(event_id=17), variant(stance="claims"), variant(confidence=1.5),
    variant(confidence=True) | {"confidence": "high"}, variant(source={"kind": "person"}),
    variant(evidence={"text": "x", "start": -1, "end": 1}), variant(value={"hedge": "exact"}),
    variant(value={"best": "many"}), variant(observed_at="yesterday"),
    variant(published_at="2025-13-02T09:30:00Z"), variant(type="Article"), variant(subject=...),
]


@pytest.mark.parametrize("obj", ACCEPTED)
def test_a_line_reads_into_the_same_record_as_its_model(obj: dict[str, Any]) -> None:
    line = orjson.dumps(obj)
    model = decode(line, ClaimObserved)
    fast, slow = from_json(line), from_model(model)
    assert fast[:-1] == slow[:-1]  # every field the engine reads
    assert fast.model() == model
    assert fast.dumped() == model.model_dump(mode="json")  # what an alert quotes
    assert orjson.dumps(fast.dumped()) == dumps(model)


@pytest.mark.parametrize("obj", REJECTED)
def test_a_line_the_model_rejects_is_rejected(obj: dict[str, Any]) -> None:
    line = orjson.dumps(obj)
    with pytest.raises(ValidationError):
        decode(line, ClaimObserved)
    with pytest.raises(ValueError):
        from_json(line)


def test_bad_lines_go_to_the_error_callback_and_are_skipped() -> None:
    lines = [(1, orjson.dumps(BASE)), (2, b"{not json"), (3, b"[1, 2]"),
             (4, orjson.dumps(variant(stance="claims"))), (5, orjson.dumps(variant(event_id="e5")))]
    errors: list[int] = []
    got = list(read_observed(lines, lambda n, exc: errors.append(n)))
    assert [r.event_id for r in got] == ["ev-1", "e5"] and errors == [2, 3, 4]
    with pytest.raises(ValueError):
        list(read_observed(lines))


def test_feed_lines_gives_the_bytes_of_decoding_and_feeding_models() -> None:
    import random

    rng = random.Random(9)
    objs = []
    for i in range(400):
        o = copy.deepcopy(rng.choice(ACCEPTED))
        o["event_id"] = f"ev-{i}"
        o["claim_key"] = f"k{rng.randrange(6)}"
        o["source"] = {"name": f"src {rng.randrange(12)}"}
        if o.get("value") is not None:
            o["value"]["best"] = rng.choice([37, 37.0, 41.5, 400, 12])
        o["observed_at"] = f"2025-06-{rng.randrange(1, 28):02d}T0{rng.randrange(10)}:00:00Z"
        objs.append(o)
    lines = [orjson.dumps(o) for o in objs]
    fed = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    expected = [dumps(x) for x in fed.feed(decode(line, ClaimObserved) for line in lines)]
    assert any(b'"ContradictionDetected"' in x for x in expected)
    wired = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    assert list(wired.feed_lines(enumerate(lines, 1))) == expected
    assert orjson.dumps(wired.dump()) == orjson.dumps(fed.dump())
    assert [dumps(u) for u in wired.final()] == [dumps(u) for u in fed.final()]
    consumed = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    assert consumed.consume_lines(enumerate(lines, 1)) == len(lines)
    assert [dumps(u) for u in consumed.final()] == [dumps(u) for u in fed.final()]



def test_timestamps_in_the_dumped_form_are_quoted_as_the_model_dumps_them() -> None:
    """The shortcut for timestamps already in the model's form gives what pydantic gives."""
    import random
    from datetime import datetime

    from pydantic import TypeAdapter

    from streams.consensus.observed import _dumped_time

    adapter: TypeAdapter[datetime] = TypeAdapter(datetime)
    rng = random.Random(5)
    for _ in range(2_000):
        base = (f"{rng.randint(1970, 2100):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}")
        frac = rng.choice(["", ".000000", f".{rng.randint(0, 999_999):06d}", f".{rng.randint(0, 9)}"])
        zone = rng.choice(["Z", "+00:00", "-05:30"])
        x = base + frac + zone
        assert _dumped_time(x) == adapter.dump_python(adapter.validate_python(x), mode="json"), x
