"""The event contracts: checked-in JSON Schemas match the models; the wire form is stable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from schemas import Article, ClaimObserved, ConsensusUpdated, Evidence, Source, Value
from schemas.codec import decode, dumps, loads
from schemas.generate import SCHEMA_DIR, render


def test_checked_in_json_schemas_match_the_models() -> None:
    expected = render()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.schema.json")}
    assert set(on_disk) == set(expected), "run `make schemas` to add or remove schema files"
    for name, text in expected.items():
        assert on_disk[name] == text, f"{name} drifted from its model: run `make schemas`"


def test_every_schema_requires_type_and_version_fields() -> None:
    for name, text in render().items():
        schema = loads(text)
        assert "type" in schema["properties"] and "schema_version" in schema["properties"], name


def _claim(**over: object) -> ClaimObserved:
    base: dict[str, object] = {
        "event_id": "e1",
        "claim_key": "flood-victims:deaths@valencia",
        "subject": "flood victims",
        "measure": "deaths",
        "value": Value(low=200, best=214, high=None, hedge="at_least"),
        "source": Source(name="regional government"),
        "article_id": "a1",
        "evidence": Evidence(text="At least 214 people died.", start=0, end=25),
        "published_at": datetime(2024, 11, 1, tzinfo=UTC),
    }
    base.update(over)
    return ClaimObserved(**base)  # type: ignore[arg-type]


def test_claim_round_trips_through_the_wire_codec_unchanged() -> None:
    claim = _claim()
    wire = dumps(claim)
    doc = loads(wire)
    assert doc["type"] == "ClaimObserved" and doc["schema_version"] == 1
    assert doc["published_at"] == "2024-11-01T00:00:00Z"
    assert decode(wire, ClaimObserved) == claim


def test_unknown_fields_from_newer_producers_are_kept() -> None:
    doc = loads(dumps(_claim()))
    doc["added_in_v1_1"] = {"x": 1}
    assert loads(dumps(decode(dumps(doc), ClaimObserved)))["added_in_v1_1"] == {"x": 1}


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"{oops", "invalid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"text": "x"}', "id"),
        (b'{"id": "a", "text": 5}', "text"),
        (b'{"id": "", "text": "x"}', "id"),
    ],
)
def test_bad_articles_fail_with_a_reason(raw: bytes, fragment: str) -> None:
    with pytest.raises((ValueError, ValidationError)) as info:
        decode(raw, Article)
    assert fragment in str(info.value)


def test_naive_published_at_is_read_as_utc() -> None:
    a = decode(b'{"id": "a", "text": "t", "published_at": "2024-10-23T18:00:00"}', Article)
    assert a.published_at == datetime(2024, 10, 23, 18, tzinfo=UTC)


def test_consensus_version_starts_at_one() -> None:
    with pytest.raises(ValidationError):
        ConsensusUpdated(
            claim_key="k", version=0, n_sources=0, updated_at=datetime.now(UTC), trigger_event_id="e"
        )


# -- hostile input: bounds on what an Article or a ClaimObserved may carry


def test_an_article_with_a_time_beyond_utc_range_is_refused() -> None:
    import pytest
    from pydantic import ValidationError

    from schemas import Article

    for t in ("9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00"):
        with pytest.raises(ValidationError, match="out of range once converted to UTC"):
            Article(id="a", text="x", published_at=t)
    assert Article(id="a", text="x", published_at="2024-01-01T00:00:00+02:00").published_at is not None


def test_an_article_with_an_over_long_id_url_or_outlet_is_refused() -> None:
    import pytest
    from pydantic import ValidationError

    from schemas import Article

    for field in ("id", "url", "outlet", "title", "language"):
        with pytest.raises(ValidationError, match="at most"):
            Article(**{"id": "a", "text": "x", field: "z" * 10_000})


def test_a_claim_with_a_time_beyond_utc_range_is_refused() -> None:
    import pytest
    from pydantic import ValidationError

    from schemas import ClaimObserved

    base = {"event_id": "e", "claim_key": "k", "subject": "s", "measure": "count", "source": {"name": "n"},
            "article_id": "a", "evidence": {"text": "t", "start": 0, "end": 1}}
    for field in ("published_at", "as_of", "observed_at"):
        with pytest.raises(ValidationError, match="out of range"):
            ClaimObserved.model_validate({**base, field: "9999-12-31T23:59:59-23:59"})
