"""Truth-discovery evaluation of the consensus engine (Population data set).

Protocol (DESIGN.md): every row of ``claims.tsv`` (city_year, contributor,
value, year; Latin-1) becomes one ClaimObserved — one source per contributor,
one claim_key per city-year, measure "population", stance "asserts", hedge
"exact" — fed in file order through the same :class:`Replayer` as
``claimwatch replay``. The final consensus of every city-year that has a truth
in ``truth.csv`` (city, state, year, population) is scored: mean absolute
error, root mean squared error and the share within 1% of the truth. Per-city
Median and Voting baselines are computed by this same harness, on the same
matched city-years.

Nothing here knows anything about the file beyond its format; the engine gets
no hint that the data is about populations.

The evidence sentence a converted row gets is the harness's choice, and
another harness may word it otherwise; so the engine is also scored with every
row in one template that does not name its contributor, and with the figure
alone (``WORDINGS``). Sources that agree to the digit then write the same
words, which must not be mistaken for copies.

    python -m streams.evaluation.truth_discovery [DATASET_DIR]

``DATASET_DIR`` (default ``$CLAIMWATCH_EVAL_DATA/truth-discovery/population``)
holds ``claims.tsv`` and ``truth.csv`` in the formats above; any data set
converted to them is scored the same way.
"""

from __future__ import annotations

import hashlib
import math
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schemas.events import ClaimObserved
from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.replay import Replayer


@dataclass(frozen=True, slots=True)
class Row:
    """One source's value for one object (the generic truth-discovery triple)."""

    obj: str
    source: str
    value: float
    year: int


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    mae: float
    rmse: float
    within_1pct: float
    n: int


def data_dir() -> Path:
    env = os.environ.get("CLAIMWATCH_EVAL_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def load_population(base: Path) -> tuple[list[Row], dict[str, float]]:
    """Rows of ``claims.tsv`` in file order and the truth keyed like their city_year."""
    rows = []
    with (base / "claims.tsv").open(encoding="latin-1") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            obj, source, value, year = parts
            try:
                rows.append(Row(obj, source, float(value), int(year)))
            except ValueError:
                continue
    truth: dict[str, float] = {}
    with (base / "truth.csv").open(encoding="latin-1") as fh:
        for line in fh:
            parts = [p.strip() for p in line.strip().split(",")]
            if len(parts) < 3:
                continue
            *place, year, pop = parts
            try:
                truth[f"{', '.join(place)}_{int(year)}"] = float(pop)
            except ValueError:
                continue
    return rows, truth


def _named(r: Row) -> str:
    return f"{r.source} gives {r.obj} as {r.value:g}."


#: evidence wordings of a converted row: the contributor named (the default),
#: one template for every contributor, the figure alone
WORDINGS: dict[str, Callable[[Row], str]] = {
    "named": _named,
    "template": lambda r: f"The population recorded for {r.obj} in the table is {r.value:g}.",
    "figure": lambda r: f"{r.value:g}",
}


def to_events(rows: Iterable[Row], wording: Callable[[Row], str] = _named) -> list[ClaimObserved]:
    """Each row as the ClaimObserved an extractor would have produced for it."""
    base = datetime(2010, 1, 1, tzinfo=UTC)
    out = []
    for i, r in enumerate(rows):
        text = wording(r)
        eid = hashlib.sha256(f"{i}\x1f{r.obj}\x1f{r.source}\x1f{r.value}".encode()).hexdigest()[:24]
        out.append(
            ClaimObserved(
                event_id=eid,
                claim_key=f"{r.obj}:population",
                subject=r.obj,
                measure="population",
                value={"best": r.value, "hedge": "exact"},
                stance="asserts",
                source={"name": r.source},
                article_id=f"row-{i}",
                as_of=datetime(max(1, min(r.year, 9999)), 1, 1, tzinfo=UTC),
                evidence={"text": text, "start": 0, "end": len(text)},
                confidence=1.0,
                observed_at=base + timedelta(seconds=i),
            )
        )
    return out


def engine_estimates(events: Sequence[ClaimObserved]) -> dict[str, float]:
    """Final consensus best value per object, through the replay path."""
    replayer = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    for _ in replayer.feed(events):
        pass
    out = {}
    for upd in replayer.final():
        if upd.estimate is not None and upd.subject is not None:
            out[upd.subject] = upd.estimate.best
    return out


def median_baseline(rows: Iterable[Row]) -> dict[str, float]:
    by: dict[str, list[float]] = {}
    for r in rows:
        by.setdefault(r.obj, []).append(r.value)
    return {k: statistics.median(v) for k, v in by.items()}


def voting_baseline(rows: Iterable[Row]) -> dict[str, float]:
    """The most frequent value per object (a tie: the median of the tied values)."""
    by: dict[str, list[float]] = {}
    for r in rows:
        by.setdefault(r.obj, []).append(r.value)
    out = {}
    for k, values in by.items():
        counts = Counter(values)
        top = max(counts.values())
        out[k] = statistics.median(sorted(v for v, c in counts.items() if c == top))
    return out


def score(name: str, est: dict[str, float], truth: dict[str, float], keys: list[str]) -> Score:
    errs = [abs(est[k] - truth[k]) if k in est else abs(truth[k]) for k in keys]
    within = sum(
        1 for k in keys if k in est and abs(est[k] - truth[k]) <= 0.01 * abs(truth[k])
    )
    n = len(keys)
    return Score(
        name=name,
        mae=sum(errs) / n,
        rmse=math.sqrt(sum(e * e for e in errs) / n),
        within_1pct=within / n,
        n=n,
    )


def evaluate(
    rows: list[Row], truth: dict[str, float],
    estimator: Callable[[Sequence[ClaimObserved]], dict[str, float]] = engine_estimates,
) -> dict[str, Score]:
    """Scores of the engine and both baselines over the objects that have a truth."""
    objects = {r.obj for r in rows}
    keys = sorted(k for k in truth if k in objects)
    return {
        "engine": score("engine", estimator(to_events(rows)), truth, keys),
        "median": score("median", median_baseline(rows), truth, keys),
        "voting": score("voting", voting_baseline(rows), truth, keys),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    base = Path(args[0]) if args else data_dir() / "truth-discovery" / "population"
    if not (base / "claims.tsv").exists():
        print(f"no data at {base} (set CLAIMWATCH_EVAL_DATA)", file=sys.stderr)
        return 2
    rows, truth = load_population(base)
    started = time.perf_counter()
    scores = evaluate(rows, truth)
    elapsed = time.perf_counter() - started
    n = scores["engine"].n
    print(f"truth discovery — {base.name}: {len(rows)} claims, {n} objects with a truth")
    print(f"{'method':<10}{'MAE':>12}{'RMSE':>14}{'within 1%':>12}")
    for s in scores.values():
        print(f"{s.name:<10}{s.mae:>12,.0f}{s.rmse:>14,.0f}{s.within_1pct:>12.1%}")
    print(f"(evaluation took {elapsed:.2f}s)")
    keys = sorted(k for k in truth if k in {r.obj for r in rows})
    for name, wording in WORDINGS.items():
        if name == "named":
            continue
        e = score("engine", engine_estimates(to_events(rows, wording)), truth, keys)
        print(f"engine, evidence worded as {name!r}: MAE {e.mae:,.0f}, RMSE {e.rmse:,.0f}, "
              f"within 1% {e.within_1pct:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
