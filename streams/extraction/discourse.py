"""The claim drafts and the discourse record they are read against.

A ``Draft`` is one claim as the rules read it from a sentence; ``Discourse`` is what the
earlier sentences of the article established (sources, topic, figures, places, statement
places and dates). Both are per article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spacy.tokens import Doc, Span

from schemas.events import Article
from streams.extraction import place_choice
from streams.extraction.attribution import SourceMemory, SourceRef
from streams.extraction.locations import Loc
from streams.extraction.numbers import Quantity
from streams.extraction.places import gazetteer
from streams.extraction.story import Story
from streams.extraction.subjects import SubjectRef


@dataclass
class Draft:
    """A claim before it is an event: what is counted or placed (``subject``, ``measure``,
    ``quantity``), where (``loc``), who says so and how (``sources``, ``stance``), the
    sentence it was read from, its date and the rules' confidence."""

    subject: SubjectRef
    measure: str
    loc: Loc | None
    quantity: Quantity | None
    stance: str
    sources: list[SourceRef]
    sent: Span
    as_of: datetime | None
    confidence: float
    # Which rule placed the claim, and the token the figure hangs on: the learned place
    # choice (``place_choice``) weighs the rule's pick against the other places named.
    loc_rule: str = "other"
    anchor: int | None = None


@dataclass
class Discourse:
    """What the article has said so far, as the sentences are read in order: the sources
    named (``memory``, for "the agency added"), the forces' owners and the topic ("the
    reports" refer to it), the figures given (``quantities``; ``last_quantity`` for "300 of
    them"), the places named (``recent_place`` for "there", ``places`` for "the province"),
    where and when each source's statements were, and the place inventory the learned place
    choice reads. The story's own place is in ``story``, the dateline's tokens in
    ``dateline``. One per article; the claim rules read it and the sentence loop extends it."""

    article: Article
    doc: Doc
    story: Story
    gaz: Any
    memory: SourceMemory = field(default_factory=SourceMemory)
    topic_nat: dict[str, str] = field(default_factory=dict)
    topic: tuple[SubjectRef, Loc] | None = None
    last_loc: dict[str, Loc] = field(default_factory=dict)
    last_quantity: Draft | None = None
    quantities: list[Draft] = field(default_factory=list)
    dateline: set[int] = field(default_factory=set)
    recent_place: Loc | None = None
    places: list[Loc] = field(default_factory=list)  # every place named so far, in order
    sent_no: int = 0
    lede_no: int = 0  # the lede's sentence number (its places make the story's place)
    # Where each source's statement of a sentence was: {name: (sentence number, place)}.
    statement_places: dict[str, tuple[int, Loc]] = field(default_factory=dict)
    statement_dates: dict[str, datetime] = field(default_factory=dict)
    inventory: place_choice.Inventory = field(default_factory=place_choice.Inventory)


def set_topic(ctx: Discourse, subject: SubjectRef, loc: Loc) -> None:
    """What "the reports" refer to: the latest subject placed somewhere; a place inside
    the current topic's place (Kursk inside Russia) does not narrow it."""
    if ctx.topic is not None:
        old_subj, old_loc = ctx.topic
        if (
            old_subj.slug == subject.slug
            and old_loc.place is not None
            and loc.place is not None
            and gazetteer().contains(old_loc.place, loc.place)
        ):
            return
    ctx.topic = (subject, loc)
