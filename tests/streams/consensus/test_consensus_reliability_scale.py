"""The loss scale of the reliability book follows the data's own noise level:
when every source is more than 5% off, the careful ones must still stand out."""

from __future__ import annotations

import random
from typing import Any

from streams.consensus import BookSettings, ReliabilityBook


def record(source: str, claim: str, best: float) -> dict[str, Any]:
    return {"s": source, "c": claim, "st": "asserts", "q": [best, best, best], "t": 0, "cf": 1.0}


def rough_world(
    careful_off: float, rough_off: float, n_claims: int = 40
) -> list[tuple[str, dict[str, Any]]]:
    """Two careful sources off by about ``careful_off`` of the truth, five rough
    ones by about ``rough_off``, in random directions (seeded)."""
    rng = random.Random(7)
    out = []
    for i in range(n_claims):
        claim = f"river-crossings-{i}"
        truth = 500.0 + 91.0 * i
        for name, off in [("careful-a", careful_off), ("careful-b", careful_off)] + [
            (f"rough-{j}", rough_off) for j in range(5)
        ]:
            value = round(truth * (1.0 + rng.choice((-1, 1)) * off * rng.uniform(0.5, 1.5)))
            out.append((f"{name}\x1f{claim}", record(name, claim, float(value))))
    return out


def book_of(records: list[tuple[str, dict[str, Any]]], **settings: Any) -> ReliabilityBook:
    book = ReliabilityBook(settings=BookSettings(**settings))
    for key, value in records:
        book.ingest(key, value)
    book.refresh()
    return book


def test_careful_sources_stand_out_when_everyone_is_more_than_five_percent_off() -> None:
    recs = rough_world(careful_off=0.08, rough_off=0.6)
    book = book_of(recs)
    rough = [book.weight(f"rough-{j}") for j in range(5)]
    careful = [book.weight("careful-a"), book.weight("careful-b")]
    # the careful pair outweighs the five rough sources together: medians follow it
    assert sum(careful) > sum(rough)
    assert min(careful) > 3 * max(rough)
    assert book.trust("careful-a") > book.trust("rough-0") + 0.2


def test_a_fixed_five_percent_scale_loses_a_careful_source() -> None:
    # what the adaptive scale fixes: each careful source is past half a miss on
    # most claims, so one of two equally careful sources ends on the floor with
    # the rough ones (the other is the median of most claims and survives)
    book = book_of(rough_world(careful_off=0.08, rough_off=0.6), loss_scale_quantile=0.0)
    floor = BookSettings().min_weight
    assert min(book.weight("careful-a"), book.weight("careful-b")) == floor
    assert all(book.weight(f"rough-{j}") == floor for j in range(5))


def test_precise_data_keep_the_fixed_scale() -> None:
    # sources within a few percent: the data's median distance is below 5%, so
    # the floor applies and the weights are exactly those of the fixed scale
    recs = rough_world(careful_off=0.001, rough_off=0.03)
    assert book_of(recs).snapshot() == book_of(recs, loss_scale_quantile=0.0).snapshot()


def test_sources_of_similar_quality_all_keep_a_say() -> None:
    # ten sources, all about 20% off: the typical source is not a coin flip (its
    # statements sit at the data's typical distance), so none is floored and no
    # single one outweighs the rest together
    recs = rough_world(careful_off=0.2, rough_off=0.2)
    weights = [book_of(recs).weight(n) for n in ["careful-a", "careful-b", *(f"rough-{j}" for j in range(5))]]
    assert min(weights) > 10 * BookSettings().min_weight
    assert max(weights) < sum(weights) - max(weights)


def test_adaptive_scale_is_independent_of_arrival_order() -> None:
    recs = rough_world(careful_off=0.08, rough_off=0.6)
    shuffled = list(recs)
    random.Random(3).shuffle(shuffled)
    assert book_of(recs).snapshot() == book_of(shuffled).snapshot()
