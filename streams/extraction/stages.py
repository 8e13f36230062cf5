"""The claim stages of one article, in order, over its parsed ``Doc``.

Per sentence: a scan for what the sentence can hold (``sentence_cues``); the draft stages
that apply (``sentence_drafts``: figures, denials appended to them, zeros, presence or a
verdict on the reports, denials of earlier figures); then what the sentence leaves for
the next ones (``note_figures``, ``remember.*``). After the last sentence, the learned
place choice (``remember.choose_places``) and ``assemble`` turn the drafts into events.

Every stage reads the discourse record (``Discourse``) of the sentences before; only the
bookkeeping steps extend it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from schemas.events import Article, ClaimObserved
from streams.extraction import attribution, place_choice, stance
from streams.extraction.assemble import assemble
from streams.extraction.dateline import DATELINE, dateline_tokens
from streams.extraction.denials import (
    DENY_LEMMAS,
    appended_denials,
    counter_figure_denials,
    demonstrative_denial,
    pronoun_denials,
)
from streams.extraction.discourse import Discourse, Draft, set_topic
from streams.extraction.figures import quantity_drafts, zero_drafts
from streams.extraction.forces import FORCES, TROOP_LEMMAS, TROOPS, force_class
from streams.extraction.numbers import VAGUE
from streams.extraction.presence_drafts import presence_drafts
from streams.extraction.remember import choose_places, note_places, remember_according, remember_sources
from streams.extraction.story import Story, StoryReader


@dataclass(frozen=True)
class Options:
    """The ``Extractor``'s keyword options, as the stages read them."""

    emit_neutral_presence: bool = False
    emit_neutral_figures: bool = False
    emit_unattributed: bool = False
    place_model: place_choice.PlaceModel | None = None
    on_place_candidates: Any = None

    @property
    def learning(self) -> bool:
        """Whether the place choice reads the article's place inventory (model or training)."""
        return self.place_model is not None or self.on_place_candidates is not None


@dataclass(frozen=True)
class SentenceCues:
    """What a sentence can hold, from one scan of its tokens, so the draft stages run only
    where they can find something: a number (``has_num``), a force (``has_subject``), a
    verdict on "the reports" (``has_verdict``), a "no"/"none" (``has_none``), a denial
    verb (``has_deny``), and its reporting verbs (``says``)."""

    has_num: bool
    has_subject: bool
    has_verdict: bool
    has_none: bool
    has_deny: bool
    says: tuple[Token, ...]


def sentence_cues(sent: Span) -> SentenceCues:
    """Scan ``sent`` once for the cues of ``SentenceCues`` (one token is one cue of the
    first four, in that order; reporting and denial verbs are noted besides)."""
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
    return SentenceCues(has_num, has_subject, has_verdict, has_none, has_deny, tuple(says))


def sentence_drafts(sent: Span, cues: SentenceCues, ctx: Discourse, options: Options) -> list[Draft]:
    """The drafts of one sentence, stage by stage. The order matters: a sentence's own
    figures come first (and the denials appended to them); a verdict on "that claim" is a
    denial of the previous sentence's figure, else presence is read (a sentence that
    counts forces already placed them), else a verdict disputes an earlier figure; a
    denial verb not yet answered by a denied figure points back at one."""
    out: list[Draft] = []
    if cues.has_num:
        out.extend(quantity_drafts(sent, ctx))
        out.extend(appended_denials(sent, out, ctx))
    if cues.has_none:
        out.extend(zero_drafts(sent, ctx))
    demonstrative = demonstrative_denial(sent, ctx) if cues.has_verdict and not cues.has_subject and not out else []
    if demonstrative:
        out.extend(demonstrative)
    elif cues.has_subject or (cues.has_verdict and not out):
        counted = {d.subject.noun for d in out}
        out.extend(presence_drafts(sent, ctx, bool(out), bool(counted & FORCES), options.emit_neutral_presence))
    elif cues.has_verdict:
        out.extend(counter_figure_denials(sent, ctx, out))
    if cues.has_deny and not any(d.stance == "denies" and d.quantity is not None for d in out):
        # (a denied presence beside it does not answer a figure: "X denied detaining
        # anyone, and Y said there were no troops there")
        out.extend(pronoun_denials(sent, ctx))
    return out


def note_figures(ctx: Discourse, drafts: list[Draft]) -> None:
    """Asserted figures become the discourse's figures ("300 of them", "rejected the
    figure"); placed troops without a scope its topic ("the reports")."""
    for d in drafts:
        if d.quantity is not None and d.stance == "asserts":
            ctx.last_quantity = d
            ctx.quantities.append(d)
            if d.subject.noun == TROOPS and d.loc is not None and not d.subject.scope:
                set_topic(ctx, d.subject, d.loc)


def article_claims(
    article: Article, doc: Doc, text: str, gaz: Any, reader: StoryReader, options: Options
) -> list[ClaimObserved]:
    """The claims of one parsed article (``text`` is the article text the doc was parsed
    from, before ``detach_dateline``)."""
    # ``doc.text`` is rebuilt token by token on every access: keep the string.
    doc.user_data["cw_text"] = text
    ctx = Discourse(article, doc, Story(reader, gaz, doc, article.title), gaz)
    m = DATELINE.match(text)
    ctx.dateline = dateline_tokens(doc, text)
    drafts: list[Draft] = []
    lede_start = m.end() if m else 0
    for sent in doc.sents:
        ctx.sent_no += 1
        if not ctx.lede_no and sent.end_char > lede_start and sent.text.strip():
            ctx.lede_no = ctx.sent_no
        cues = sentence_cues(sent)
        sent_drafts = sentence_drafts(sent, cues, ctx, options)
        drafts.extend(sent_drafts)
        note_figures(ctx, sent_drafts)
        if cues.says:
            remember_sources(list(cues.says), ctx)
        if cues.has_num or cues.has_subject:
            remember_according(sent, ctx)
        note_places(sent, ctx, options.learning)
    choose_places(ctx, drafts, options.place_model, options.on_place_candidates)
    return assemble(
        article,
        text,
        drafts,
        gaz,
        emit_unattributed=options.emit_unattributed,
        emit_neutral_figures=options.emit_neutral_figures,
    )
