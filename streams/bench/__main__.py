"""``python -m streams.bench [name ...] [--million]``: the headline benchmarks (or the named ones; ``all``:
every module but the long ones in ``OPT_IN``, which run only when named: ``python -m streams.bench load``,
``make bench BENCH=load``).

``--million`` adds 1,000,000 claim events to the restart benchmark (:mod:`.restart`; slow).

Writes one JSON document, ``artifacts/bench.json`` (rows of the table and every
raw figure, see :mod:`.table`), and prints one table. The README's speed table
is generated from that file by ``python -m streams.bench.readme``.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

import streams.bench as bench_pkg
from streams.bench.table import HEADLINE, document, render_text

#: modules of this package that are not benchmarks
NOT_BENCHMARKS = frozenset({"table", "readme"})

#: long benchmarks, run only when named (load: 100,000 events through a live worker)
OPT_IN = frozenset({"load"})


def main(argv: list[str]) -> int:
    if "--million" in argv:
        os.environ["CLAIMWATCH_BENCH_MILLION"] = "1"
    argv = [a for a in argv if not a.startswith("--")]
    every = sorted(
        m.name for m in pkgutil.iter_modules(bench_pkg.__path__)
        if not m.name.startswith("_") and m.name not in NOT_BENCHMARKS and m.name not in OPT_IN
    )
    names = every if argv == ["all"] else (argv or list(HEADLINE))
    results: dict[str, dict[str, float]] = {}
    failed = []
    for name in names:
        print(f"\n## bench: {name}", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"streams.bench.{name}")
            results[name] = module.run()
        except Exception as exc:
            failed.append(name)
            print(f"bench {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        print(f"({name} took {time.perf_counter() - started:.1f}s)", flush=True)
    broker = "Kafka at KAFKA_BOOTSTRAP_SERVERS" if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") else "embedded broker"
    doc = document(results, failed, broker)
    out = Path("artifacts")
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    print("\n" + render_text(doc))
    print(f"\nresults written to {out / 'bench.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
