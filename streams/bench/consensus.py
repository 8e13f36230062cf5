"""Replay throughput of the consensus core: ClaimObserved events per second, one core.

What is measured is what ``claimwatch replay`` and the consensus agent run per
event: ``ConsensusEngine.apply`` (supersede, duplicate and copy checks,
fingerprints, weighted medians, presence, contradiction rules, update and
alert events) plus the reliability book's ingestion and its periodic batch
truth discovery, then ``final()`` settling every claim.

Baseline, same process, same events: a plain per-claim running median (append
the value, take ``statistics.median`` of the claim's values) — the cheapest
thing that could be called a consensus. ``ratio`` = engine rate / baseline rate.

The headline figures are the command-line paths from JSON lines: ``replay``
(lines → light records → engine → JSON lines of every update and alert, then
an update for every claim that settling on all that was learned moves) and
``replay --final`` (states only, then the settled consensus), against the
same lines read through validated ClaimObserved models and
``feed_wire``/``final()`` (the command's path before the light records, run
on today's engine: the ratio is what the light records and the wire outputs
alone buy).
The engine is also measured from ready-built models: output events built as
pydantic models (what the consensus agent publishes), output JSON bytes and
states only. All figures are CPU seconds of this process (the machine is
shared), the median of three interleaved repeats.

The stream is synthetic and seeded: 8,000 claims (7.5 events each), 300 sources of mixed
quality, hedged figures, denials, later revisions, copies and redeliveries.

The per-claim consensus runs compiled (``streams/consensus/_kernel.pyx``,
the same bits as the Python reference) when the package was built with it;
``replay`` and ``replay --final`` are also measured with the Python reference
swapped in, in the same process and interleaved, and ``ratio_kernel`` is the
compiled rate over the pure-Python one.

Where the time goes (``replay``, compiled kernel, py-spy): reading and
checking the JSON line ~15%, the update's JSON ~14%, the per-claim consensus
~17%, the book's batch truth discovery ~10%, settling every claim at the end
~10%, the contradiction rules and their alerts ~12%, the rest of the step
(duplicate, supersede and copy checks) ~15%.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from schemas.codec import decode, dumps
from schemas.events import ClaimObserved
from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook, aggregate
from streams.replay import Replayer

N_EVENTS = 60_000
N_CLAIMS = 8_000
N_SOURCES = 300
_TEXT = (
    "officials said on according to the ministry reported an estimated number of people "
    "were killed missing displaced in the region after fighting near town city border "
    "late on sources told reporters local authorities confirmed at least more than"
)
WORDS = _TEXT.split()


def synthetic_stream(n_events: int = N_EVENTS, seed: int = 42) -> list[ClaimObserved]:
    """A seeded, messy stream of claims (see module docstring)."""
    rng = random.Random(seed)
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    truths = [rng.choice([12, 340, 5_600, 78_000]) * rng.uniform(0.5, 2.0) for _ in range(N_CLAIMS)]
    quality = [rng.choice([0.99, 0.97, 0.95, 0.8]) for _ in range(N_SOURCES)]
    events: list[ClaimObserved] = []
    i = 0
    while len(events) < n_events:
        c = rng.randrange(N_CLAIMS)
        s = rng.randrange(N_SOURCES)
        day = i / (n_events / 60)
        truth = truths[c] * (1 + 0.002 * day)  # slowly moving truth
        roll = rng.random()
        if roll < 0.05 and events:  # redelivery
            events.append(events[rng.randrange(len(events))])
            continue
        stance = "denies" if roll < 0.08 else "asserts"
        value = None
        if stance == "asserts":
            good = rng.random() < quality[s]
            best = round(truth * (rng.uniform(0.98, 1.02) if good else rng.uniform(0.2, 5.0)))
            hedge = rng.choice(["exact", "exact", "approximately", "at_least", "range"])
            low = high = None
            if hedge == "range":
                low, high = best * 0.9, best * 1.1
            value = {"best": best, "low": low, "high": high, "hedge": hedge}
        text = " ".join(rng.choices(WORDS, k=rng.randint(8, 20)))
        when = t0 + timedelta(days=day)
        events.append(
            ClaimObserved(
                event_id=f"ev-{i}",
                claim_key=f"claim-{c}:count@place-{c % 97}",
                subject=f"subject {c}",
                measure="count",
                location=f"place {c % 97}",
                value=value,
                stance=stance,
                source={"name": f"source {s}"},
                article_id=f"art-{i}",
                as_of=when,
                evidence={"text": text, "start": 0, "end": len(text)},
                confidence=rng.uniform(0.4, 1.0),
                observed_at=when,
            )
        )
        i += 1
    return events


def _engine_rate(events: list[ClaimObserved], mode: str = "models") -> tuple[float, int]:
    """Events per CPU-second through a fresh Replayer, ``final()`` included.

    ``mode``: ``models`` builds every ConsensusUpdated and ContradictionDetected
    (what the consensus agent publishes); ``wire`` yields their JSON bytes
    (what ``claimwatch replay`` writes); ``states`` only advances the claim
    states (``replay --final``).
    """
    replayer = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    started = time.process_time()
    n_out = 0
    if mode == "models":
        for _ in replayer.feed(events):
            n_out += 1
    elif mode == "wire":
        for _ in replayer.feed_wire(events):
            n_out += 1
    else:
        replayer.consume(events)
    replayer.final()
    return len(events) / (time.process_time() - started), n_out


def _median_rate(events: list[ClaimObserved]) -> float:
    started = time.process_time()
    values: dict[str, list[float]] = {}
    last: dict[str, float] = {}
    for ev in events:
        if ev.value is None or ev.stance == "denies":
            continue
        vals = values.setdefault(ev.claim_key, [])
        vals.append(ev.value.best)
        last[ev.claim_key] = statistics.median(vals)
    return len(events) / (time.process_time() - started)


def _line_rate(numbered: list[tuple[int, bytes]], mode: str) -> tuple[float, int]:
    """Events per CPU-second from JSON lines, what ``claimwatch replay`` runs.

    ``replay``: lines → ``feed_lines`` → JSON bytes of every update and alert,
    then ``settle_wire`` (the updates settling every claim moves), as the command; ``consume``: lines →
    ``consume_lines`` → ``final_wire`` (``replay --final``); ``models``: the
    path before the light records, each line decoded into a validated
    ClaimObserved, then ``feed_wire`` and ``final()`` (the baseline of the ratio).
    """
    replayer = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    started = time.process_time()
    sink = 0
    if mode == "replay":
        for out in itertools.chain(replayer.feed_lines(numbered), replayer.settle_wire()):
            sink += len(out)
    elif mode == "consume":
        replayer.consume_lines(numbered)
        sink += len(replayer.final_wire())
    else:
        for out in replayer.feed_wire(decode(line, ClaimObserved) for _, line in numbered):
            sink += len(out)
        sink += len(replayer.final())
    return len(numbered) / (time.process_time() - started), sink


def _bare_cli_rate(lines: list[bytes]) -> float:
    """Decoding and re-encoding the same lines without the engine."""
    started = time.process_time()
    sink = 0
    for line in lines:
        sink += len(dumps(decode(line, ClaimObserved)))
    return len(lines) / (time.process_time() - started)


def run() -> dict[str, float]:
    events = synthetic_stream()
    lines = [dumps(e) for e in events]
    numbered = list(enumerate(lines, 1))
    _engine_rate(events[:5_000])  # warm-up: imports, caches
    _line_rate(numbered[:5_000], "replay")
    kernel, reference = aggregate.consensus, aggregate.reference_consensus
    keys = ("models", "wire", "states", "median", "replay", "consume", "before",
            "replay_pure", "consume_pure")
    rates: dict[str, list[float]] = {k: [] for k in keys}
    n_out = 0
    for _ in range(3):  # interleaved repeats: all see the same machine noise
        rate, n_out = _engine_rate(events, "models")
        rates["models"].append(rate)
        rates["wire"].append(_engine_rate(events, "wire")[0])
        rates["states"].append(_engine_rate(events, "states")[0])
        rates["median"].append(_median_rate(events))
        rates["replay"].append(_line_rate(numbered, "replay")[0])
        rates["consume"].append(_line_rate(numbered, "consume")[0])
        rates["before"].append(_line_rate(numbered, "models")[0])
        aggregate.consensus = reference  # the Python reference, same process
        try:
            rates["replay_pure"].append(_line_rate(numbered, "replay")[0])
            rates["consume_pure"].append(_line_rate(numbered, "consume")[0])
        finally:
            aggregate.consensus = kernel
    models, wire, states, median, replay, consume, before, replay_pure, consume_pure = (
        statistics.median(rates[k]) for k in keys
    )
    bare = _bare_cli_rate(lines)
    kind = "compiled kernel" if aggregate.COMPILED else "pure Python (kernel not built)"
    print(f"consensus replay, {len(events):,} events on {N_CLAIMS:,} claims, events per CPU-second")
    print(f"  (per-claim consensus: {kind})")
    print(f"  replay: JSON lines in, JSON lines out:  {replay:>10,.0f} events/s")
    print(f"  replay --final: lines, states only:     {consume:>10,.0f} events/s")
    print(f"  replay, Python reference consensus:     {replay_pure:>10,.0f} events/s")
    print(f"  replay --final, Python reference:       {consume_pure:>10,.0f} events/s")
    print(f"  ratio kernel / Python (replay, --final): {replay / replay_pure:>9.2f} {consume / consume_pure:.2f}")
    print(f"  JSON lines via validated models:        {before:>10,.0f} events/s")
    print(f"  ratio replay / via models:              {replay / before:>10.2f}")
    print(f"  engine, models in and out (agent):      {models:>10,.0f} events/s")
    print(f"  engine, models in, JSON bytes out:      {wire:>10,.0f} events/s")
    print(f"  engine, models in, states only:         {states:>10,.0f} events/s")
    print(f"  baseline per-claim running median:      {median:>10,.0f} events/s")
    print(f"  decode + encode alone (no engine):      {bare:>10,.0f} events/s")
    print(f"  ({n_out:,} updates and alerts per replay; goal 20,000 events/s)")
    return {
        "replay_lines_events_per_s": replay,
        "replay_final_lines_events_per_s": consume,
        "replay_pure_python_events_per_s": replay_pure,
        "replay_final_pure_python_events_per_s": consume_pure,
        "ratio_kernel_replay": replay / replay_pure,
        "ratio_kernel_replay_final": consume / consume_pure,
        "kernel_compiled": float(aggregate.COMPILED),
        "replay_via_models_events_per_s": before,
        "ratio_replay_to_via_models": replay / before,
        "ratio_replay_final_to_via_models": consume / before,
        "engine_models_events_per_s": models,
        "engine_wire_events_per_s": wire,
        "engine_states_only_events_per_s": states,
        "median_baseline_events_per_s": median,
        "ratio_wire_to_median": wire / median,
        "ratio_states_only_to_median": states / median,
        "ratio_replay_to_median": replay / median,
        "cli_events_per_s": replay,
        "cli_without_engine_events_per_s": bare,
        "ratio_cli_to_bare_cli": replay / bare,
        "outputs_per_replay": float(n_out),
    }


if __name__ == "__main__":
    run()
