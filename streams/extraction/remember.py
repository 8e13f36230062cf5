"""What a sentence leaves in the discourse record for the sentences after it.

``note_places``: the places it names ("there" and "the province" later on; the inventory
the learned place choice reads); ``remember_sources``: its explicit speakers (for "the
agency added"), with where and when their statement was; ``remember_according``: an
"according to" source. ``choose_places``: once every sentence is read, the learned place
choice (when on) re-picks each figure's place among the candidates the article names.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from streams.extraction import attribution, place_choice
from streams.extraction.claim_places import (
    statement_place,
)
from streams.extraction.dateline import DATELINE
from streams.extraction.dates import as_of_for
from streams.extraction.discourse import Discourse, Draft
from streams.extraction.locations import (
    Loc,
    loc_candidate,
    make_loc,
    other_clauses,
    remember_place,
    under_loc_prep,
)


def note_places(sent: Span, ctx: Discourse, learning: bool = False) -> None:
    """The last place a sentence names, for "there" in the next one; every place it names,
    for "the province" or "the strait" later on."""
    aside = other_clauses(sent.root)  # "..., where the Surma river rose": not the focus
    named: list[Loc] = []
    found: list[tuple[Token, Loc]] = []
    weak: list[tuple[Token, Loc]] = []  # names only the place choice weighs ("around Birao")
    for t in sent:
        if (t.ent_iob_ == "B" or t.pos_ == "PROPN") and t.i not in ctx.dateline:
            c = loc_candidate(t, ctx.gaz)
            if c is not None:
                named.append(make_loc(*c))
                found.append((t, named[-1]))
                if c[0] is None and under_loc_prep(t, None):
                    remember_place(sent.doc, named[-1].name)
                if t.i not in aside:
                    ctx.recent_place = named[-1]
            elif learning and place_choice.weak_place(t):
                weak.append((t, place_choice.weak_loc(t, ctx.gaz)))
    ctx.places.extend(named)
    number = ctx.sent_no - 1
    ctx.inventory.sent_of[sent.start] = number
    if (found or weak) and learning:
        ctx.inventory.mentions.extend(place_choice.sentence_mentions(sent, number, found))
        ctx.inventory.mentions.extend(place_choice.sentence_mentions(sent, number, weak, weak=True))


# -- bookkeeping ----------------------------------------------------------------
def remember_sources(says: list[Token], ctx: Discourse) -> None:
    """Every explicit attribution in a sentence becomes a candidate for "the agency added"."""
    for t in says:
        subj = attribution.subject_of(t)
        if subj is None or subj.pos_ == "PRON" or attribution.not_the_speaker(subj, t):
            continue
        refs = attribution.names_of(subj, ctx.memory, t.doc)
        ctx.memory.remember([r for r in refs if r.explicit])
        where = statement_place(t, subj, ctx)
        if where is not None:
            for r in refs:
                ctx.statement_places[r.name] = (ctx.sent_no, where)
        when = as_of_for(t.sent, t, t, ctx.article.published_at)
        if when is not None and when != ctx.article.published_at:
            for r in refs:
                ctx.statement_dates.setdefault(r.name, when)


def remember_according(sent: Span, ctx: Discourse) -> None:
    """ "according to the Department of X" also names a source the next sentence can call
    "the department"."""
    acc = attribution.according_to(sent)
    if acc is not None:
        refs = attribution.names_of(acc, ctx.memory, sent.doc)
        ctx.memory.remember([r for r in refs if r.explicit])


def choose_places(
    ctx: Discourse,
    drafts: list[Draft],
    place_model: place_choice.PlaceModel | None = None,
    on_place_candidates: Any = None,
) -> None:
    """Each figure's place, picked by the trained model among the places the article
    names near it (the rules' pick is one candidate); presence claims keep theirs, as
    one sentence can place a force in several places."""
    if place_model is None and on_place_candidates is None:
        return
    inv = ctx.inventory
    inv.lede = max(0, ctx.lede_no - 1)
    inv.story = ctx.story.place()
    inv.country = ctx.story.country_loc()
    inv.title = place_choice.title_places(ctx.article.title)
    inv.title_text = ctx.article.title
    m = DATELINE.match(ctx.doc.user_data.get("cw_text") or "")
    if m:
        city = m.group(1).strip().title()
        place = ctx.gaz.resolve(city, allow_demonym=False)
        inv.dateline = make_loc(place, city) if place is not None else None
    for d in drafts:
        if d.quantity is None:
            continue
        cands = place_choice.candidates(ctx.doc, d.sent, d.anchor, d.loc, d.loc_rule, inv)
        if on_place_candidates is not None:
            on_place_candidates(ctx.article, d, cands)
        if place_model is not None:
            choice = place_model.choose(cands)
            if choice is not None:
                d.loc = choice.loc
