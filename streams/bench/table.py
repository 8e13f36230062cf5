"""The benchmark table: one row per headline figure, each a ratio against a baseline of the same run.

:func:`document` turns the benchmarks' figures into what ``artifacts/bench.json``
holds (the rows, already worded, and every raw figure); :func:`render_text`
prints it, :func:`render_markdown` gives the README's table
(:mod:`streams.bench.readme`).
"""

from __future__ import annotations

import math
import os
import platform
from datetime import UTC, datetime
from typing import Any

#: what ``python -m streams.bench`` runs when no benchmark is named
HEADLINE = ("extraction", "consensus", "stage", "pipeline", "restart")

Results = dict[str, dict[str, float]]


def _n(x: float, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def _row(rid: str, what: str, figure: str, baseline: str, ratio: str, goal: str, met: bool | None) -> dict[str, Any]:
    return {"id": rid, "what": what, "figure": figure, "baseline": baseline, "ratio": ratio, "goal": goal,
            "met": met}


def rows(results: Results) -> list[dict[str, Any]]:
    """The table's rows for whichever benchmarks are in ``results``."""
    out: list[dict[str, Any]] = []
    r = results.get("extraction")
    if r:
        # two estimates of one ratio: the median of the paired rounds' throughputs, and the
        # claim pass timed over parsed docs against the parse (less noisy on a loaded machine)
        direct = r.get("direct_ratio", r["ratio"])
        out.append(_row(
            "extraction", "extraction, `Extractor.extract_many` (articles/s)",
            _n(r["extract_articles_per_s"], 1), f"bare spaCy `nlp.pipe`, same texts: {_n(r['bare_articles_per_s'], 1)}",
            f"{_n(r['ratio'], 2)} paired rounds, {_n(direct, 2)} claim pass vs parse", ">= 0.8",
            min(r["ratio"], direct) >= 0.8,
        ))
    r = results.get("consensus")
    if r:
        out.append(_row(
            "replay", "`claimwatch replay`, JSON lines in and out, one core (events/s)",
            _n(r["replay_lines_events_per_s"]),
            f"per-claim running median, same events: {_n(r['median_baseline_events_per_s'])}",
            _n(r["ratio_replay_to_median"], 3), ">= 50,000 events/s",
            r["replay_lines_events_per_s"] >= 50_000,
        ))
    r = results.get("stage")
    if r:
        out.append(_row(
            "stage", "consensus stage through Kafka, a worker (events/s)",
            _n(r["stage_events_per_s"]),
            f"plain aiokafka consume-and-produce loop, same broker, topic and batch settings: "
            f"{_n(r['loop_events_per_s'])}",
            _n(r["ratio"], 3), ">= 0.5", r["ratio"] >= 0.5,
        ))
    r = results.get("pipeline")
    if r:
        out.append(_row(
            "latency",
            f"article produced → webhook received, at {_n(r['rate_articles_per_s'], 1)} articles/s "
            f"(half the extraction capacity on its texts), p50 / p99 (ms)",
            f"{_n(r['article_to_webhook_p50_ms'])} / {_n(r['article_to_webhook_p99_ms'])}",
            f"bare produce → consume → POST hop, same rate: {_n(r['hop_p50_ms'], 1)} / {_n(r['hop_p99_ms'], 1)}",
            f"{_n(r['ratio_p50'], 1)} / {_n(r['ratio_p99'], 1)}", "p99 < 1,000 ms",
            r["article_to_webhook_p99_ms"] < 1000,
        ))
        out.append(_row(
            "ready", "worker start to ready (`/readyz`), empty topics (s)", _n(r["worker_ready_s"], 1),
            "", "", "", None,
        ))
    r = results.get("restart")
    if r:
        out.extend(restart_rows(r))
    return out


def restart_rows(r: dict[str, float]) -> list[dict[str, Any]]:
    """Ready time and peak memory of a restarted worker, on disk against in memory, per N
    (streams/bench/restart.py): the goal is figures that stay flat as the history grows."""
    counts = sorted({int(k.split("_")[1]) for k in r if k.startswith("rocksdb_")})
    if not counts:
        return []
    ns = " / ".join(f"{n:,}" for n in counts)
    out = []
    for field, label, slack in (("ready_s", "start to ready (s)", 1.5), ("rss_peak_mb", "peak RSS (MB)", 1.25)):
        disk = [r.get(f"rocksdb_{n}_{field}", math.nan) for n in counts]
        mem = [r.get(f"memory_{n}_{field}", math.nan) for n in counts]
        ratios = [r.get(f"ratio_{n}_{field}", math.nan) for n in counts]
        digits = 1
        out.append(_row(
            f"restart_{field}",
            f"restart after {ns} claim events, Tables on disk (`rocksdb://`): {label}",
            " / ".join(_n(x, digits) for x in disk),
            "`memory://`, same run: " + " / ".join(_n(x, digits) for x in mem),
            " / ".join(_n(x, 2) for x in ratios) + " (memory / disk)",
            f"flat: largest N within {slack}x of the smallest",
            bool(disk[-1] <= slack * disk[0]) if not math.isnan(disk[0] + disk[-1]) else None,
        ))
    return out


def document(results: Results, failed: list[str] | None = None, broker: str = "") -> dict[str, Any]:
    """What ``artifacts/bench.json`` holds."""
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {"cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()},
        "broker": broker,
        "rows": rows(results),
        "failed": failed or [],
        "results": results,
    }


def _met(row: dict[str, Any]) -> str:
    return {True: "yes", False: "no", None: ""}[row["met"]]


def render_text(doc: dict[str, Any]) -> str:
    """The table as ``make bench`` prints it."""
    head = ("what", "figure", "ratio", "goal", "met", "baseline (same run)")
    body = [(r["what"], r["figure"], r["ratio"], r["goal"], _met(r), r["baseline"]) for r in doc["rows"]]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head) - 1)]
    lines = []
    for cells in [head, *body]:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(cells[:-1], widths, strict=True)) + "  " + cells[-1])
    if doc.get("failed"):
        lines.append(f"failed: {', '.join(doc['failed'])}")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(doc: dict[str, Any]) -> str:
    """The README's table of speed figures, from a ``bench.json`` document (its rows are
    worded again from its figures, so a change of wording needs no new run)."""
    if doc.get("results"):
        doc = {**doc, "rows": rows(doc["results"])}
    host = doc.get("host", {})
    day = str(doc.get("generated_at", ""))[:10]
    where = f"{host.get('cpus', '?')} CPUs, Python {host.get('python', '?')}"
    if doc.get("broker"):
        where += f", {doc['broker']}"
    lines = [
        f"Measured by `make bench` on {day} ({where}); each figure against a baseline run in the same "
        "invocation. Rows and figures come from `artifacts/bench.json`.",
        "",
        "| what | figure | baseline, same run | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in doc["rows"]:
        cells = (r["what"], r["figure"], r["baseline"] or "—", r["ratio"] or "—", r["goal"] or "—", _met(r) or "—")
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if doc.get("failed"):
        lines.append("")
        lines.append(f"Failed in that run: {', '.join(doc['failed'])}.")
    return "\n".join(lines)
