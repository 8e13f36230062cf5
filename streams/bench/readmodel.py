"""Read model: folding the output topics and answering the query API.

Why it matters: every worker folds *all* partitions of ``claims.observed``,
``consensus.updated`` and ``alerts.contradictions``, and the query handlers
run on the worker's event loop, so both must stay cheap next to the rest.

Figures (ratios against a baseline measured in the same process and run):

* ``fold_vs_decode``: decoding a record (orjson + pydantic validation, which
  any consumer of the topics pays) and folding it into the model, over
  decoding alone; ``fold_vs_decode_and_keep``: the same over decoding and
  keeping every event in a list (what any in-memory view of the log pays: the
  retained objects make the garbage collector work harder, and that, not the
  folding logic, is most of the cost).
* ``list_filtered_vs_scan``: a filtered ``list_claims`` over 100,000 claims,
  over a bare substring scan of the same number of strings.
* absolute: records folded per second, and milliseconds for an unfiltered
  page, a filtered page, a history (500 observations) rendered to JSON bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from schemas.codec import decode, dumps
from schemas.events import (
    ClaimObserved,
    ConsensusUpdated,
    Estimate,
    Evidence,
    Source,
    Supporter,
    Value,
)
from streams.readmodel import ReadModel

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _records(n_claims: int, per_claim: int) -> list[tuple[type[Any], bytes]]:
    """Wire records in stream order: each observation followed by the consensus it caused."""
    out: list[tuple[type[Any], bytes]] = []
    for j in range(per_claim):
        for i in range(n_claims):
            key = f"subject-{i}:count@place-{i % 97}"
            text = f"Officials in place {i % 97} said {100 + j} people from group {i} were counted."
            obs = ClaimObserved(
                event_id=f"{i}-{j}", claim_key=key, subject=f"group {i}", measure="count",
                location=f"Place {i % 97}", value=Value(low=90 + j, best=100 + j, high=110 + j),
                source=Source(name=f"source {j % 13}"), article_id=f"a{i}-{j}",
                evidence=Evidence(text=text, start=0, end=len(text)),
                observed_at=T0 + timedelta(seconds=j * n_claims + i),
            )
            cons = ConsensusUpdated(
                claim_key=key, version=j + 1, estimate=Estimate(low=90, best=100 + j / 2, high=110 + j),
                supporting=[Supporter(source=f"source {k % 13}", stance="asserts", weight=1 / (k + 1),
                                      event_id=f"{i}-{k}") for k in range(min(j + 1, 5))],
                n_sources=min(j + 1, 13), updated_at=obs.observed_at, trigger_event_id=obs.event_id,
            )
            out.append((ClaimObserved, dumps(obs)))
            out.append((ConsensusUpdated, dumps(cons)))
    return out


def _best_of(fun: Callable[[], Any], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` runs (the least disturbed by the shared machine)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fun()
        times.append(time.perf_counter() - started)
    return min(times)


def run() -> dict[str, float]:
    records = _records(n_claims=2_000, per_claim=5)

    def decode_only() -> None:
        for cls, raw in records:
            decode(raw, cls)

    def decode_and_keep() -> None:
        kept = [decode(raw, cls) for cls, raw in records]
        assert kept

    def decode_and_fold() -> None:
        model = ReadModel()
        for cls, raw in records:
            event = decode(raw, cls)
            if cls is ClaimObserved:
                model.observe_claim(event)
            else:
                model.observe_consensus(event)

    # Interleave baseline and measured runs so both see the same machine noise.
    base, kept, folded = [], [], []
    for _ in range(3):
        base.append(_best_of(decode_only, 1))
        kept.append(_best_of(decode_and_keep, 1))
        folded.append(_best_of(decode_and_fold, 1))
    t_decode, t_keep, t_fold = min(base), min(kept), min(folded)

    # A big model for the queries: 100,000 claims, one claim with a long history.
    big = ReadModel(max_history=500)
    template = decode(records[0][1], ClaimObserved)
    for i in range(100_000):
        big.observe_claim(template.model_copy(update={
            "event_id": f"q{i}", "claim_key": f"subject-{i}:count", "subject": f"group {i}",
            "location": f"Place {i % 97}"}))
    for j in range(600):
        big.observe_claim(template.model_copy(update={"event_id": f"h{j}", "claim_key": "long:count"}))
    # The same text the model searches per claim: key, subject, location, source, evidence.
    texts = [
        f"subject-{i}:count\ngroup {i}\nplace {i % 97}\ncount\nsource 0\n"
        f"officials in place {i % 97} said 100 people from group {i} were counted."
        for i in range(100_000)
    ]

    t_page = _best_of(lambda: big.list_claims(limit=200))
    t_filtered = _best_of(lambda: big.list_claims(q="place 42", limit=200))
    words = ["place", "42"]
    t_scan = _best_of(lambda: [t for t in texts if all(w in t for w in words)])
    t_history = _best_of(lambda: orjson.dumps(big.history("long:count")))

    figures = {
        "fold_records_per_s": len(records) / t_fold,
        "decode_records_per_s": len(records) / t_decode,
        "fold_vs_decode": t_fold / t_decode,
        "fold_vs_decode_and_keep": t_fold / t_keep,
        "list_page_ms_100k_claims": t_page * 1000,
        "list_filtered_ms_100k_claims": t_filtered * 1000,
        "list_filtered_vs_scan": t_filtered / t_scan,
        "history_json_ms_500_obs": t_history * 1000,
    }
    print(f"fold: {figures['fold_records_per_s']:,.0f} records/s "
          f"(decode alone {figures['decode_records_per_s']:,.0f}/s; "
          f"decode+fold / decode = {figures['fold_vs_decode']:.2f}; "
          f"/ decode and keep every event = {figures['fold_vs_decode_and_keep']:.2f})")
    print(f"list 200 of 100k claims: {figures['list_page_ms_100k_claims']:.2f} ms unfiltered, "
          f"{figures['list_filtered_ms_100k_claims']:.1f} ms filtered "
          f"({figures['list_filtered_vs_scan']:.2f}x a bare substring scan)")
    print(f"history of 500 observations to JSON: {figures['history_json_ms_500_obs']:.2f} ms")
    return figures


if __name__ == "__main__":
    run()
