"""Memory per statement, offline: the worker's code paths in one process, measured with tracemalloc.

The live load benchmark (:mod:`.load`) measures a worker's RSS; this one says
*which* structure grows, in seconds rather than a quarter of an hour. The same
events as the load benchmark's (``load.claim_events``) go through what a worker
does with each: the consensus agent's step (``ClaimState.from_dict`` of the
Table value, ``ConsensusEngine.apply``, the new state's ``to_dict`` written to a
dict standing in for the ``memory://`` Table, the reliability records into the
book) and the read model's fold of the three output topics (the observation,
the update and the alert, each decoded from its bytes as the feeder does).

The phases of the load benchmark: ``new claims`` (each of ``claims`` keys gets
one statement from each of its sources) and ``repeats 1..3`` (later statements by
the same sources on the same claims: nothing new to remember), with more
statements per claim (60 by default) than the load benchmark's 10, so that the
bounded per-claim state fills up within the first round. Reported per phase,
for the consensus step alone and with the read model: the bytes still allocated
at the end of the phase (Python's allocations, via tracemalloc, after a garbage
collection) per 10,000 statements. Memory levels off when the later rounds show
about 0; growth in the first round only is the per-claim state filling up to its
bound (two statements per source in the log, 32 seen ids).

``python -m streams.bench.memory [--events N --claims N]``, or ``python -m streams.bench memory``.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from typing import Any

import orjson

from schemas.codec import decode, dumps
from schemas.events import ClaimObserved, ConsensusUpdated, ContradictionDetected
from streams.bench.load import ROUNDS, claim_events
from streams.consensus import ClaimState, ConsensusEngine, EngineSettings, ReliabilityBook
from streams.readmodel.model import ReadModel
from streams.readmodel.recompute import recompute_consensus


class Worker:
    """What one worker keeps: the Table values, the engine and its book, the read model."""

    def __init__(self) -> None:
        self.engine = ConsensusEngine(EngineSettings(), ReliabilityBook())
        self.table: dict[str, dict[str, Any]] = {}
        self.model = ReadModel(recompute=recompute_consensus)

    def consensus(self, raw: bytes) -> list[tuple[type[Any], bytes]]:
        """The consensus agent's step; the records it publishes for the read model."""
        obs = decode(raw, ClaimObserved)
        stored = self.table.get(obs.claim_key)
        state = ClaimState.from_dict(stored) if stored else None
        step = self.engine.apply(state, obs)
        out: list[tuple[type[Any], bytes]] = [(ClaimObserved, raw)]
        alert = step.alert_wire()
        if alert is not None:
            out.append((ContradictionDetected, alert))
        # the Table's value goes through JSON (changelog, or the rocksdb value)
        self.table[obs.claim_key] = orjson.loads(orjson.dumps(step.state.to_dict()))
        for key, value in step.reliability:
            self.engine.reliability.ingest(key, value)
        update = step.update_wire()
        if update is not None:
            out.append((ConsensusUpdated, update))
        return out

    def readmodel(self, records: list[tuple[type[Any], bytes]]) -> None:
        for cls, raw in records:
            event: Any = decode(raw, cls)
            if cls is ClaimObserved:
                self.model.observe_claim(event)
            elif cls is ConsensusUpdated:
                self.model.observe_consensus(event)
            else:
                self.model.observe_alert(event)


def _traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def measure(events: int, claims: int, sources: int, parts: tuple[str, ...]) -> dict[str, Any]:
    """Bytes allocated per 10,000 statements in each phase, with only ``parts`` running
    (``consensus``: the agent's step and Table; ``readmodel``: also the read model)."""
    new, repeats = claim_events(events, claims, sources_per_claim=sources)
    size = -(-len(repeats) // ROUNDS)
    plan = [("new claims", [dumps(e) for e in new])]
    plan += [(f"repeats {r + 1}", [dumps(e) for e in repeats[r * size:(r + 1) * size]])
             for r in range(ROUNDS)]
    tracemalloc.start()
    worker = Worker()
    base = _traced()
    rows = []
    for name, batch in plan:
        before = _traced()
        started = time.perf_counter()
        for raw in batch:
            out = worker.consensus(raw)
            if "readmodel" in parts:
                worker.readmodel(out)
        took = time.perf_counter() - started
        after = _traced()
        rows.append({"phase": name, "statements": len(batch),
                     "growth_mb_per_10k": round((after - before) / 2**20 / max(len(batch), 1) * 1e4, 2),
                     "held_mb": round((after - base) / 2**20, 1), "seconds": round(took, 1)})
    table_bytes = sum(len(orjson.dumps(v)) for v in worker.table.values())
    tracemalloc.stop()
    return {"parts": parts, "phases": rows,
            "table_json_bytes_per_claim": round(table_bytes / max(len(worker.table), 1))}


def run(events: int = 30_000, claims: int = 500, sources: int = 3) -> dict[str, float]:
    figures: dict[str, float] = {"events": float(events), "claims": float(claims)}
    for parts, label in ((("consensus",), "consensus"), (("consensus", "readmodel"), "worker")):
        result = measure(events, claims, sources, parts)
        for row in result["phases"]:
            key = f"{label}_{row['phase'].replace(' ', '_')}_growth_mb_per_10k"
            figures[key] = row["growth_mb_per_10k"]
            print(f"  {label:<9} {row['phase']:<10} {row['statements']:>7} statements:"
                  f" {row['growth_mb_per_10k']:+8.2f} MB per 10,000 (held {row['held_mb']:7.1f} MB,"
                  f" {row['seconds']:5.1f} s)", flush=True)
        figures[f"{label}_table_json_bytes_per_claim"] = float(result["table_json_bytes_per_claim"])
        print(f"  {label:<9} Table value per claim at the end: {result['table_json_bytes_per_claim']} bytes"
              " of JSON", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streams.bench.memory", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--sources", type=int, default=3, help="sources per claim")
    args = parser.parse_args(argv)
    run(args.events, args.claims, args.sources)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
