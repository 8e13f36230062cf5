"""Extraction throughput against the bare parse it is built on.

Baseline: ``nlp.pipe`` over the same texts with the same pipeline (the
extractor's, including its paragraph splitter) and the same batch size, in
the same process, alternated run by run with ``Extractor.extract_many`` so
both see the same machine noise. The ratio (extract articles/s over bare
articles/s) is what extraction costs on top of the parse; the issue asks for
at least 0.8.

Texts: the bundled sample articles plus a few short synthetic stories (in the
package, not the evaluation data), repeated to a fixed count.
"""

from __future__ import annotations

import json
import statistics
import time
from importlib import resources

from schemas.events import Article
from streams.extraction import Extractor

N_ARTICLES = 96
ROUNDS = 7
BATCH = 32

_EXTRA = [
    "Flash floods swept through three villages in northern Pakistan on Sunday, killing at least 37 "
    "people, the provincial disaster authority said. Officials said around 1,200 homes had been "
    "damaged and more than 5,000 residents were moved to relief camps.",
    "Tens of thousands of people rallied in Buenos Aires on Friday against spending cuts. The city "
    "police put the crowd at 30,000, while the unions said 250,000 had marched. Police said 21 "
    "people were arrested.",
    "The health ministry in Gaza said 47 people had been killed in overnight strikes. The Israeli "
    "military said it had struck dozens of militant targets and denied the reports of civilian "
    "casualties as false.",
]


def _articles() -> list[Article]:
    raw = resources.files("streams").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    base = [Article.model_validate(json.loads(line)) for line in raw.splitlines() if line.strip()]
    base += [Article(id=f"bench-{i}", text=t) for i, t in enumerate(_EXTRA)]
    out: list[Article] = []
    while len(out) < N_ARTICLES:
        for a in base:
            out.append(a.model_copy(update={"id": f"{a.id}#{len(out)}"}))
    return out[:N_ARTICLES]


def run() -> dict[str, float]:
    ex = Extractor()
    nlp = ex.nlp
    articles = _articles()
    texts = [a.text for a in articles]
    list(nlp.pipe(texts[:8]))  # warm-up
    list(ex.extract_many(articles[:8]))
    bare: list[float] = []
    full: list[float] = []
    n_claims = 0
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=BATCH):
            pass
        bare.append(len(texts) / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        n_claims = 0
        for _a, result in ex.extract_many(articles, batch_size=BATCH):
            if isinstance(result, list):
                n_claims += len(result)
        full.append(len(texts) / (time.perf_counter() - t0))
    # Best of the alternated rounds: other processes on a shared machine only ever slow a
    # round down, so the fastest round of each side is the least disturbed measurement.
    bare_rate = max(bare)
    full_rate = max(full)
    # Each extract round runs right after its bare round, so the two share the machine's
    # load of the moment: the median of the paired ratios is the steadiest figure.
    ratio = statistics.median(f / b for b, f in zip(bare, full, strict=True))
    # The same cost measured directly (less noisy than two throughputs): the pass over
    # already-parsed docs, per article, against the parse per article.
    docs = list(nlp.pipe(texts, batch_size=BATCH))
    t0 = time.perf_counter()
    for a, doc, text in zip(articles, docs, texts, strict=True):
        ex._claims(a, doc, text)
    extra_ms = (time.perf_counter() - t0) * 1000 / len(texts)
    parse_ms = 1000 / bare_rate
    direct_ratio = parse_ms / (parse_ms + extra_ms)
    print(f"extraction: {len(texts)} articles x {ROUNDS} alternated rounds (best of each), batch {BATCH}")
    print(f"  (medians: bare {statistics.median(bare):.1f}/s, extract {statistics.median(full):.1f}/s)")
    print(f"  bare nlp.pipe      {bare_rate:8.1f} articles/s")
    print(f"  Extractor.extract  {full_rate:8.1f} articles/s  ({n_claims} claims per round)")
    print(f"  ratio              {ratio:8.3f}  (median of paired rounds; target >= 0.8)")
    print(
        f"  claim pass         {extra_ms:8.2f} ms/article on top of {parse_ms:.1f} ms parse -> ratio {direct_ratio:.3f}"
    )
    return {
        "bare_articles_per_s": bare_rate,
        "extract_articles_per_s": full_rate,
        "ratio": ratio,
        "claim_pass_ms_per_article": extra_ms,
        "direct_ratio": direct_ratio,
        "claims_per_round": float(n_claims),
    }


if __name__ == "__main__":
    run()
