"""``python -m streams.bench [name ...] [--million]``: run every benchmark module (or the named ones).

``--million`` adds 1,000,000 events to the restart benchmark (streams/bench/restart.py).
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


def main(argv: list[str]) -> int:
    if "--million" in argv:  # the restart benchmark at 1,000,000 events too (slow)
        os.environ["CLAIMWATCH_BENCH_MILLION"] = "1"
    argv = [a for a in argv if not a.startswith("--")]
    names = argv or sorted(m.name for m in pkgutil.iter_modules(bench_pkg.__path__) if not m.name.startswith("_"))
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
        print(f"({name} took {time.perf_counter() - started:.1f}s)")
    out = Path("artifacts")
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2, sort_keys=True))
    print(f"\nresults written to {out / 'bench.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
