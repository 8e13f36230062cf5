"""The checked-in JSON Schemas, read by a validator other than pydantic (``jsonschema``).

They must accept the events claimwatch really writes (its own ``extract`` and
``replay`` on the bundled samples) and reject what a consumer must never
receive: a wrong ``type``, another ``schema_version``, an unknown alert
``kind``, and the like.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema.protocols import Validator

from schemas.codec import dumps, loads
from schemas.events import HEDGES, JSON_SCHEMA_DIALECT
from schemas.generate import SCHEMA_DIR

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "streams" / "samples" / "articles.jsonl"


@cache
def validator(name: str) -> Validator:
    schema = loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def errors(name: str, doc: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(doc)]


def _cli(*args: str, stdin: bytes | None = None) -> list[dict[str, Any]]:
    run = subprocess.run(
        [sys.executable, "-m", "streams.cli", *args], input=stdin, capture_output=True, cwd=REPO, check=True
    )
    return [loads(line) for line in run.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def produced() -> dict[str, list[dict[str, Any]]]:
    """Every event type as claimwatch's own commands write it, from the bundled samples."""
    claims = _cli("extract", str(SAMPLES))
    outputs = _cli("replay", "-", stdin=b"\n".join(dumps(c) for c in claims))
    by_type: dict[str, list[dict[str, Any]]] = {"ClaimObserved": claims}
    for event in outputs:
        by_type.setdefault(event["type"], []).append(event)
    by_type["Article"] = [loads(line) for line in SAMPLES.read_bytes().splitlines() if line.strip()]
    return by_type


def test_every_schema_declares_its_dialect_and_is_a_valid_schema() -> None:
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        schema = loads(path.read_bytes())
        assert schema["$schema"] == JSON_SCHEMA_DIALECT, path.name
        jsonschema.validators.validator_for(schema).check_schema(schema)
        assert {"type", "schema_version"} <= set(schema["required"]), path.name
        assert schema["properties"]["type"]["const"] == path.name.split(".")[0]
        assert schema["properties"]["schema_version"]["const"] == 1


def test_the_events_claimwatch_writes_are_valid(produced: dict[str, list[dict[str, Any]]]) -> None:
    assert set(produced) == {"Article", "ClaimObserved", "ConsensusUpdated", "ContradictionDetected"}
    assert len(produced["ContradictionDetected"]) >= 1 and len(produced["ClaimObserved"]) >= 10
    for name, events in produced.items():
        for event in events:
            assert not errors(name, event), (name, errors(name, event), event)
    hedges = {c["value"]["hedge"] for c in produced["ClaimObserved"] if c["value"]}
    assert hedges and hedges <= set(HEDGES)


def _alert(produced: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return copy.deepcopy(produced["ContradictionDetected"][0])


def _mutations() -> Iterator[tuple[str, str, Any]]:
    """(what, event type, function of the produced events giving a bad event)."""
    yield "a wrong type", "ContradictionDetected", lambda a: {**a, "type": "ConsensusUpdated"}
    yield "no type", "ContradictionDetected", lambda a: {k: v for k, v in a.items() if k != "type"}
    yield "schema_version 2", "ContradictionDetected", lambda a: {**a, "schema_version": 2}
    yield "schema_version as a string", "ContradictionDetected", lambda a: {**a, "schema_version": "1"}
    yield "no schema_version", "ContradictionDetected", lambda a: {k: v for k, v in a.items() if k != "schema_version"}
    yield "an unknown kind", "ContradictionDetected", lambda a: {**a, "kind": "vibes_conflict"}
    yield "an unknown severity", "ContradictionDetected", lambda a: {**a, "severity": "critical"}
    yield "a nested observation of schema_version 2", "ContradictionDetected", lambda a: {
        **a, "observation": {**a["observation"], "schema_version": 2}}


@pytest.mark.parametrize(("what", "name", "mutate"), list(_mutations()), ids=[m[0] for m in _mutations()])
def test_an_alert_that_breaks_the_contract_is_rejected(
    produced: dict[str, list[dict[str, Any]]], what: str, name: str, mutate: Any
) -> None:
    good = _alert(produced)
    assert not errors(name, good)
    assert errors(name, mutate(good)), f"{what} validated"


@pytest.mark.parametrize(
    ("field", "value"),
    [("type", "Article"), ("schema_version", 2), ("stance", "claims")],
)
def test_a_claim_that_breaks_the_contract_is_rejected(
    produced: dict[str, list[dict[str, Any]]], field: str, value: Any
) -> None:
    claim = copy.deepcopy(produced["ClaimObserved"][0])
    claim[field] = value
    assert errors("ClaimObserved", claim)


def test_an_unknown_hedge_is_rejected(produced: dict[str, list[dict[str, Any]]]) -> None:
    claim = copy.deepcopy(next(c for c in produced["ClaimObserved"] if c["value"]))
    claim["value"]["hedge"] = "roughly-ish"
    assert errors("ClaimObserved", claim)


def test_an_article_without_its_envelope_is_rejected() -> None:
    assert not errors("Article", {"type": "Article", "schema_version": 1, "id": "a", "text": "t"})
    assert errors("Article", {"id": "a", "text": "t"})
    assert errors("Article", {"type": "Article", "schema_version": 1, "id": "a"})


def test_the_schema_lists_every_kind_the_contradiction_rules_emit() -> None:
    """The enum in the contract and the rules' one list of kinds move together."""
    from typing import get_args

    from schemas.events import AlertKind
    from streams.contradiction import KINDS

    assert set(get_args(AlertKind)) == set(KINDS)
    schema = loads((SCHEMA_DIR / "ContradictionDetected.schema.json").read_bytes())
    assert set(schema["properties"]["kind"]["enum"]) == set(KINDS)
