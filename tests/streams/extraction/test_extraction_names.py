"""The name fixer component: apostrophe names the small model mistags become proper nouns
(a blank pipeline with preset tags, then the whole extractor on invented sentences)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import spacy

from schemas.events import ClaimObserved
from streams.evaluation.extraction import same_location
from streams.extraction.names import NAMES_COMPONENT, add_names_component, is_apostrophe_name


@pytest.mark.parametrize(
    ("word", "name"),
    [("M'tsamboro", True), ("N'Djamena", True), ("Ma'rib", True), ("It's", False), ("We're", False),
     ("I'm", False), ("Don't", False), ("town", False)],
)
def test_apostrophe_names(word: str, name: bool) -> None:
    assert is_apostrophe_name(word) is name


def test_component_on_a_blank_pipeline_retags_only_names() -> None:
    nlp = spacy.blank("en")
    add_names_component(nlp)
    assert nlp.pipe_names == [NAMES_COMPONENT]
    doc = nlp.make_doc("capsized off M'tsamboro with Ali")
    for t, pos in zip(doc, ["VERB", "ADP", "NUM", "ADP", "PROPN"], strict=True):
        t.pos_ = pos
    doc = nlp.get_pipe(NAMES_COMPONENT)(doc)
    assert [t.pos_ for t in doc] == ["VERB", "ADP", "PROPN", "ADP", "PROPN"]


def test_component_goes_before_the_claim_stages() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", name="claimwatch_claims")  # a stand-in name for the ordering only
    add_names_component(nlp, before="claimwatch_claims")
    add_names_component(nlp, before="claimwatch_claims")  # idempotent
    assert nlp.pipe_names == [NAMES_COMPONENT, "claimwatch_claims"]


def test_a_village_with_an_apostrophe_is_the_place(extract: Callable[..., list[ClaimObserved]]) -> None:
    cs = extract(
        "At least nine people drowned when a boat capsized off the village of M'tsangamouji on Friday, "
        "the prefecture said on Saturday."
    )
    assert same_location(next(c for c in cs if c.value is not None and c.value.best == 9).location, "M'tsangamouji")
