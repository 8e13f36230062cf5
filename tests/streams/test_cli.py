"""The offline commands, run as a user runs them: ``claimwatch extract`` and ``claimwatch replay``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from schemas import ClaimObserved, ConsensusUpdated

REPO = Path(__file__).resolve().parents[2]

QUAKE = [
    {
        "id": "cli-1",
        "published_at": "2025-02-03T09:00:00Z",
        "outlet": "wire.example",
        "text": "The national disaster agency said at least 120 people were killed in the earthquake in Turkey.",
    },
    {
        "id": "cli-2",
        "published_at": "2025-02-04T09:00:00Z",
        "outlet": "daily.example",
        "text": "The Red Crescent said on Tuesday that approximately 125 people were killed "
        "in the earthquake in Turkey.",
    },
]


def claimwatch(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def extracted() -> subprocess.CompletedProcess[str]:
    lines = [json.dumps(a) for a in QUAKE]
    lines.insert(1, "{this is not json")
    lines.append(json.dumps({"id": "no-text"}))
    return claimwatch("extract", "-", stdin="\n".join(lines) + "\n")


def test_extract_writes_claims_and_reports_bad_lines_by_number(extracted: subprocess.CompletedProcess[str]) -> None:
    claims = [ClaimObserved.model_validate_json(line) for line in extracted.stdout.splitlines()]
    assert {c.article_id for c in claims} == {"cli-1", "cli-2"}
    assert "line 2: bad article: invalid JSON" in extracted.stderr
    assert "line 4: bad article: text: Field required" in extracted.stderr
    assert extracted.returncode == 1, "the exit status says there were bad lines"


def test_extract_is_deterministic(extracted: subprocess.CompletedProcess[str]) -> None:
    again = claimwatch("extract", "-", stdin="\n".join(json.dumps(a) for a in QUAKE) + "\n")
    assert again.returncode == 0
    first = [json.loads(x)["event_id"] for x in extracted.stdout.splitlines()]
    second = [json.loads(x)["event_id"] for x in again.stdout.splitlines()]
    assert first == second


def test_replay_turns_claims_into_consensus_and_final_keeps_one_per_key(
    extracted: subprocess.CompletedProcess[str],
) -> None:
    everything = claimwatch("replay", "-", stdin=extracted.stdout)
    assert everything.returncode == 0, everything.stderr
    updates = [json.loads(x) for x in everything.stdout.splitlines() if '"ConsensusUpdated"' in x]
    assert updates, everything.stdout
    final = claimwatch("replay", "--final", "-", stdin=extracted.stdout + extracted.stdout)
    finals = [ConsensusUpdated.model_validate_json(x) for x in final.stdout.splitlines()]
    assert len({u.claim_key for u in finals}) == len(finals), "one line per claim_key"
    deaths = next(u for u in finals if u.measure == "deaths")
    assert deaths.n_sources == 2, "replaying every claim twice counts each source once"
    assert deaths.estimate is not None and 115 <= deaths.estimate.best <= 130


def test_the_last_update_of_each_claim_in_a_replay_is_the_final_one(
    extracted: subprocess.CompletedProcess[str],
) -> None:
    everything = claimwatch("replay", "-", stdin=extracted.stdout)
    final = claimwatch("replay", "--final", "-", stdin=extracted.stdout)
    last: dict[str, str] = {}
    for line in everything.stdout.splitlines():
        if '"ConsensusUpdated"' in line:
            last[json.loads(line)["claim_key"]] = line
    finals = final.stdout.splitlines()
    assert finals and sorted(last.values()) == sorted(finals)


def test_replay_reports_bad_lines_and_keeps_going(extracted: subprocess.CompletedProcess[str]) -> None:
    lines = extracted.stdout.splitlines()
    broken = [lines[0], '{"type": "ClaimObserved"}', *lines[1:]]
    out = claimwatch("replay", "--final", "-", stdin="\n".join(broken) + "\n")
    assert out.returncode == 1
    assert "line 2: bad ClaimObserved" in out.stderr
    assert out.stdout.strip(), "the good lines were still replayed"


def test_produce_without_a_cluster_says_what_to_set() -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    out = subprocess.run(
        [sys.executable, "-m", "streams.cli", "produce", "-"],
        input="",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )
    assert out.returncode == 2 and "KAFKA_BOOTSTRAP_SERVERS" in out.stderr


class _RawFile:
    """A raw file that takes at most 5 bytes a write, and counts the writes."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.writes = 0

    def write(self, b: bytes | memoryview) -> int:
        self.writes += 1
        self.data += bytes(b[:5])
        return min(5, len(b))

    def flush(self) -> None:
        pass


def test_replay_writes_its_lines_in_chunks_and_all_of_each() -> None:
    from streams.cli import write_lines

    out = _RawFile()
    lines = [f"line {i}".encode() for i in range(7)]
    write_lines(out, iter(lines), per_write=3)  # type: ignore[arg-type]
    assert bytes(out.data) == b"".join(line + b"\n" for line in lines)
    chunks: list[bytes] = []
    whole = _RawFile()
    whole.write = lambda b: chunks.append(bytes(b)) or len(b)  # type: ignore[method-assign, func-returns-value]
    write_lines(whole, iter(lines), per_write=3)  # type: ignore[arg-type]
    assert [c.count(b"\n") for c in chunks] == [3, 3, 1]
