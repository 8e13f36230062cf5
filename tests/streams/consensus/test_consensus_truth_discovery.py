"""The truth-discovery harness: its parsing, its baselines, and the engine's
figures on the Population data set when the evaluation data is present."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.evaluation import truth_discovery as td

CLAIMS = "\n".join([
    "ashford, kent_2001\tcontributor #1: mapbot\t74204\t2001",
    "ashford, kent_2001\tcontributor #2: alice\t74204\t2001",
    "ashford, kent_2001\tcontributor #0 (10.0.0.9)\t7420400000\t2001",
    "brigg, lincolnshire_2001\tcontributor #1: mapbot\t5076\t2001",
    "brigg, lincolnshire_2001\tcontributor #3: bob\t5076\t2001",
    "corby, northamptonshire_2001\tcontributor #1: mapbot\t53174\t2001",
    "corby, northamptonshire_2001\tcontributor #0 (10.0.0.7)\t35174\t2001",
    "bad line without tabs",
])
TRUTH = "\n".join([
    "ashford, kent, 2001, 74204",
    "brigg, lincolnshire, 2001, 5076",
    "corby, northamptonshire, 2001, 53174",
    "nowhere, at all, 2001, 12",
])


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    (tmp_path / "claims.tsv").write_text(CLAIMS, encoding="latin-1")
    (tmp_path / "truth.csv").write_text(TRUTH, encoding="latin-1")
    return tmp_path


def test_parsing_and_scoring(dataset: Path) -> None:
    rows, truth = td.load_population(dataset)
    assert len(rows) == 7  # the malformed line is skipped
    assert truth["ashford, kent_2001"] == 74204.0
    scores = td.evaluate(rows, truth)
    assert scores["engine"].n == 3  # only objects with both claims and a truth
    # the bot agreed with others twice, so it wins the one-against-one dispute
    assert scores["engine"].within_1pct == 1.0 and scores["engine"].mae == 0.0
    # the per-object median of a two-way dispute is the midpoint
    assert scores["median"].mae == pytest.approx(abs((53174 + 35174) / 2 - 53174) / 3)


def test_voting_breaks_ties_with_the_median_of_the_tied_values(dataset: Path) -> None:
    rows, _ = td.load_population(dataset)
    votes = td.voting_baseline(rows)
    assert votes["ashford, kent_2001"] == 74204.0
    assert votes["corby, northamptonshire_2001"] == (53174 + 35174) / 2


def test_the_evidence_wording_does_not_change_the_estimates(dataset: Path) -> None:
    """Contributors that agree write the same words when a harness gives every
    row one template: that is agreement, not copying."""
    rows, _ = td.load_population(dataset)
    named = td.engine_estimates(td.to_events(rows))
    assert named["ashford, kent_2001"] == 74204
    for wording in td.WORDINGS.values():
        assert td.engine_estimates(td.to_events(rows, wording)) == named


def test_main_prints_the_table(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert td.main([str(dataset)]) == 0
    out = capsys.readouterr().out
    assert "engine" in out and "median" in out and "voting" in out


def test_population_targets(shared_data_dir: Path) -> None:
    base = shared_data_dir / "truth-discovery" / "population"
    if not (base / "claims.tsv").exists():
        pytest.skip("population data set not present")
    rows, truth = td.load_population(base)
    scores = td.evaluate(rows, truth)
    engine = scores["engine"]
    assert engine.n == 277
    assert engine.mae < 2500 and engine.within_1pct >= 0.80
    assert engine.mae < scores["median"].mae and engine.mae < scores["voting"].mae
