"""Training the place choice: labels from gold claims, a deterministic fit, honest folds."""

from __future__ import annotations

import json

from schemas.events import Article
from streams.extraction import Extractor
from streams.extraction.locations import make_loc
from streams.extraction.place_choice import Candidate
from streams.extraction.places import resolve_place
from streams.training import place_choice as training
from streams.training.corpus import AnnotatedSet


def _cand(name: str, **features: float) -> Candidate:
    return Candidate(make_loc(resolve_place(name), name), dict(features))


def _groups(n_stories: int = 6) -> list[training.Group]:
    """Stories where the rules fall back to the country while the sentence names the town
    (the town is right), and stories where the rules' clause pick is right."""
    out = []
    for s in range(n_stories):
        for i in range(12):
            wrong = i % 3 == 0
            rule = _cand("Uganda", is_rule=1.0, **({"rule_story": 1.0} if wrong else {"rule_clause": 1.0}))
            town = _cand("Kampala", in_sent=1.0, located_in_sent=1.0,
                         **({"rule_story_alt": 1.0} if wrong else {"rule_clause_alt": 1.0}))  # fmt: skip
            out.append(training.Group(f"s{s}", f"a{s}", (rule, town), (not wrong, wrong)))
    return out


def test_the_fit_is_deterministic() -> None:
    a = training.fit(_groups(), 0.0).to_json()
    b = training.fit(_groups(), 0.0).to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_the_model_learns_when_the_rules_fall_back_too_far() -> None:
    groups = _groups()
    model = training.fit(groups, 0.0)
    assert training.accuracy(None, groups) < 0.7  # the rules are wrong on a third
    assert training.accuracy(model, groups) == 1.0


def test_leave_one_story_out_never_trains_on_the_story_it_scores() -> None:
    groups = _groups(3)
    seen: list[set[str]] = []
    real_fit = training.fit

    def spy(gs: list[training.Group], margin: float = 0.0, weight: object = None) -> object:
        seen.append({g.story for g in gs})
        return real_fit(gs, margin)

    training.fit = spy  # type: ignore[assignment]
    try:
        models = training.loso_models(groups, 0.0)
    finally:
        training.fit = real_fit  # type: ignore[assignment]
    assert set(models) == {"s0", "s1", "s2"}
    assert all(len(s) == 2 for s in seen)
    assert {"s0", "s1", "s2"} == {next(iter({"s0", "s1", "s2"} - s)) for s in seen}


def test_collect_labels_candidates_against_the_gold_place() -> None:
    text = (
        "KAMPALA - At least 27 people drowned when a boat capsized off Sebagoro, a fishing village in "
        "Uganda's Kikuube district, police said on Wednesday."
    )
    art = Article(id="c-1", text=text, title="Boat capsizes off Sebagoro", published_at="2026-08-05T12:00:00Z")
    gold = [{"article_id": "c-1", "subject": "people", "measure": "deaths", "stance": "asserts",
             "value": {"low": 27, "best": 27, "high": 27}, "location": "Sebagoro", "source": "police",
             "evidence": text[len("KAMPALA - "):]}]  # fmt: skip
    groups = training.collect([AnnotatedSet("t", [art], gold, {"c-1": "t/c-1"})], Extractor(learned_places=False))
    assert len(groups) == 1
    g = groups[0]
    assert g.story == "t/c-1"
    right = [c.loc.name for c, lab in zip(g.cands, g.labels, strict=True) if lab]
    assert right == ["Sebagoro"]


def test_sets_the_rules_were_developed_on_weigh_less() -> None:
    dev = training.Group("dev/a", "a", (), ())
    unseen = training.Group("test12/s", "b", (), ())
    assert training.set_weight(dev) < training.set_weight(unseen) == 1.0
