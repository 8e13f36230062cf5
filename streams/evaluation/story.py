"""The story the bundled samples tell an analyst, as figures.

Extracts ``streams/samples/articles.jsonl``, replays the claims as
``claimwatch replay`` does (every update, then settling), and prints:

* the final presence probability of a force that several independent
  sources quantify and only the accused parties deny
  (``north-korean-troops:presence@russia``; goal ≥ 0.9);
* ``consensus.updated`` records per observation, and the alerts by kind.

    python -m streams.evaluation.story [ARTICLES.jsonl] [--key CLAIM_KEY]
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from pathlib import Path

import orjson

from streams.configured import build_engine
from streams.consensus.evidence import presence_evidence
from streams.replay import Replayer

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "articles.jsonl"
KEY = "north-korean-troops:presence@russia"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="?", default=str(SAMPLES))
    ap.add_argument("--key", default=KEY)
    args = ap.parse_args(argv)

    from schemas.codec import dumps
    from schemas.events import Article
    from streams.extraction import Extractor

    articles = [Article.model_validate_json(line) for line in Path(args.articles).read_bytes().splitlines()
                if line.strip()]
    extractor = Extractor()
    models = [c for a in articles for c in extractor.extract(a)]
    claims = [dumps(c) for c in models]
    derived = sum(len(presence_evidence(c)) for c in models)
    replayer = Replayer(build_engine())
    outputs = [orjson.loads(b) for b in itertools.chain(
        replayer.feed_lines(enumerate(claims, 1)), replayer.settle_wire())]
    updates = [o for o in outputs if o["type"] == "ConsensusUpdated"]
    alerts = Counter(o["kind"] for o in outputs if o["type"] == "ContradictionDetected")
    final = [u for u in updates if u["claim_key"] == args.key]
    p = final[-1]["presence"]["probability"] if final and final[-1]["presence"] else None
    print(f"story — {Path(args.articles).name}: {len(articles)} articles, {len(claims)} claims")
    print(f"  P(presence) {args.key}: {p if p is not None else 'n/a'} (goal >= 0.9)")
    print(f"  consensus.updated per observation: {len(updates) / max(len(claims), 1):.2f} "
          f"({len(updates)} updates; {len(claims)} claims and {derived} presence statements "
          f"derived from counts: {len(updates) / max(len(claims) + derived, 1):.2f} per event)")
    print("  alerts: " + (", ".join(f"{k} {n}" for k, n in sorted(alerts.items())) or "none"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
