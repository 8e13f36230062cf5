"""The synthetic truth-discovery benchmark: generators are what they claim, the
scoring is right, and the engine shows the behaviour each regime is about."""

from __future__ import annotations

import math

import pytest

from streams.evaluation import synthetic_truth as st


def _regime(name: str, seed: int = 0, scale: float = 0.25) -> st.Scenario:
    return st.REGIMES[name](seed, scale)


@pytest.mark.parametrize("name", list(st.REGIMES))
def test_generator_is_deterministic_for_a_seed(name: str) -> None:
    a, b = _regime(name, seed=3), _regime(name, seed=3)
    assert a.statements == b.statements
    assert a.truth == b.truth and a.presence == b.presence
    assert _regime(name, seed=4).statements != a.statements
    ids = [e.event_id for e in st.to_events(a)]
    assert ids == [e.event_id for e in st.to_events(b)]
    assert len(set(ids)) == len(ids)


def test_score_counts_relative_error_and_missing_claims() -> None:
    sc = st.Scenario("x", "x", [], truth={"a:n": 100.0, "b:n": 1000.0, "c:n": 50.0},
                     presence={"p:presence": True, "q:presence": False})
    nums = {"a:n": 100.5, "b:n": 1100.0}  # 0.5% off, 10% off, c missing (counts as 1)
    pres = {"p:presence": 0.9, "q:presence": 0.5}
    got = st.score((nums, pres), sc)
    assert got["mare"] == pytest.approx((0.005 + 0.1 + 1.0) / 3)
    assert got["rmsre"] == pytest.approx(math.sqrt((0.005**2 + 0.01 + 1.0) / 3))
    assert got["within_1pct"] == pytest.approx(1 / 3)
    assert got["presence_acc"] == pytest.approx((1.0 + 0.5) / 2)  # a coin flip earns half
    assert got["brier"] == pytest.approx((0.01 + 0.25) / 2)


def test_baselines_use_each_sources_latest_statement() -> None:
    st_ = st.Statement
    sc = st.Scenario("x", "x", [
        st_("k:n", "a", 10.0, day=1, text="t1"),
        st_("k:n", "a", 30.0, day=2, text="t2"),  # a revised its figure
        st_("k:n", "b", 30.0, day=1, text="t3"),
        st_("k:n", "c", 20.0, day=3, text="t4", as_of_day=0.5),  # published late, about day 0.5
    ], truth={"k:n": 30.0})
    assert st.mean_baseline(sc)[0]["k:n"] == pytest.approx(80.0 / 3)
    assert st.median_baseline(sc)[0]["k:n"] == 30.0
    assert st.vote_baseline(sc)[0]["k:n"] == 30.0
    assert st.newest_baseline(sc)[0]["k:n"] == 20.0  # the last one printed


def test_reference_crh_learns_to_trust_the_consistent_source() -> None:
    # "good" is always right; two noisy sources disagree with it in opposite ways
    sts = []
    for i in range(30):
        key = f"o{i}:n"
        sts += [
            st.Statement(key, "good", 1000.0, 0, "g"),
            st.Statement(key, "noisy-1", 1000.0 + 50 + 7 * (i % 5), 0, "n1"),
            st.Statement(key, "noisy-2", 1000.0 - 30 - 11 * (i % 3), 0, "n2"),
        ]
    sc = st.Scenario("x", "x", sts, truth={f"o{i}:n": 1000.0 for i in range(30)})
    nums, _ = st.crh(sc)
    assert all(v == 1000.0 for v in nums.values())


def test_gaussian_regime_engine_beats_the_mean_and_median_clearly() -> None:
    sc = _regime("gaussian")
    got = st.evaluate(sc)
    assert got["engine"]["mare"] < 0.5 * got["median"]["mare"]
    assert got["engine"]["mare"] < 0.25 * got["mean"]["mare"]
    assert got["engine"]["within_1pct"] > got["median"]["within_1pct"] + 0.2


def test_noisy_regime_engine_still_tells_good_from_bad() -> None:
    # even the good sources are ~5% off: a fixed 5% loss scale would put every
    # weight on the floor and leave the engine at the plain median
    got = st.evaluate(_regime("noisy", scale=0.5))
    assert got["engine"]["mare"] < 0.8 * got["median"]["mare"]
    assert got["engine"]["mare"] < got["crh"]["mare"]


def test_modest_regime_has_one_source_better_than_the_rest() -> None:
    sc = _regime("modest")
    errs: dict[str, list[float]] = {}
    for s in sc.statements:
        assert s.best is not None
        errs.setdefault(s.source, []).append(abs(s.best / sc.truth[s.claim] - 1.0))
    ranked = sorted(errs, key=lambda k: sum(errs[k]) / len(errs[k]))
    best, second = (sum(errs[k]) / len(errs[k]) for k in ranked[:2])
    assert best < 0.75 * second  # σ 10% against 20% and worse
    assert len(errs) == 10


def test_copying_regime_copies_fool_the_vote_but_not_the_engine() -> None:
    sc = _regime("copying")
    # the regime is what it says: most statements on a claim repeat one text
    echoed = sum(1 for s in sc.statements if s.source.startswith("echo-"))
    assert echoed > len(sc.statements) / 3
    got = st.evaluate(sc)
    assert got["vote"]["mare"] > 0.1 and got["median"]["mare"] > 0.1
    assert got["engine"]["mare"] < 0.03
    assert got["engine"]["mare"] < 0.2 * got["crh"]["mare"]


def test_templated_regime_agreement_in_one_template_is_not_taken_for_copying() -> None:
    sc = _regime("templated")
    # the regime is what it says: right sources write the very same sentence
    texts = [s.text for s in sc.statements if s.best == sc.truth[s.claim]]
    assert len(set(texts)) < 0.6 * len(texts)
    got = st.evaluate(sc)
    # counting agreeing sources once would hand many claims to a single slip
    assert got["engine"]["mare"] < 0.2
    assert got["engine"]["within_1pct"] > 0.9


def test_reworded_copying_has_the_same_figures_in_other_words() -> None:
    plain, reworded = _regime("copying"), _regime("copying_reworded")
    assert [(s.claim, s.source, s.best) for s in plain.statements] == [
        (s.claim, s.source, s.best) for s in reworded.statements
    ]
    origin = {s.claim: s.text for s in reworded.statements if s.source == "origin"}
    echoes = [s for s in reworded.statements if s.source.startswith("echo-") and s.claim in origin]
    assert echoes and not any(origin[s.claim] in s.text for s in echoes)


def test_long_tail_regime_has_a_long_tail_and_the_engine_beats_crh() -> None:
    sc = _regime("long_tail", scale=0.5)
    per_source: dict[str, int] = {}
    for s in sc.statements:
        per_source[s.source] = per_source.get(s.source, 0) + 1
    sizes = sorted(per_source.values())
    assert sizes[len(sizes) // 2] <= 3  # most sources say very little...
    assert sizes[-1] >= 40  # ...and a few say a lot
    got = st.evaluate(sc)
    assert got["engine"]["mare"] < got["crh"]["mare"]
    assert got["engine"]["mare"] < got["median"]["mare"]


def test_moving_regime_truth_grows_and_the_engine_follows_it() -> None:
    sc = _regime("moving")
    by_source: dict[tuple[str, str], list[float]] = {}
    for s in sc.statements:
        assert s.best is not None
        by_source.setdefault((s.claim, s.source), []).append(s.best)
    # a source's figures grow over the weeks (up to its few percent of noise)
    rising = sum(1 for v in by_source.values() if len(v) > 2 and v[-1] > v[0])
    assert rising > 0.8 * sum(1 for v in by_source.values() if len(v) > 2)
    got = st.evaluate(sc)
    assert got["engine"]["mare"] < got["median"]["mare"]
    assert got["engine"]["mare"] < got["newest"]["mare"]


def test_hedged_regime_presence_is_scored_and_the_engine_is_calibrated() -> None:
    sc = _regime("hedged", scale=0.5)
    hedges = {s.hedge for s in sc.statements if s.best is not None}
    assert {"exact", "approximately", "at_least", "range", "up_to"} <= hedges
    assert any(s.stance == "denies" for s in sc.statements)
    got = st.evaluate(sc)
    assert got["engine"]["presence_acc"] >= got["vote"]["presence_acc"]
    assert got["engine"]["brier"] < got["mean"]["brier"]
    assert got["engine"]["mare"] < got["median"]["mare"]


def test_run_returns_flat_figures_for_each_regime() -> None:
    figs = st.run(seeds=(0,), scale=0.1, regimes=["gaussian", "hedged"], verbose=False)
    assert figs["gaussian.engine.mare"] >= 0.0
    assert 0.0 <= figs["hedged.crh.presence_acc"] <= 1.0
    assert not any(k.startswith("copying.") for k in figs)
