"""The claim stages and their spaCy component on a blank pipeline, with the tags, lemmas
and dependencies a test needs preset (no statistical model), so each test pins one
stage's own behaviour."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from schemas.events import Article
from streams.extraction import component as component_module
from streams.extraction.assemble import assemble
from streams.extraction.attribution import SourceRef
from streams.extraction.component import CLAIMS_COMPONENT, add_claims_component, claims_of
from streams.extraction.dateline import dateline_tokens, detach_dateline
from streams.extraction.discourse import Draft
from streams.extraction.extractor import Extractor
from streams.extraction.forces import FORMATION, force_class
from streams.extraction.locations import Loc
from streams.extraction.numbers import Quantity
from streams.extraction.places import gazetteer
from streams.extraction.stages import sentence_cues
from streams.extraction.story import Story
from streams.extraction.subjects import SubjectRef

PUBLISHED = datetime(2024, 10, 23, 12, tzinfo=UTC)


@pytest.fixture
def blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _doc(nlp: Language, words: list[str], pos: list[str], lemmas: list[str], deps: list[str], heads: list[int]) -> Doc:
    starts = [True] + [False] * (len(words) - 1)
    return Doc(nlp.vocab, words=words, pos=pos, lemmas=lemmas, deps=deps, heads=heads, sent_starts=starts)


# -- dateline ----------------------------------------------------------------------


def test_detach_dateline_keeps_offsets_and_breaks_the_line() -> None:
    text = "GOMA, DR Congo (Great Rivers Wire) - Rebels said 40 people died."
    out = detach_dateline(text)
    assert len(out) == len(text)
    assert out.index("Rebels") == text.index("Rebels")
    assert "\n" in out[: out.index("Rebels")] and "-" not in out[: out.index("Rebels")]
    assert detach_dateline("Rebels said 40 people died.") == "Rebels said 40 people died."


def test_dateline_tokens_are_the_datelines_only(blank: Language) -> None:
    text = "ANKARA (Meridian Wire) - Turkish troops crossed the border."
    doc = blank.make_doc(detach_dateline(text))
    toks = {doc[i].text for i in dateline_tokens(doc, text)}
    assert "ANKARA" in toks and "Wire" in toks
    assert "Turkish" not in toks and "troops" not in toks
    assert dateline_tokens(doc, "Turkish troops crossed the border.") == set()


# -- sentence cues -------------------------------------------------------------------


def test_sentence_cues_find_a_number_a_force_and_a_reporting_verb(blank: Language) -> None:
    # "The army said 12 soldiers died"
    doc = _doc(
        blank,
        ["The", "army", "said", "12", "soldiers", "died"],
        ["DET", "NOUN", "VERB", "NUM", "NOUN", "VERB"],
        ["the", "army", "say", "12", "soldier", "die"],
        ["det", "nsubj", "ROOT", "nummod", "nsubj", "ccomp"],
        [1, 2, 2, 4, 5, 2],
    )
    cues = sentence_cues(next(doc.sents))
    assert cues.has_num and cues.has_subject
    assert not (cues.has_none or cues.has_verdict or cues.has_deny)
    assert [t.text for t in cues.says] == ["said"]


def test_sentence_cues_find_a_denial_of_the_reports_and_a_bare_no(blank: Language) -> None:
    # "The ministry denied the reports ; none died" ("one" would be a number)
    doc = _doc(
        blank,
        ["The", "ministry", "denied", "the", "reports", ";", "none", "died"],
        ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT", "PRON", "VERB"],
        ["the", "ministry", "deny", "the", "report", ";", "none", "die"],
        ["det", "nsubj", "ROOT", "det", "dobj", "punct", "nsubj", "conj"],
        [1, 2, 2, 4, 2, 2, 7, 2],
    )
    cues = sentence_cues(next(doc.sents))
    assert cues.has_deny and cues.has_verdict and cues.has_none
    assert not cues.has_num and not cues.has_subject
    assert [t.text for t in cues.says] == ["denied"]  # a denial reports a statement too


# -- forces ------------------------------------------------------------------------


def test_force_class_needs_an_owner_for_a_formation(blank: Language) -> None:
    # "RSF units" and a bare "units"
    owned = _doc(blank, ["RSF", "units"], ["PROPN", "NOUN"], ["RSF", "unit"], ["compound", "ROOT"], [1, 1])
    bare = _doc(blank, ["units"], ["NOUN"], ["unit"], ["ROOT"], [0])
    assert force_class(owned[1]) == "troops"
    assert force_class(bare[0]) == FORMATION


def test_force_class_tells_military_aircraft_from_others(blank: Language) -> None:
    fighter = _doc(blank, ["fighter", "jets"], ["NOUN", "NOUN"], ["fighter", "jet"], ["compound", "ROOT"], [1, 1])
    plain = _doc(blank, ["jets"], ["NOUN"], ["jet"], ["ROOT"], [0])
    warplanes = _doc(blank, ["warplanes"], ["NOUN"], ["warplane"], ["ROOT"], [0])
    assert force_class(fighter[1]) == "aircraft"
    assert force_class(warplanes[0]) == "aircraft"
    assert force_class(plain[0]) is None


# -- story -------------------------------------------------------------------------


class _CountingReader:
    def __init__(self, found: Loc | None) -> None:
        self.found = found
        self.calls = 0

    def location(self, doc: Doc, title: str | None = None) -> Loc | None:
        self.calls += 1
        return self.found

    def doc_location(self, doc: Doc) -> Loc | None:
        raise AssertionError("a story placed by its lead needs no body scan")


def test_story_place_is_read_once_when_first_asked(blank: Language) -> None:
    kenya = gazetteer().country("KE")
    assert kenya is not None
    reader = _CountingReader(Loc(kenya.name, kenya.slug, kenya))
    story = Story(reader, gazetteer(), blank("Floods hit the town."), "Floods")  # type: ignore[arg-type]
    assert reader.calls == 0  # not read up front
    assert story.place() is reader.found and story.place() is reader.found
    assert reader.calls == 1
    assert story.country() == "KE"
    loc = story.country_loc()
    assert loc is not None and loc.place is not None and loc.place.code == "KE"


def test_story_place_none_is_kept_too(blank: Language) -> None:
    reader = _CountingReader(None)
    story = Story(reader, gazetteer(), blank("Nothing."), None)  # type: ignore[arg-type]
    assert story.place() is None and story.place() is None
    assert reader.calls == 1


# -- assemble ----------------------------------------------------------------------


def _draft(doc: Doc, best: float, sources: list[SourceRef], stance: str = "asserts") -> Draft:
    q = Quantity(best, best, best, "exact")
    subject = SubjectRef("people", None, (), "flood")
    return Draft(subject, "deaths", None, q, stance, sources, next(doc.sents), None, 0.85)


def test_assemble_dedupes_and_drops_unattributed_and_neutral(blank: Language) -> None:
    text = "Officials said 12 people died."
    doc = blank(text)
    doc.user_data["cw_text"] = text
    art = Article(id="a-1", text=text, published_at=PUBLISHED, outlet="Wire")
    src = SourceRef("Officials", "government", "official")
    drafts = [_draft(doc, 12, [src]), _draft(doc, 12, [src]), _draft(doc, 9, []), _draft(doc, 5, [src], "neutral")]
    claims = assemble(art, text, drafts, gazetteer())
    assert [(c.value.best if c.value else None, c.source.name) for c in claims] == [(12.0, "Officials")]
    assert claims[0].evidence.text == text and claims[0].as_of == PUBLISHED
    wide = assemble(art, text, drafts, gazetteer(), emit_unattributed=True, emit_neutral_figures=True)
    assert sorted((c.value.best if c.value else 0, c.source.name) for c in wide) == [
        (5.0, "Officials"),
        (9.0, "Wire"),
        (12.0, "Officials"),
    ]
    # The same article gives the same event ids (a replay is idempotent).
    assert [c.event_id for c in assemble(art, text, drafts, gazetteer())] == [claims[0].event_id]


def test_assemble_does_not_change_the_drafts(blank: Language) -> None:
    text = "ANT troops were deployed."
    doc = blank(text)
    doc.user_data["cw_text"] = text
    art = Article(id="a-2", text=text, published_at=PUBLISHED)
    d = _draft(doc, 300, [SourceRef("Army", "military", "army")])
    before = (d.subject, d.loc, d.stance, list(d.sources))
    assemble(art, text, [d], gazetteer())
    assert (d.subject, d.loc, d.stance, list(d.sources)) == before


# -- the component -----------------------------------------------------------------


def test_component_passes_a_doc_without_article_through(blank: Language) -> None:
    add_claims_component(blank)
    add_claims_component(blank)
    assert blank.pipe_names.count(CLAIMS_COMPONENT) == 1
    doc = blank("Floods kill 12 in Kenya")
    assert claims_of(doc) is None


def test_component_reads_an_article_doc(blank: Language) -> None:
    add_claims_component(blank)
    text = "Nothing was reported from the town today."
    doc = blank.make_doc(text)
    doc.user_data["cw_text"] = text
    doc._.cw_article = Article(id="a-3", text=text, published_at=PUBLISHED)
    assert claims_of(blank(doc)) == []


def test_component_stores_a_stage_error_and_the_batch_goes_on(blank: Language, monkeypatch: Any) -> None:
    add_claims_component(blank)
    seen: list[str] = []

    def fake(article: Article, *args: Any) -> list[Any]:
        seen.append(article.id)
        if article.id == "bad":
            raise ValueError("a stage failed")
        return []

    monkeypatch.setattr(component_module, "article_claims", fake)
    docs = []
    for aid in ("bad", "good"):
        d = blank.make_doc("Some text here.")
        d.user_data["cw_text"] = "Some text here."
        d._.cw_article = Article(id=aid, text="Some text here.")
        docs.append(d)
    out = list(blank.pipe(docs))
    assert seen == ["bad", "good"]
    assert isinstance(claims_of(out[0]), ValueError) and claims_of(out[1]) == []


def test_extractor_facade_runs_the_component_through_nlp_pipe(blank: Language) -> None:
    ex = Extractor(blank)
    again = Extractor(blank)  # two façades on one pipeline: one component, options per doc
    assert blank.pipe_names.count(CLAIMS_COMPONENT) == 1 and again.nlp is ex.nlp
    text = "Nothing of note was reported from the town today, the officials in charge said."
    arts = [Article(id=f"a-{i}", text=text, published_at=PUBLISHED) for i in range(3)]
    results = list(ex.extract_many(arts, batch_size=2))
    assert [a.id for a, _ in results] == ["a-0", "a-1", "a-2"]
    assert all(r == [] for _, r in results)
    assert ex.extract(arts[0]) == []
