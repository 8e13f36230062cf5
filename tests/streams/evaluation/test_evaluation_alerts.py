"""Alert precision and recall (``streams.evaluation.alerts``) on an invented story."""

from __future__ import annotations

from typing import Any

from schemas.events import Article
from streams.evaluation.alerts import gold_events, gold_key, replay_alerts, score_story


def test_gold_subjects_are_keyed_by_the_extractors_key_builder() -> None:
    assert gold_key("North Korean troops", "count", "Russia") == "north-korean-troops:count@russia"
    assert gold_key("North Korean soldiers (arrived)", "count", "Russia") == (
        "north-korean-troops/arrived:count@russia")
    assert gold_key("people (Typhoon Marilou)", "deaths", "Philippines") == (
        "typhoon-people:deaths@philippines")
    assert gold_key("villagers (flood)", "missing", None) == "flood-people:missing"  # as the extractor


def _gold(source: str, best: float, as_of: str, **kw: Any) -> dict[str, Any]:
    return {"article_id": "a1", "subject": "people (flood)", "measure": "deaths",
            "value": {"low": best, "best": best, "high": best}, "hedge": "exact",
            "location": "Valdoria", "source": source, "stance": "asserts", "as_of": as_of,
            "evidence": f"{source} said {best:g} people died in the flood.", **kw}


def test_a_dispute_in_the_gold_is_a_reference_alert_and_scores_against_itself() -> None:
    article = Article(id="a1", text="Valdoria flood story.", published_at="2026-05-02T10:00:00Z")
    gold = [_gold("Civil protection agency", 120, "2026-05-02"),
            _gold("Red Crescent", 121, "2026-05-02"),
            _gold("Local residents", 400, "2026-05-02")]
    events = gold_events(article, gold)
    assert {e.claim_key for e in events} == {"flood-people:deaths@valdoria"}
    reference = replay_alerts(events)
    assert [(a.kind, a.observation.source.name) for a in reference] == [("dispute", "Local residents")]
    perfect = score_story(reference, reference)
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    silent = score_story(reference, [])
    assert (silent.precision, silent.recall) == (None, 0.0)
    assert score_story([], reference).precision == 0.0
