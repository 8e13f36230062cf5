"""The bundled sample articles (the demo feeds them) give sensible, contradicting claims."""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources

from schemas.events import Article, ClaimObserved
from streams.extraction import Extractor


def _samples() -> list[Article]:
    raw = resources.files("streams").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    return [Article.model_validate(json.loads(line)) for line in raw.splitlines() if line.strip()]


def test_samples_are_valid_and_varied() -> None:
    arts = _samples()
    assert 4 <= len(arts) <= 8
    assert len({a.id for a in arts}) == len(arts)
    assert all(a.published_at is not None and a.outlet and a.title for a in arts)


def test_samples_yield_claims_and_a_later_contradiction(extractor: Extractor) -> None:
    by_key: dict[str, list[ClaimObserved]] = defaultdict(list)
    for article, result in extractor.extract_many(_samples()):
        assert isinstance(result, list) and result, article.id
        for c in result:
            by_key[c.claim_key].append(c)
    troops = by_key["north-korean-troops:count@russia"]
    assert len({c.article_id for c in troops}) >= 3
    first = min(troops, key=lambda c: c.published_at or c.observed_at)
    later = [c for c in troops if c.article_id != first.article_id and c.value and first.value]
    # A later source puts the figure well outside the first estimate.
    assert any(abs(c.value.best - first.value.best) / first.value.best > 0.25 for c in later if c.value and first.value)
    presence = by_key["north-korean-troops:presence@russia"]
    assert {"asserts", "denies"} <= {c.stance for c in presence}
    quake = by_key["earthquake-people:deaths@turkey"]
    assert sorted(c.value.best for c in quake if c.value) == [1100, 4850]
    crowd = by_key["protesters:count@lisbon"]
    assert {c.source.kind for c in crowd} >= {"police", "organizers"}
