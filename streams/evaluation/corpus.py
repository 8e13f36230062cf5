"""Extraction over every annotated set, scored per set and leave-one-story-out.

For each story the learned place choice is retrained without that story's articles
(``streams.training.place_choice``) and that story is extracted with it, so no figure is
scored by a model that saw it. The same articles are also extracted with the rules alone,
for the comparison. Printed per set and over all sets:

- ``loose``: the figure (value within 10%, stance, presence vs quantity) in the right article;
- ``full``: loose plus the place and the source (the DESIGN.md rule);
- ``full+measure``: full plus the measure (an arrest keyed as deaths is an error);
- per stage, given the right figure: source, place, measure and as_of accuracy;
- key consistency (sets with ``fact`` ids): the share of pairs of gold claims about one fact
  whose extracted claims share a claim_key (goal >= 0.9), and key purity: the share of pairs
  about different facts of one story that share a key (goal <= 0.05).

Run: ``python -m streams.evaluation.corpus`` (part of ``make eval``).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from schemas.events import ClaimObserved
from streams.evaluation.extraction import matches, same_figure, same_place, same_speaker, score
from streams.training.corpus import AnnotatedSet, load_corpus

# The DESIGN.md rule and its parts, from the per-set scorer: one definition of a match.
loose_match = same_figure
_place_ok = same_place
_source_ok = same_speaker
full_match = matches


def measure_match(c: ClaimObserved, g: dict[str, Any]) -> bool:
    return full_match(c, g) and c.measure == g["measure"]


def _f1(claims: Sequence[ClaimObserved], gold: Sequence[dict[str, Any]], match: Any) -> tuple[float, float, float]:
    res = score(claims, gold, match)
    return res["precision"], res["recall"], res["f1"]


def _evidence_overlap(c: ClaimObserved, g: dict[str, Any], text: str) -> bool:
    i = text.find(g["evidence"])
    return i < 0 or (i < c.evidence.end and c.evidence.start < i + len(g["evidence"]))


@dataclass
class Scores:
    name: str
    n_gold: int = 0
    n_claims: int = 0
    loose: tuple[float, float, float] = (0.0, 0.0, 0.0)
    full: tuple[float, float, float] = (0.0, 0.0, 0.0)
    measure: tuple[float, float, float] = (0.0, 0.0, 0.0)
    stages: dict[str, float] = field(default_factory=dict)
    consistency: tuple[int, int] = (0, 0)  # (pairs agreeing, pairs) over gold pairs of one fact
    purity: tuple[int, int] = (0, 0)  # (pairs sharing a key, pairs) over pairs of different facts


def _stage_checks(g: dict[str, Any]) -> dict[str, Any]:
    """Per-stage checks of an extracted claim against the gold claim of its figure."""
    return {
        "source": lambda c: _source_ok(c, g),
        "place": lambda c: _place_ok(c, g),
        "measure": lambda c: c.measure == g["measure"],
        "as_of": lambda c: c.as_of is not None and c.as_of.date().isoformat() == str(g.get("as_of"))[:10],
    }


def score_set(aset: AnnotatedSet, claims: Sequence[ClaimObserved]) -> Scores:
    gold = aset.gold
    s = Scores(aset.name, len(gold), len(claims))
    s.loose = _f1(claims, gold, loose_match)
    s.full = _f1(claims, gold, full_match)
    s.measure = _f1(claims, gold, measure_match)
    texts = {a.id: a.text for a in aset.articles}
    by_article: dict[str, list[ClaimObserved]] = {}
    for c in claims:
        by_article.setdefault(c.article_id, []).append(c)
    # Per stage, given the right figure: the extracted claim of the figure that is best on
    # the other stages (so a place error is not also counted as a source error).
    stage_ok = {"source": 0, "place": 0, "measure": 0, "as_of": 0}
    n_loose = 0
    key_of: dict[int, str] = {}
    for gi, g in enumerate(gold):
        cands = [c for c in by_article.get(g["article_id"], []) if loose_match(c, g)]
        near = [c for c in cands if _evidence_overlap(c, g, texts.get(g["article_id"], ""))]
        cands = near or cands
        if not cands:
            continue
        n_loose += 1
        checks = _stage_checks(g)
        best = max(cands, key=lambda c: sum(f(c) for f in checks.values()))
        for k, f in checks.items():
            stage_ok[k] += bool(f(best))
        key_of[gi] = best.claim_key
    s.stages = {k: (v / n_loose if n_loose else 0.0) for k, v in stage_ok.items()}
    agree = pairs = shared = others = 0
    for (i, a), (j, b) in itertools.combinations(enumerate(gold), 2):
        if not a.get("fact") or not b.get("fact") or i not in key_of or j not in key_of:
            continue
        if aset.story_of.get(a["article_id"]) != aset.story_of.get(b["article_id"]):
            continue
        if a["fact"] == b["fact"]:
            pairs += 1
            agree += key_of[i] == key_of[j]
        else:
            others += 1
            shared += key_of[i] == key_of[j]
    s.consistency = (agree, pairs)
    s.purity = (shared, others)
    return s


Claims = dict[str, list[ClaimObserved]]


def extract_loso(corpus: Sequence[AnnotatedSet]) -> tuple[Claims, Claims]:
    """Claims per set with the rules alone, and with each story's leave-one-out model."""
    from streams.extraction import Extractor
    from streams.training import place_choice as training

    ex = Extractor(learned_places=False)
    groups = training.collect(corpus, ex)
    models = training.loso_models(groups)
    margin, _ = training.pick_margin(groups, models)
    rules: dict[str, list[ClaimObserved]] = {}
    learned: dict[str, list[ClaimObserved]] = {}
    for aset in corpus:
        for story in aset.stories():
            arts = [a for a in aset.articles if aset.story_of[a.id] == story]
            ex.place_model = None
            for _, res in ex.extract_many(arts):
                rules.setdefault(aset.name, []).extend(res if isinstance(res, list) else [])
            fold = models.get(story)
            if fold is None:  # a story none of whose figures matched: every group is another story's
                fold = training.fit(groups, margin, training.set_weight)
            ex.place_model = replace(fold, margin=margin)
            for _, res in ex.extract_many(arts):
                learned.setdefault(aset.name, []).extend(res if isinstance(res, list) else [])
    return rules, learned


def _fmt(t: tuple[float, float, float]) -> str:
    return f"{t[0]:.3f}/{t[1]:.3f}/{t[2]:.3f}"


def _pooled(corpus: Sequence[AnnotatedSet], claims: dict[str, list[ClaimObserved]]) -> Scores:
    merged = AnnotatedSet(
        "ALL",
        [a for s in corpus for a in s.articles],
        [g for s in corpus for g in s.gold],
        {k: v for s in corpus for k, v in s.story_of.items()},
    )
    return score_set(merged, [c for s in corpus for c in claims.get(s.name, [])])


def report(corpus: Sequence[AnnotatedSet], rules: dict[str, list[ClaimObserved]],
           learned: dict[str, list[ClaimObserved]]) -> list[str]:  # fmt: skip
    lines = [
        "extraction over the annotated sets; learned = leave-one-story-out place choice",
        f"{'set':8} {'gold':>5}  {'loose P/R/F1':17}  {'full rules':17}  {'full learned':17}  "
        f"{'full+measure':17}  src   place meas  as_of  key-consistency  key-purity",
    ]
    rows = [(s, score_set(s, rules.get(s.name, [])), score_set(s, learned.get(s.name, []))) for s in corpus]
    rows.append((None, _pooled(corpus, rules), _pooled(corpus, learned)))  # type: ignore[arg-type]
    for aset, r, m in rows:
        name = aset.name if aset is not None else "ALL"
        cons = f"{m.consistency[0] / m.consistency[1]:.3f} ({m.consistency[1]})" if m.consistency[1] else "-"
        pur = f"{m.purity[0] / m.purity[1]:.3f} ({m.purity[1]})" if m.purity[1] else "-"
        st = m.stages
        lines.append(
            f"{name:8} {m.n_gold:>5}  {_fmt(m.loose):17}  {_fmt(r.full):17}  {_fmt(m.full):17}  {_fmt(m.measure):17}  "
            f"{st.get('source', 0):.2f}  {st.get('place', 0):.2f}  {st.get('measure', 0):.2f}  {st.get('as_of', 0):.2f}"
            f"   {cons:15}  {pur}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streams.evaluation.corpus")
    parser.add_argument("--sets", nargs="*", help="set names (default: every annotated set present)")
    args = parser.parse_args(argv)
    corpus = load_corpus(tuple(args.sets)) if args.sets else load_corpus()
    rules, learned = extract_loso(corpus)
    print("\n".join(report(corpus, rules, learned)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
