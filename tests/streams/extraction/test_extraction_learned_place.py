"""The learned place choice: candidates the rules propose, features, and how a model picks.

Texts are invented for the test. The model here is written by hand (two weights) so each
test states exactly what a weight does; the trained model is checked by the training tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from schemas.events import Article
from streams.extraction import Extractor
from streams.extraction.locations import make_loc
from streams.extraction.place_choice import Candidate, PlaceModel, Tree, load, title_places
from streams.extraction.places import resolve_place

TEXT = (
    "KAMPALA - At least 27 people drowned when a boat capsized on Lake Albert off Sebagoro, a fishing "
    "village in Uganda's Kikuube district, police said on Wednesday.\n\n"
    "Officials in Ituri province said on Tuesday that four of the dead were Congolese.\n\n"
    "At the Buhuka health centre, medical officer Agnes Kyomuhendo said nine survivors were being treated."
)


def _article(text: str = TEXT, title: str | None = "Uganda: 27 drown as boat capsizes off Sebagoro") -> Article:
    return Article(id="lp-1", text=text, title=title, published_at="2026-08-05T12:00:00Z", outlet="Test Wire")


def _collect(extractor: Extractor, article: Article) -> list[tuple[Any, list[Candidate]]]:
    seen: list[tuple[Any, list[Candidate]]] = []
    saved = extractor.place_model
    extractor.place_model = None
    extractor.on_place_candidates = lambda _a, d, cands: seen.append((d, cands))
    try:
        extractor.extract(article)
    finally:
        extractor.on_place_candidates = None
        extractor.place_model = saved
    return seen


def _one_weight(name: str, weight: float, margin: float = 0.0) -> PlaceModel:
    """A model whose score is ``weight`` when feature ``name`` is set, else 0."""
    tree = Tree(feature=(0, -2, -2), threshold=(0.5, -2.0, -2.0), left=(1, -1, -1), right=(2, -1, -1),
                value=(0.0, 0.0, weight))  # fmt: skip
    return PlaceModel((name,), (tree,), 1.0, margin)


def _cand(name: str, **features: float) -> Candidate:
    return Candidate(make_loc(resolve_place(name), name), dict(features))


def test_the_rules_pick_comes_first_among_every_place_named_near_the_figure(extractor: Extractor) -> None:
    seen = _collect(extractor, _article())
    by_value = {d.quantity.best: (d, c) for d, c in seen if d.quantity is not None}
    draft, cands = by_value[27]
    assert cands[0].features.get("is_rule") == 1.0
    assert cands[0].loc.slug == draft.loc.slug
    names = {c.loc.name for c in cands}
    assert {"Sebagoro", "Uganda"} <= names  # the sentence's places and the story's country
    seb = next(c for c in cands if c.loc.name == "Sebagoro")
    assert seb.features.get("in_sent") == 1.0
    assert seb.features.get("named_in_title") == 1.0


def test_a_place_named_only_by_the_speaker_is_marked_as_the_speakers(extractor: Extractor) -> None:
    seen = _collect(extractor, _article())
    _, cands = next((d, c) for d, c in seen if d.quantity is not None and d.quantity.best == 4)
    ituri = next(c for c in cands if c.loc.slug.startswith("ituri"))
    assert ituri.features.get("speaker_in_sent") == 1.0
    assert not ituri.features.get("located_in_sent")


def test_earlier_sentences_and_the_dateline_are_candidates_with_their_distance(extractor: Extractor) -> None:
    seen = _collect(extractor, _article())
    _, cands = next((d, c) for d, c in seen if d.quantity is not None and d.quantity.best == 9)
    feats = {c.loc.name: c.features for c in cands}
    assert feats["Sebagoro"].get("in_prev2") == 1.0
    assert feats["Kampala"].get("is_dateline") == 1.0


def test_the_model_keeps_the_rules_pick_unless_another_beats_it_by_the_margin() -> None:
    rule = _cand("Uganda", is_rule=1.0)
    finer = _cand("Kampala", in_sent=1.0)
    model = _one_weight("in_sent", 2.0, margin=1.0)
    assert model.choose([rule, finer]) is finer  # 2.0 - 0.0 > 1.0
    assert _one_weight("in_sent", 0.8, margin=1.0).choose([rule, finer]) is rule
    assert _one_weight("in_sent", 2.0, margin=3.0).choose([rule, finer]) is rule
    assert model.choose([]) is None


def test_the_model_does_not_place_a_figure_the_rules_left_unplaced() -> None:
    """With no place from the rules there is no rules' pick to re-rank: a place the sentence
    names for another reason ("U.S. estimates") must not become the figure's."""
    only = _cand("United States", in_sent=1.0)
    assert _one_weight("in_sent", 5.0).choose([only]) is None


def test_one_of_several_places_named_together_does_not_replace_the_rules_pick() -> None:
    rule = _cand("Georgia", is_rule=1.0)
    listed = _cand("Kutaisi", in_lede=1.0, listed_in_lede=1.0)
    in_its_clause = _cand("Batumi", listed=1.0, in_clause=1.0)
    model = _one_weight("in_lede", 5.0)
    assert model.choose([rule, listed]) is rule
    assert _one_weight("in_clause", 5.0).choose([rule, listed, in_its_clause]) is in_its_clause


def test_the_dateline_alone_does_not_replace_the_rules_pick() -> None:
    """The dateline is where the reporter files from; it is the story's place only when the
    text names none, so a dateline the text never names again cannot outscore the rules."""
    rule = _cand("Lebanon", is_rule=1.0, in_lede=1.0)
    dateline = _cand("Beirut", is_dateline=1.0)
    named = _cand("Tripoli", is_dateline=1.0, in_sent=1.0)
    assert _one_weight("is_dateline", 5.0).choose([rule, dateline]) is rule
    assert _one_weight("is_dateline", 5.0).choose([rule, named]) is named


def test_a_building_is_not_a_weak_place(extractor: Extractor) -> None:
    """The guideline places a figure at the city a building is in, never at the building."""
    text = "NAGPUR - Officials said 30 people were being treated at Wardha District Hospital on Monday."
    names = {c.loc.name for _, cands in _collect(extractor, _article(text, None)) for c in cands}
    assert "Wardha District Hospital" not in names


def test_the_chosen_place_becomes_the_claims_place_and_key(extractor: Extractor) -> None:
    article = _article()
    rules_only = {c.value.best: c for c in extractor.extract(article) if c.value is not None}
    saved = extractor.place_model
    extractor.place_model = _one_weight("is_country", 5.0)
    try:
        learned = {c.value.best: c for c in extractor.extract(article) if c.value is not None}
    finally:
        extractor.place_model = saved
    assert learned[27].location == "Uganda"
    assert learned[27].claim_key.endswith("@uganda")
    assert rules_only[27].location != "Uganda"


def test_a_model_round_trips_through_json() -> None:
    model = _one_weight("in_sent", 1.25, margin=0.5)
    again = PlaceModel.from_json(model.to_json())
    assert again == model


def test_the_checked_in_model_loads_and_scores_every_feature_it_names() -> None:
    model = load()
    if model is None:
        pytest.skip("no trained model checked in")
    assert model.trees and model.features
    c = Candidate(make_loc(None, "Nowhere"), dict.fromkeys(model.features, 1.0))
    assert isinstance(model.score(c), float)


def test_title_places_reads_known_names_only() -> None:
    names = [loc.name for loc in title_places("Floods in Sylhet leave 40 dead as Bangladesh braces for more")]
    assert "Sylhet" in names and "Bangladesh" in names
    assert "Floods" not in names
