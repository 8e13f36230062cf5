"""Alert precision and recall: the alerts an analyst gets, against the alerts the
story itself calls for.

Each annotated story (``tests/data/extraction/*_articles.jsonl`` and
``*_gold.jsonl``; sets test9..test12 group two articles per ``story``, the
older sets one article per story) is replayed in time order (published_at)
twice, on a fresh engine each time (``streams.configured.build_engine``, as
``claimwatch replay`` runs it, presence derived from counts included):

* from its gold claims, each turned into a ClaimObserved whose claim_key is
  built by the extractor's own key builder (``streams.extraction.subjects``:
  ``SubjectRef`` and ``claim_key``) from the gold subject, measure and place:
  these give the *reference alerts*, the ones perfect extraction would raise;
* from the claims ``streams.extraction.Extractor`` extracts from the articles.

An extracted alert is right when a reference alert of the same story has the
same claim_key, the same kind and a source that names the same speaker (the
extraction scorer's ``same_source``). Precision = right alerts / extracted
alerts; recall = reference alerts matched / reference alerts; per set and over
every story.

The gold subject is read the way the extractor names subjects: the head noun's
class (``subject_class``: soldiers → troops, victims → people), a nationality
the gazetteer knows among its modifiers (its demonym) or, for a force, the
modifiers as its owner's name, the event in brackets ("people (Typhoon
Marilou)" → typhoon; none for forces) and the scope words the extractor uses
("arrived", "additional"). Gold subjects the extractor would name otherwise
give keys no extracted alert can match: that is measured, not hidden.

    python -m streams.evaluation.alerts [--sets test9,test10] [--verbose]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from schemas.events import Article, ClaimObserved, ContradictionDetected
from streams.configured import build_engine
from streams.evaluation.extraction import same_source
from streams.replay import Replayer
from streams.training.corpus import SETS, AnnotatedSet, load_corpus

_PARENS = re.compile(r"\(([^()]*)\)")


@dataclass
class Tally:
    """Alert counts of one set (or of all)."""

    stories: int = 0
    reference: int = 0
    extracted: int = 0
    right: int = 0  # extracted alerts that match a reference alert
    found: int = 0  # reference alerts matched by an extracted alert
    kinds: dict[str, list[int]] = field(default_factory=dict)  # kind -> [reference, extracted]

    def add(self, other: Tally) -> None:
        self.stories += other.stories
        self.reference += other.reference
        self.extracted += other.extracted
        self.right += other.right
        self.found += other.found
        for k, (r, e) in other.kinds.items():
            mine = self.kinds.setdefault(k, [0, 0])
            mine[0] += r
            mine[1] += e

    @property
    def precision(self) -> float | None:
        return self.right / self.extracted if self.extracted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.reference if self.reference else None


# -- gold claims as the extractor would key them ----------------------------------------


def _lemma(word: str) -> str:
    w = word.lower().strip(".,'’")
    for end, repl in (("ies", "y"), ("men", "man"), ("s", "")):
        if w.endswith(end) and len(w) > len(end) + 2:
            return w[: -len(end)] + repl
    return w


def gold_key(subject: str, measure: str, location: str | None) -> str:
    """The claim_key the extractor's key builder gives the gold subject, measure and place."""
    from streams.extraction.events import EVENT_NOUNS
    from streams.extraction.subjects import (
        SCOPE_ADJECTIVES,
        SCOPE_VERBS,
        SubjectRef,
        claim_key,
        subject_class,
    )
    from streams.geo import gazetteer, resolve_place, slugify

    brackets = " ".join(_PARENS.findall(subject)).lower().split()
    base = _PARENS.sub(" ", subject).split()
    head = base[-1] if base else subject
    noun = subject_class(head.lower()) or subject_class(_lemma(head)) or slugify(head)
    forces = noun in ("troops", "vessels")
    gaz = gazetteer()
    modifiers = " ".join(base[:-1])
    nationality = None
    if modifiers:  # as ``quantities.nationality``: a country's demonym, else a force's owner
        iso = gaz.nationality(modifiers) or next(
            (i for i in (gaz.nationality(w) for w in base[:-1] if w[:1].isupper()) if i), None)
        if iso:
            nationality = gaz.demonym(iso)
        elif forces and modifiers[:1].isupper():
            nationality = modifiers.removesuffix("'s").removesuffix("’s")
    event = None
    if not forces:
        event = next((EVENT_NOUNS[b] for b in brackets if b in EVENT_NOUNS), None)
        event = event or next((EVENT_NOUNS[w] for w in (_lemma(b) for b in brackets) if w in EVENT_NOUNS),
                              None)
    if noun == "protesters" and event in ("protest", "strike"):
        event = None  # protesters already name their event (as the extractor keys them)
    verbs = set(SCOPE_VERBS.values())
    scope = tuple(dict.fromkeys(b for b in brackets if b in SCOPE_ADJECTIVES or b in verbs))
    place = resolve_place(location) if location else None
    slug = place.slug if place is not None else (slugify(location) if location else None)
    return claim_key(SubjectRef(noun, nationality, scope, event), measure, slug)


def _when(text: str | None, default: datetime | None) -> datetime | None:
    if not text:
        return default
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def gold_events(article: Article, gold: Sequence[dict[str, Any]]) -> list[ClaimObserved]:
    """The article's gold claims as ClaimObserved events, in annotation order."""
    out = []
    published = article.published_at
    for i, g in enumerate(gold):
        gv = g.get("value")
        value = None
        if gv is not None:
            best = gv.get("best", gv.get("low"))
            hedge = g.get("hedge") or "exact"
            ranged = hedge == "range"
            value = {"best": best, "low": gv.get("low") if ranged else None,
                     "high": gv.get("high") if ranged else None, "hedge": hedge}
        src = g["source"]
        name = src if isinstance(src, str) else src.get("name", "")
        text = g.get("evidence") or ""
        start = max(article.text.find(text), 0) if text else 0
        out.append(ClaimObserved(
            event_id=f"gold:{article.id}:{i}",
            claim_key=gold_key(g["subject"], g["measure"], g.get("location")),
            subject=g["subject"], measure=g["measure"], location=g.get("location"),
            value=value, stance=g["stance"], source={"name": name or "unknown"},
            outlet=article.outlet, article_id=article.id, url=article.url,
            published_at=published, as_of=_when(g.get("as_of"), published),
            evidence={"text": text, "start": start, "end": start + len(text)},
            confidence=0.85, observed_at=published or datetime(1970, 1, 1, tzinfo=UTC),
        ))
    return out


# -- replay and match -------------------------------------------------------------------


def replay_alerts(events: Sequence[ClaimObserved]) -> list[ContradictionDetected]:
    """Every alert a fresh engine raises over ``events``, in order."""
    replayer = Replayer(build_engine())
    return [o for o in replayer.feed(events) if isinstance(o, ContradictionDetected)]


def _match(a: ContradictionDetected, r: ContradictionDetected) -> bool:
    return a.claim_key == r.claim_key and a.kind == r.kind and same_source(
        a.observation.source.name, r.observation.source.name)


def score_story(reference: Sequence[ContradictionDetected],
                extracted: Sequence[ContradictionDetected]) -> Tally:
    t = Tally(stories=1, reference=len(reference), extracted=len(extracted))
    t.right = sum(1 for a in extracted if any(_match(a, r) for r in reference))
    t.found = sum(1 for r in reference if any(_match(a, r) for a in extracted))
    for r in reference:
        t.kinds.setdefault(r.kind, [0, 0])[0] += 1
    for a in extracted:
        t.kinds.setdefault(a.kind, [0, 0])[1] += 1
    return t


def _in_time(articles: list[Article]) -> list[Article]:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return sorted(articles, key=lambda a: (a.published_at or epoch, a.id))


def score_set(aset: AnnotatedSet, extractor: Any, verbose: bool = False) -> Tally:
    tally = Tally()
    by_story: dict[str, list[Article]] = {}
    for a in aset.articles:
        by_story.setdefault(aset.story_of.get(a.id, a.id), []).append(a)
    gold_of: dict[str, list[dict[str, Any]]] = {}
    for g in aset.gold:
        gold_of.setdefault(g["article_id"], []).append(g)
    for story, articles in sorted(by_story.items()):
        ordered = _in_time(articles)
        reference = replay_alerts([e for a in ordered for e in gold_events(a, gold_of.get(a.id, []))])
        extracted = replay_alerts([c for a in ordered for c in extractor.extract(a)])
        t = score_story(reference, extracted)
        tally.add(t)
        if verbose and (reference or extracted):
            print(f"  {story}: reference {len(reference)}, extracted {len(extracted)}, right {t.right}")
            for r in reference:
                hit = any(_match(a, r) for a in extracted)
                print(f"    {'=' if hit else '-'} ref {r.kind:17} {r.claim_key} by {r.observation.source.name}")
            for x in extracted:
                if not any(_match(x, r) for r in reference):
                    print(f"    + ext {x.kind:17} {x.claim_key} by {x.observation.source.name}")
    return tally


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _line(name: str, t: Tally) -> str:
    return (f"{name:8} stories {t.stories:3}  reference alerts {t.reference:3}  extracted {t.extracted:3}  "
            f"precision {_fmt(t.precision)} ({t.right}/{t.extracted})  "
            f"recall {_fmt(t.recall)} ({t.found}/{t.reference})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    ap.add_argument("--verbose", action="store_true", help="every alert, matched or not")
    args = ap.parse_args(argv)

    from streams.extraction import Extractor

    extractor = Extractor()
    total = Tally()
    print("alert precision / recall: extracted claims against gold claims, each story replayed in time order")
    for aset in load_corpus(tuple(s for s in args.sets.split(",") if s)):
        t = score_set(aset, extractor, args.verbose)
        total.add(t)
        print("  " + _line(aset.name, t))
    print("  " + _line("all", total) + "  (goal: precision >= 0.9, recall >= 0.7)")
    kinds = ", ".join(f"{k} {r}/{e}" for k, (r, e) in sorted(total.kinds.items()))
    print(f"  alerts by kind, reference/extracted: {kinds or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
