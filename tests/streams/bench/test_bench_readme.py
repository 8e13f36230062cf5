"""The README's speed table is generated from ``artifacts/bench.json``: a given
document renders into the block between the markers, and nothing else moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.bench import readme
from streams.bench.table import document, render_markdown, render_text

RESULTS = {
    "extraction": {"extract_articles_per_s": 20.52, "bare_articles_per_s": 25.0, "ratio": 0.8208,
                   "direct_ratio": 0.7871},
    "consensus": {"replay_lines_events_per_s": 22_512.0, "median_baseline_events_per_s": 569_000.0,
                  "ratio_replay_to_median": 0.03956},
    "stage": {"stage_events_per_s": 141.2, "loop_events_per_s": 2_482.0, "ratio": 0.0569},
    "pipeline": {"rate_articles_per_s": 73.04, "article_to_webhook_p50_ms": 228.2,
                 "article_to_webhook_p99_ms": 421.9, "hop_p50_ms": 14.2, "hop_p99_ms": 39.7,
                 "ratio_p50": 16.07, "ratio_p99": 10.63, "worker_ready_s": 5.61},
}

README = f"""# project

## Measured figures

hand-written text stays.

{readme.BEGIN}
| an old | table |
{readme.END}

after the block.
"""


def _doc() -> dict[str, object]:
    doc = document(RESULTS, broker="embedded broker")
    doc["generated_at"] = "2026-12-07T12:00:00+00:00"
    doc["host"] = {"cpus": 2, "python": "3.11.9", "machine": "x86_64"}
    return json.loads(json.dumps(doc))  # as read back from bench.json


def test_a_bench_json_renders_into_the_readme_block(tmp_path: Path) -> None:
    bench, target = tmp_path / "bench.json", tmp_path / "README.md"
    bench.write_text(json.dumps(_doc()))
    target.write_text(README)
    assert readme.main([str(bench), str(target)]) == 0
    text = target.read_text()
    block = text[text.index(readme.BEGIN) + len(readme.BEGIN): text.index(readme.END)]
    assert "an old" not in text
    assert "hand-written text stays." in text and text.endswith("after the block.\n")
    assert "on 2026-12-07 (2 CPUs, Python 3.11.9, embedded broker)" in block
    table = [line for line in block.splitlines() if line.startswith("| ")]
    assert table[0] == "| what | figure | baseline, same run | ratio | goal | met |"
    rows = {line.split(" | ")[0]: line.split(" | ") for line in table[1:]}
    assert len(rows) == 5
    extraction = rows["| extraction, `Extractor.extract_many` (articles/s)"]
    assert extraction[1:] == ["20.5", "bare spaCy `nlp.pipe`, same texts: 25.0",
                              "0.82 paired rounds, 0.79 claim pass vs parse", ">= 0.8", "no |"]
    replay = next(r for k, r in rows.items() if "replay" in k)
    assert replay[1:4] == ["22,512", "per-claim running median, same events: 569,000", "0.040"]
    assert replay[-1] == "no |", "22,512 events/s is short of 50,000"
    stage = next(r for k, r in rows.items() if "consensus stage" in k)
    assert stage[1] == "141" and stage[3:] == ["0.057", ">= 0.5", "no |"]
    assert "2,482" in stage[2]
    latency = next(r for k, r in rows.items() if "webhook received" in k)
    assert "at 73.0 articles/s" in latency[0]
    assert latency[1:] == ["228 / 422", "bare produce → consume → POST hop, same rate: 14.2 / 39.7",
                           "16.1 / 10.6", "p99 < 1,000 ms", "yes |"]
    # generating again from the same file changes nothing
    assert readme.rewrite(text, _doc()) == text


def test_the_printed_table_has_the_same_rows() -> None:
    text = render_text(_doc())
    assert len(text.splitlines()) == 1 + 5
    assert "0.82 paired rounds" in text and "228 / 422" in text


def test_a_readme_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError):
        readme.rewrite("# no block\n", _doc())


def test_a_failed_benchmark_is_named_and_its_rows_left_out() -> None:
    doc = document({"extraction": RESULTS["extraction"]}, failed=["stage"])
    md = render_markdown(doc)
    assert "Failed in that run: stage." in md
    assert sum(line.startswith("| ") for line in md.splitlines()) == 2  # the header and one row


def test_the_repository_readme_has_the_block() -> None:
    text = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    assert text.count(readme.BEGIN) == 1 and text.count(readme.END) == 1


def test_the_restart_benchmark_gives_two_rows_disk_against_memory() -> None:
    restart = {
        "memory_10000_ready_s": 13.5, "memory_100000_ready_s": 60.0,
        "rocksdb_10000_ready_s": 6.0, "rocksdb_100000_ready_s": 6.5,
        "memory_10000_rss_peak_mb": 430.0, "memory_100000_rss_peak_mb": 900.0,
        "rocksdb_10000_rss_peak_mb": 300.0, "rocksdb_100000_rss_peak_mb": 310.0,
        "ratio_10000_ready_s": 2.25, "ratio_100000_ready_s": 9.23,
        "ratio_10000_rss_peak_mb": 1.43, "ratio_100000_rss_peak_mb": 2.9,
    }
    doc = document({"restart": restart})
    rows = {r["id"]: r for r in doc["rows"]}
    assert set(rows) == {"restart_ready_s", "restart_rss_peak_mb"}
    ready = rows["restart_ready_s"]
    assert ready["figure"] == "6.0 / 6.5" and "13.5 / 60.0" in ready["baseline"]
    assert ready["ratio"].startswith("2.25 / 9.23") and ready["met"] is True
    assert rows["restart_rss_peak_mb"]["met"] is True
    assert "restart after 10,000 / 100,000 claim events" in render_markdown(doc)
