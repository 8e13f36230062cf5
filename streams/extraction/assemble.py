"""The events of an article: its claim drafts as ``ClaimObserved``, keyed and deduplicated."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from schemas.events import Article, ClaimObserved, Evidence, Source, Value
from streams.extraction.attribution import SourceRef
from streams.extraction.discourse import Draft
from streams.extraction.forces import FORCES
from streams.extraction.owners import owner_nationality
from streams.extraction.parse import trimmed
from streams.extraction.subjects import SubjectRef, claim_key, parent_key


def assemble(
    article: Article,
    text: str,
    drafts: list[Draft],
    gaz: Any,
    *,
    emit_unattributed: bool = False,
    emit_neutral_figures: bool = False,
) -> list[ClaimObserved]:
    """The ``ClaimObserved`` events of an article's drafts: one per draft and source, less
    repeats (same key, source, stance and value). Drafts nobody vouches for are dropped
    unless ``emit_unattributed`` (they are then the outlet's), neutral figures unless
    ``emit_neutral_figures``. A force's owner is put in the article's own terms ("ANT
    troops" are "Chadian troops" where it defines the ANT). The event id is a hash of the
    article, key, source, evidence span and value, so a replay gives the same ids. Pure:
    the drafts are not changed.
    """
    out: list[ClaimObserved] = []
    seen: set[tuple[str, str, str, str]] = set()
    published = article.published_at
    observed = published or datetime.now(UTC)
    for d in drafts:
        if not d.sources and not emit_unattributed:
            continue
        subject = d.subject
        nat = subject.nationality
        if nat and subject.noun in FORCES:
            # "ANT troops" are "Chadian troops" where the article defines the ANT as the
            # Chadian National Army: one key per country's force.
            canonical = owner_nationality(nat, d.sent.doc, gaz)
            if canonical and canonical != nat:
                subject = SubjectRef(subject.noun, canonical, subject.scope, subject.event)
        if d.stance == "neutral" and d.quantity is not None and not emit_neutral_figures:
            continue
        loc_slug = d.loc.slug if d.loc else None
        key = claim_key(subject, d.measure, loc_slug)
        pkey = parent_key(subject, d.measure, loc_slug)
        start, end = trimmed(d.sent, text)
        evidence = Evidence(text=text[start:end], start=start, end=end)
        value = None
        if d.quantity is not None:
            q = d.quantity
            value = Value(low=q.low, best=q.best, high=q.high, hedge=q.hedge)
        sources = d.sources or [SourceRef(article.outlet or "unattributed", "outlet", "outlet", False)]
        for s in sources:
            vkey = f"{value.best if value else ''}"
            dedupe = (key, s.name.lower(), d.stance, vkey)
            if dedupe in seen:
                continue
            seen.add(dedupe)
            raw = f"{article.id}\x1f{key}\x1f{s.name}\x1f{start}:{end}\x1f{vkey}"
            event_id = hashlib.sha256(raw.encode()).hexdigest()[:32]
            out.append(
                ClaimObserved(
                    event_id=event_id,
                    claim_key=key,
                    subject=subject.name,
                    measure=d.measure,
                    location=d.loc.name if d.loc else None,
                    value=value,
                    stance=d.stance,  # type: ignore[arg-type]
                    source=Source(name=s.name, kind=s.kind),
                    outlet=article.outlet,
                    article_id=article.id,
                    url=article.url,
                    published_at=published,
                    as_of=d.as_of or published,
                    evidence=evidence,
                    confidence=round(min(1.0, d.confidence if s.explicit or not d.sources else d.confidence - 0.1), 3),
                    parent_key=pkey,
                    observed_at=observed,
                )
            )
    return out
