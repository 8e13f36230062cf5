"""Every claim the extractor makes on every article we have, as sorted JSON lines.

A refactoring of ``streams.extraction`` that claims to keep behaviour must leave this
output byte-identical. It runs the extractor twice over the same articles:

* ``default``: ``Extractor()`` through ``extract_many`` (the batch path, ``nlp.pipe``);
* ``wide``: every ``emit_*`` option on, the learned place choice on, and the place
  candidates the rules propose recorded (``on_place_candidates``), through ``extract``
  (the single-article path), so the branches the default leaves idle are covered too.

Articles: every ``tests/data/extraction/*_articles.jsonl``, the bundled demo samples
(``streams/samples/articles.jsonl``), the seed data set (``../shared/data``) and the seed
articles (``../shared/seeds/*.txt``, one article per file). ``observed_at`` is the wall
clock for an article without ``published_at``; it is written as ``"<now>"`` there.

    python -m streams.evaluation.snapshot OUT.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from schemas.events import Article, ClaimObserved
from streams.extraction.extractor import Extractor
from streams.extraction.rejections import RejectedArticle

_REPO = Path(__file__).resolve().parents[2]
_SHARED = _REPO.parent / "shared"


def articles() -> Iterator[tuple[str, Article]]:
    """(origin, article) for every article we have, in a fixed order."""
    files = sorted((_REPO / "tests" / "data" / "extraction").glob("*_articles.jsonl"))
    files.append(_REPO / "streams" / "samples" / "articles.jsonl")
    files += sorted((_SHARED / "data").glob("**/articles.jsonl"))
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                yield f"{f.name}:{n}", Article.model_validate_json(line)
    for f in sorted((_SHARED / "seeds").glob("*.txt")):
        yield f.name, Article(id=f.stem, text=f.read_text(encoding="utf-8"))


def _claim_line(config: str, origin: str, article: Article, claim: ClaimObserved) -> str:
    dumped = claim.model_dump(mode="json")
    if article.published_at is None:
        dumped["observed_at"] = "<now>"
    return json.dumps({"config": config, "origin": origin, "claim": dumped}, sort_keys=True, ensure_ascii=False)


def _result_lines(
    config: str, origin: str, article: Article, result: list[ClaimObserved] | RejectedArticle
) -> list[str]:
    if isinstance(result, RejectedArticle):
        return [json.dumps({"config": config, "origin": origin, "rejected": str(result)}, sort_keys=True)]
    return sorted(_claim_line(config, origin, article, c) for c in result)


def _candidate_recorder(lines: list[str], origin: dict[str, str]) -> Any:
    def record(article: Article, draft: Any, cands: list[Any]) -> None:
        lines.append(
            json.dumps(
                {
                    "config": "wide",
                    "origin": origin["now"],
                    "draft": [
                        draft.subject.name,
                        draft.measure,
                        draft.loc_rule,
                        draft.anchor,
                        getattr(draft.loc, "slug", None),
                    ],
                    "candidates": [[c.loc.slug, c.loc.name, sorted(c.features.items())] for c in cands],
                },
                sort_keys=True,
            )
        )

    return record


def snapshot() -> list[str]:
    """The lines of the snapshot (claims, rejections and place candidates)."""
    every = list(articles())
    lines: list[str] = []
    default = Extractor()
    results = default.extract_many([a for _, a in every], batch_size=8)
    for (origin, article), (_, result) in zip(every, results, strict=True):
        lines += _result_lines("default", origin, article, result)
    wide = Extractor(
        default.nlp, emit_neutral_presence=True, emit_neutral_figures=True, emit_unattributed=True, learned_places=True
    )
    current = {"now": ""}
    wide.on_place_candidates = _candidate_recorder(lines, current)
    for origin, article in every:
        current["now"] = origin
        try:
            claims: list[ClaimObserved] | RejectedArticle = wide.extract(article)
        except RejectedArticle as e:
            claims = e
        lines += _result_lines("wide", origin, article, claims)
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out", help="where to write the snapshot (JSON lines)")
    args = p.parse_args(argv)
    lines = snapshot()
    Path(args.out).write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    print(f"{len(lines)} lines -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
