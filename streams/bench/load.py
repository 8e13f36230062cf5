"""Load: 100,000 ClaimObserved events and 2,000 articles through a live worker (issue 12, "Load").

One worker process on the embedded broker (or ``KAFKA_BOOTSTRAP_SERVERS``). The
input comes in phases, each produced at once and then drained (the worker's lag
back to 0) before the next:

1. ``articles``: 2,000 articles (the bundled samples and the annotated sets under
   ``tests/data/extraction``, repeated under new ids: after the first round their
   statements are new events on claims the worker already has);
2. ``new claims``: one statement by each of a claim's three sources on each of
   ``claims`` new claim keys;
3. ``repeats 1..3``: the rest of the events in three rounds, spread over those same
   claims by the same sources (later dates, figures that move a little): no claim
   and no source on a claim is new, each statement supersedes its source's
   own. Growth in the first round only is a high-water mark (buffers for a
   burst); growth in every round is state that grows with events.

Sampled every ``interval`` seconds: the worker's RSS (``/proc/<pid>/status``), its
consumer lag on ``articles`` and ``claims.observed`` (``claimwatch_consumer_lag_messages``)
and the claims it tracks. Reported: RSS at ready and at the end of each phase,
the growth per 10,000 events in each phase, and the lag over time (peak per
phase, time to drain). Memory must level off once claims stop being new: the
growth per 10,000 events in ``repeats`` against that of ``new claims``.

It takes a while (the embedded broker writes one record per batch): not in the
default ``make bench``; ``python -m streams.bench load`` runs it, and
``python -m streams.bench.load --events 20000 --articles 400 --claims 2000`` a
smaller run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from schemas.codec import dumps
from streams import topics
from streams.broker import bootstrap_servers, free_port
from streams.kafka_io import send_all

REPO = Path(__file__).resolve().parents[2]
SOURCES = [f"bureau-{i}" for i in range(8)]
CHUNK = 5_000  # records per producer call
ROUNDS = 3  # the repeats are produced in this many rounds, each drained before the next


def article_pool() -> list[dict[str, Any]]:
    paths = [REPO / "streams" / "samples" / "articles.jsonl",
             *sorted((REPO / "tests" / "data" / "extraction").glob("*_articles.jsonl"))]
    out = []
    for path in paths:
        if path.exists():
            out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def articles(n: int) -> list[dict[str, Any]]:
    pool = article_pool()
    return [dict(pool[i % len(pool)], id=f"load-{i}-{pool[i % len(pool)]['id']}") for i in range(n)]


def claim_event(key: int, source: str, n: int, day: int, value: float) -> dict[str, Any]:
    when = f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}T00:00:00Z"
    v = round(value)
    return {
        "type": "ClaimObserved", "schema_version": 1,
        "event_id": f"load-{key}-{n}", "claim_key": f"load-town-{key}:population@region",
        "subject": f"town {key}", "measure": "population", "location": "region",
        "value": {"low": v, "best": v, "high": v, "hedge": "exact"}, "stance": "asserts",
        "source": {"name": source}, "outlet": "load.example", "article_id": f"load-art-{key}-{n}",
        "published_at": when, "as_of": when, "observed_at": when,
        "evidence": {"text": f"{source} counted {v} people.", "start": 0, "end": 10},
        "confidence": 0.9,
    }


def claim_events(total: int, claims: int, seed: int = 5,
                 sources_per_claim: int = 3) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(new claims, repeats)``: one statement by each of a claim's sources (day 0), then the
    rest over the same keys by the same sources, each a later statement (a day later per
    round, the figure moving a little) superseding that source's own: nothing new to keep."""
    rng = random.Random(seed)
    truth = [rng.randint(2_000, 90_000) for _ in range(claims)]
    per = max(1, min(sources_per_claim, len(SOURCES)))

    def source(k: int, j: int) -> str:
        return SOURCES[(k + j) % len(SOURCES)]

    first = [claim_event(k, source(k, j), j, 0, truth[k] * (1 + rng.uniform(-0.02, 0.02)))
             for k in range(claims) for j in range(per)][:total]
    rest = []
    for i in range(max(0, total - len(first))):
        k = i % claims
        n = per + i // claims  # the claim's statement number (the first ``per`` were new)
        day = 1 + i // claims
        rest.append(claim_event(k, source(k, n % per), n, min(day, 300),
                                truth[k] * (1 + rng.uniform(-0.02, 0.02))))
    return first, rest


def rss_bytes(pid: int) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    m = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) * 1024 if m else 0


class Probe:
    """Samples the worker: RSS, lag per input topic, tracked claims."""

    def __init__(self, pid: int, base_url: str, prefix: str) -> None:
        self.pid = pid
        self.base_url = base_url
        self.prefix = prefix
        self.samples: list[dict[str, Any]] = []
        self.phase = "start"
        self.t0 = time.monotonic()

    async def metrics(self, http: aiohttp.ClientSession) -> dict[str, float]:
        async with http.get(f"{self.base_url}/metrics") as resp:
            text = await resp.text()
        out: dict[str, float] = {}
        for name, label in (("articles", topics.ARTICLES), ("claims", topics.CLAIMS)):
            m = re.search(
                rf'^claimwatch_consumer_lag_messages\{{topic="{re.escape(self.prefix + label)}"\}} (\S+)$', text, re.M)
            out[f"lag_{name}"] = float(m.group(1)) if m else float("nan")
        m = re.search(r"^claimwatch_tracked_claims (\S+)$", text, re.M)
        out["tracked_claims"] = float(m.group(1)) if m else float("nan")
        return out

    async def sample(self, http: aiohttp.ClientSession) -> dict[str, Any]:
        row: dict[str, Any] = {"t": round(time.monotonic() - self.t0, 1), "phase": self.phase,
                               "rss_mb": round(rss_bytes(self.pid) / 2**20, 1)}
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
            row.update(await self.metrics(http))
        self.samples.append(row)
        return row

    async def run(self, interval: float) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            while True:
                await self.sample(http)
                await asyncio.sleep(interval)

    async def drained(self, timeout: float, settle: float = 6.0) -> float:
        """Wait until both lags read 0 for ``settle`` seconds; the seconds it took."""
        started = time.monotonic()
        zero_since: float | None = None
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            while time.monotonic() - started < timeout:
                await asyncio.sleep(1.0)
                with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                    m = await self.metrics(http)
                    if m["lag_articles"] == 0 and m["lag_claims"] == 0:
                        zero_since = zero_since or time.monotonic()
                        if time.monotonic() - zero_since >= settle:
                            return zero_since - started
                        continue
                zero_since = None
        raise TimeoutError(f"lag not drained after {timeout:.0f}s: {self.samples[-1:]}")


async def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited with {proc.returncode}")
            with contextlib.suppress(Exception):
                async with http.get(url) as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.3)
    raise TimeoutError(url)


async def _load(bootstrap: str, embedded: bool, n_events: int, n_articles: int, n_claims: int,
                interval: float, timeout: float) -> dict[str, Any]:
    prefix = f"load{os.getpid()}."
    web_port = free_port()
    new, repeats = claim_events(n_events, n_claims)
    docs = articles(n_articles)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "CLAIMWATCH_EMBEDDED_BROKER": "1" if embedded else "",
            "CLAIMWATCH_TOPIC_PREFIX": prefix,
            "CLAIMWATCH_APP_ID": f"{prefix}load",
            "CLAIMWATCH_WEB_PORT": str(web_port),
            "CLAIMWATCH_WEB_HOST": "127.0.0.1",
            "CLAIMWATCH_DATA_DIR": tmp,
        }
        log = Path(tmp) / "worker.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warning"],
                                    env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        probe_task: asyncio.Task[None] | None = None
        try:
            await _wait_ready(f"http://127.0.0.1:{web_port}/readyz", proc)
            probe = Probe(proc.pid, f"http://127.0.0.1:{web_port}", prefix)
            await asyncio.sleep(3)
            ready_rss = rss_bytes(proc.pid)
            probe_task = asyncio.create_task(probe.run(interval))
            phases: list[dict[str, Any]] = []
            plan = [
                ("articles", topics.ARTICLES, [(d["id"].encode(), dumps(d)) for d in docs]),
                ("new claims", topics.CLAIMS, [(e["claim_key"].encode(), dumps(e)) for e in new]),
            ]
            # the repeats in rounds: growth that stops after the first round is a high-water
            # mark (buffers for a burst), growth in every round is state that grows with events
            size = -(-len(repeats) // ROUNDS)
            for r in range(ROUNDS):
                part = repeats[r * size:(r + 1) * size]
                plan.append((f"repeats {r + 1}", topics.CLAIMS, [(e["claim_key"].encode(), dumps(e)) for e in part]))
            for name, topic, records in plan:
                probe.phase = name
                rss_before = rss_bytes(proc.pid)
                started = time.monotonic()
                for i in range(0, len(records), CHUNK):
                    await send_all(bootstrap, prefix + topic, records[i:i + CHUNK], embedded=embedded)
                produced_s = time.monotonic() - started
                drain_s = await probe.drained(timeout)
                rss_after = rss_bytes(proc.pid)
                rows = [s for s in probe.samples if s["phase"] == name]
                peak = max((s.get("lag_articles", 0) + s.get("lag_claims", 0) for s in rows), default=0.0)
                phases.append({
                    "phase": name, "records": len(records), "produce_s": round(produced_s, 1),
                    "drained_s": round(drain_s, 1), "rss_before_mb": round(rss_before / 2**20, 1),
                    "rss_after_mb": round(rss_after / 2**20, 1),
                    "growth_mb_per_10k": round((rss_after - rss_before) / 2**20 / max(len(records), 1) * 10_000, 2),
                    "peak_lag": peak, "records_per_s": round(len(records) / max(drain_s, 1e-9), 1),
                })
                partial = {"ready_rss_mb": round(ready_rss / 2**20, 1), "phases": phases, "samples": probe.samples}
                Path("artifacts").mkdir(exist_ok=True)  # so far, in case the run is cut short
                Path("artifacts/load.partial.json").write_text(json.dumps(partial, indent=1) + "\n")
                print(f"  {name:<11} {len(records):>7} records: drained in {drain_s:6.1f} s"
                      f" ({len(records) / max(drain_s, 1e-9):6.0f}/s), peak lag {peak:>7.0f},"
                      f" RSS {rss_before / 2**20:6.1f} -> {rss_after / 2**20:6.1f} MB", flush=True)
            # claims no longer new and nothing coming in: does memory stay where it is?
            probe.phase = "idle"
            await asyncio.sleep(max(3 * interval, 15))
            end_rss = rss_bytes(proc.pid)
        finally:
            if probe_task is not None:
                probe_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await probe_task
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            tail = log.read_text(errors="replace").splitlines()[-20:] if log.exists() else []
    return {"ready_rss_mb": round(ready_rss / 2**20, 1), "end_rss_mb": round(end_rss / 2**20, 1),
            "phases": phases, "samples": probe.samples, "worker_log_tail": tail}


def run(events: int = 100_000, articles: int = 2_000, claims: int = 10_000, interval: float = 2.0,
        timeout: float = 3_600.0) -> dict[str, float]:
    """The figures for ``artifacts/bench.json`` (the time series goes to ``artifacts/load.json``)."""
    with bootstrap_servers() as (bootstrap, embedded):
        result = asyncio.run(_load(bootstrap, embedded, events, articles, claims, interval, timeout))
    out_dir = Path("artifacts")
    out_dir.mkdir(exist_ok=True)
    (out_dir / "load.json").write_text(json.dumps(result, indent=1) + "\n")
    figures: dict[str, float] = {
        "events": float(events), "articles": float(articles), "claims": float(claims),
        "rss_ready_mb": result["ready_rss_mb"], "rss_end_mb": result["end_rss_mb"],
        "rss_growth_mb": round(result["end_rss_mb"] - result["ready_rss_mb"], 1),
    }
    for p in result["phases"]:
        key = p["phase"].replace(" ", "_")
        figures[f"{key}_growth_mb_per_10k"] = p["growth_mb_per_10k"]
        figures[f"{key}_rss_after_mb"] = p["rss_after_mb"]
        figures[f"{key}_peak_lag"] = float(p["peak_lag"])
        figures[f"{key}_records_per_s"] = p["records_per_s"]
    print(f"worker RSS {result['ready_rss_mb']:.0f} MB at ready -> {result['end_rss_mb']:.0f} MB at the end"
          f" (+{figures['rss_growth_mb']:.0f} MB); growth per 10,000 records: "
          + ", ".join(f"{p['phase']} {p['growth_mb_per_10k']:+.1f} MB" for p in result["phases"])
          + "; samples in artifacts/load.json")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streams.bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--interval", type=float, default=2.0)
    args = parser.parse_args(argv)
    run(args.events, args.articles, args.claims, args.interval)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
