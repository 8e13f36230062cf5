"""Synthetic truth-discovery benchmark: the literature's regimes, with a known truth.

Why: the consensus engine is judged on public truth-discovery data sets that
are not in this repo, and one real file (Population) is too narrow a target;
a method tuned to it can lose elsewhere. The literature's experiments come in
a few standard regimes, and each can be generated with a known truth:

1. ``gaussian`` — sources with Gaussian noise of very different variances, a
   few good and many bad (CRH, Li et al. SIGMOD 2014, simulated sources);
   ``noisy``, the same when even the good sources are a few percent off, and
   ``modest``, one good source among mediocre ones (differences of 2-4x in σ);
2. ``long_tail`` — most sources make 1-3 claims, a few make hundreds, and
   quality does not depend on how much a source says (CATD, Li et al. VLDB
   2015: a source's weight must carry its uncertainty);
3. ``copying`` — most sources copy one bad source, word for word under their
   own names, next to a few independent good ones (Dong et al. VLDB 2009:
   a vote that counts copies as independent follows the copier clique);
   ``copying_reworded``, the same figures copied in the copiers' own words;
   ``templated``, the opposite trap: independent sources that are right or
   wrong (an exact figure or a slip), all in one sentence template, as a data
   set converted from a table reads (the same words are not a copy here);
4. ``moving`` — counts that grow over weeks, sources reporting at different
   lags, some dating their figures (``as_of``) and some not (dynamic truth
   discovery: what is the figure *now*);
5. ``hedged`` — hedged figures (about / at least / up to / ranges) and
   presence claims that some sources deny, scored by accuracy at 0.5 and the
   Brier score of the presence probability.

Every regime goes through the same :class:`~streams.replay.Replayer` as
``claimwatch replay`` (every statement a ``ClaimObserved``, in arrival order,
then ``final()``), and the same harness computes the baselines from the same
statements: per-claim mean, median, majority vote on the exact value, and
:func:`crh`, a minimal textbook CRH as a reference point. Baselines see each
source's latest statement per claim (the engine's rule too), so in the
``moving`` regime they are not handicapped by figures their own source
already revised; that regime also shows ``newest`` (the last figure printed).

Numbers are scored by relative error (claims differ by orders of magnitude):
MARE (mean absolute relative error), RMSRE (root mean squared relative
error) and the share within 1% of the truth; a claim without an estimate
counts as a relative error of 1.

Nothing here is tuned to the engine: the regimes' parameters are plain
choices in the spirit of the papers, fixed before looking at any result.

    python -m streams.evaluation.synthetic_truth [--seeds N] [--scale X] [--only REGIME]
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from schemas.events import ClaimObserved
from streams.consensus import BookSettings, ConsensusEngine, EngineSettings, ReliabilityBook
from streams.replay import Replayer

T0 = datetime(2024, 1, 1, tzinfo=UTC)
PRESENCE = "presence"


@dataclass(frozen=True, slots=True)
class Statement:
    """One source's statement on one claim, as an extractor would have read it."""

    claim: str
    source: str
    best: float | None  # None for a presence statement
    day: float  # when it was published (days after T0)
    text: str
    stance: str = "asserts"
    hedge: str = "exact"
    low: float | None = None
    high: float | None = None
    as_of_day: float | None = None  # the date the figure is about, when the article says
    kind: str | None = None  # the source's kind ("outlet": a publisher, the figure unattributed)

    @property
    def date(self) -> float:
        """The statement's date as the engine takes it: as_of, never after publication."""
        return self.day if self.as_of_day is None else min(self.as_of_day, self.day)


@dataclass(slots=True)
class Scenario:
    """A generated data set: statements in arrival order and the truth they are scored on."""

    name: str
    title: str
    statements: list[Statement]
    #: numeric claims → true value (for ``moving``: the value at the claim's last report)
    truth: dict[str, float] = field(default_factory=dict)
    #: presence claims → whether the thing is there
    presence: dict[str, bool] = field(default_factory=dict)

    @property
    def n_sources(self) -> int:
        return len({s.source for s in self.statements})


# -- prose -------------------------------------------------------------------

_OPENERS = (
    "Officials said", "According to a statement,", "The agency reported that",
    "A spokesperson told reporters", "Local authorities estimated that",
    "In a briefing, it was said that", "Figures released on the day show",
    "Witnesses and officials agreed that",
)
_FILLER = (
    "amid", "ongoing", "pressure", "the", "region", "after", "weeks", "of",
    "talks", "while", "aid", "groups", "warned", "that", "access", "remained",
    "limited", "across", "northern", "districts", "where", "roads", "were",
    "cut", "by", "flooding", "and", "fighting", "earlier", "this", "month",
    "residents", "described", "long", "queues", "at", "clinics", "convoys",
    "officials", "declined", "to", "comment", "further", "on", "timing",
    "reports", "from", "several", "towns", "suggest", "worsening", "conditions",
)


def _prose(rng: random.Random, subject: str, phrase: str) -> str:
    """An evidence sentence in its own words: independent articles never share
    long runs of words, so only real copies look like copies."""
    filler = " ".join(rng.choice(_FILLER) for _ in range(rng.randint(10, 16)))
    return f"{rng.choice(_OPENERS)} {subject} stood at {phrase}, {filler}."


def _noisy(rng: random.Random, truth: float, sigma: float) -> float:
    """truth × (1 + σ·z), a whole number of at least 1 (counts are printed as integers)."""
    return float(max(1, round(truth * (1.0 + sigma * rng.gauss(0.0, 1.0)))))


def _magnitude(rng: random.Random, lo: float = 200.0, hi: float = 200_000.0) -> float:
    """A true count, log-uniform: claims differ by orders of magnitude."""
    return float(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))


def _sig2(x: float) -> float:
    """Rounded to two significant digits, as "about 12,000" is."""
    if x <= 0:
        return x
    step = 10.0 ** (math.floor(math.log10(x)) - 1)
    return float(round(x / step) * step)


def _rng(seed: int, regime: str) -> random.Random:
    # a str seed is hashed with SHA-512: the same on every run and platform
    return random.Random(f"{seed}:{regime}")


# -- regimes -----------------------------------------------------------------


def gaussian(seed: int = 0, scale: float = 1.0) -> Scenario:
    """Few good sources (σ 0.5%), many bad ones (σ 5% to 50%), random coverage."""
    sigmas = [0.005] * 3 + [0.05 * (10.0 ** (i / 16)) for i in range(17)]  # 5% .. 50%
    return _independent("gaussian", "Gaussian noise, 3 good (σ 0.5%) and 17 bad (σ 5-50%)",
                        sigmas, seed, scale, noise=_noisy, source_prefix="src")


def _spread(rng: random.Random, truth: float, sigma: float) -> float:
    """truth × exp(σ·z), a whole number: multiplicative noise, as estimates of a
    crowd or a death toll are off by a factor rather than by a fixed amount."""
    return float(max(1, round(truth * math.exp(sigma * rng.gauss(0.0, 1.0)))))


def _independent(
    name: str, title: str, sigmas: list[float], seed: int, scale: float,
    noise: Callable[[random.Random, float, float], float] = _spread, source_prefix: str = "",
) -> Scenario:
    """Independent sources, one per ``sigmas`` entry, each on 60% of the claims,
    off by ``noise(rng, truth, sigma)``; source names say nothing about quality."""
    rng = _rng(seed, name)
    names = [f"{source_prefix or name[:2]}-{i:02d}" for i in range(len(sigmas))]
    rng.shuffle(names)
    truth = {f"{name[0]}{i:04d}:count": _magnitude(rng) for i in range(max(10, round(200 * scale)))}
    out = []
    for key, value in truth.items():
        for src, sigma in zip(names, sigmas, strict=True):
            if rng.random() < 0.6:
                v = noise(rng, value, sigma)
                out.append(Statement(key, src, v, rng.uniform(0, 5), _prose(rng, key, f"{v:,.0f}")))
    rng.shuffle(out)
    return Scenario(name, title, out, truth)


def noisy(seed: int = 0, scale: float = 1.0) -> Scenario:
    """Regime 1 when nobody is precise: 3 good sources at σ 5%, 17 bad at
    20-100% (log-normal), so even the best are routinely a few percent off."""
    sigmas = [0.05] * 3 + [0.2 * 5.0 ** (i / 16) for i in range(17)]
    return _independent("noisy", "noisy: 3 good (σ 5%), 17 bad (σ 20-100%), log-normal",
                        sigmas, seed, scale)


def modest(seed: int = 0, scale: float = 1.0) -> Scenario:
    """Modest differences: one good source at σ 10%, nine mediocre at 20-40%
    (log-normal). The best weighted median (oracle weights ∝ 1/σ) is only
    about 7% better than the plain median here; a method that trusts one
    source too much is worse than the median."""
    sigmas = [0.1] + [0.2 * 2.0 ** (i / 8) for i in range(9)]
    return _independent("modest", "modest: 1 good (σ 10%), 9 mediocre (σ 20-40%), log-normal",
                        sigmas, seed, scale)


def long_tail(seed: int = 0, scale: float = 1.0) -> Scenario:
    """Claims per source Pareto(α=1.1)-distributed; σ log-uniform 0.2%..50%, independent of size."""
    rng = _rng(seed, "long_tail")
    n_obj = max(10, round(300 * scale))
    n_src = max(20, round(400 * scale))
    truth = {f"t{i:04d}:count": _magnitude(rng) for i in range(n_obj)}
    keys = list(truth)
    out = []
    for j in range(n_src):
        size = min(n_obj, int(rng.paretovariate(1.1)))
        sigma = math.exp(rng.uniform(math.log(0.002), math.log(0.5)))
        for key in rng.sample(keys, size):
            v = _noisy(rng, truth[key], sigma)
            out.append(Statement(key, f"lt-{j:03d}", v, rng.uniform(0, 5),
                                 _prose(rng, key, f"{v:,.0f}")))
    rng.shuffle(out)
    return Scenario("long_tail", "long tail: Pareto(1.1) claims per source, σ 0.2-50%", out, truth)


def copying(seed: int = 0, scale: float = 1.0, *, reworded: bool = False) -> Scenario:
    """One bad source (σ 25%, biased +15%), eight copiers that repeat it word for
    word (90% of the time; their own bad figure otherwise), four independent
    good sources (σ 1%) and two independent bad ones (σ 25%). ``reworded``:
    the copiers take the figure but write their own sentence around it.

    The bad source and its copiers are outlets printing a figure nobody is
    quoted for (source kind ``outlet``, as the extractor names them): an
    attributed figure keeps its speaker's name in every copy, and is one
    source's statement whoever reprints it."""
    rng = _rng(seed, "copying")
    words = _rng(seed, "copying-words")  # its own stream: the figures stay those of `copying`
    n_obj = max(10, round(150 * scale))
    truth = {f"c{i:04d}:count": _magnitude(rng) for i in range(n_obj)}
    good = [f"good-{i}" for i in range(4)]
    bad = [f"noisy-{i}" for i in range(2)]
    copiers = [f"echo-{i}" for i in range(8)]
    out = []
    for key, value in truth.items():
        here = []
        origin: Statement | None = None
        if rng.random() < 0.9:
            v = _noisy(rng, value * 1.15, 0.25)
            origin = Statement(key, "origin", v, rng.uniform(0, 3), _prose(rng, key, f"{v:,.0f}"),
                               kind="outlet")
            here.append(origin)
        for name in copiers:
            if rng.random() >= 0.85:
                continue
            if origin is not None and rng.random() < 0.9:
                # syndication: the same article under another name, sometimes with a dateline
                text = origin.text if rng.random() < 0.5 else f"({name}) {origin.text}"
                if reworded:
                    text = _prose(words, key, f"{origin.best:,.0f}")
                here.append(Statement(key, name, origin.best, origin.day + rng.uniform(0, 1), text,
                                      kind="outlet"))
            else:
                v = _noisy(rng, value * 1.15, 0.25)
                here.append(Statement(key, name, v, rng.uniform(0, 4), _prose(rng, key, f"{v:,.0f}"),
                                      kind="outlet"))
        for names, sigma in ((good, 0.01), (bad, 0.25)):
            for name in names:
                if rng.random() < 0.7:
                    v = _noisy(rng, value, sigma)
                    here.append(Statement(key, name, v, rng.uniform(0, 4),
                                          _prose(rng, key, f"{v:,.0f}")))
        out.extend(sorted(here, key=lambda s: s.day))  # published order within a claim
    if reworded:
        return Scenario("copying_reworded", "copying, reworded: the copiers' own words, same figures",
                        out, truth)
    return Scenario("copying", "copying: 8 copiers of 1 bad source vs 4 good, 2 bad", out, truth)


def templated(seed: int = 0, scale: float = 1.0) -> Scenario:
    """Twelve independent sources, each right (the exact figure) with its own
    probability from 55% to 95% and otherwise wrong by a slip (a tenfold
    typo, a stale or garbled figure); every statement is the same sentence
    with its figure. Right sources agree to the digit in the same words: a
    method that took that for copying would count the truth once."""
    rng = _rng(seed, "templated")
    names = [f"table-{i:02d}" for i in range(12)]
    accuracy = [0.55 + 0.4 * i / 11 for i in range(12)]
    rng.shuffle(names)
    truth = {f"x{i:04d}:count": _magnitude(rng) for i in range(max(10, round(200 * scale)))}
    out = []
    for key, value in truth.items():
        for name, acc in zip(names, accuracy, strict=True):
            if rng.random() >= 0.5:
                continue
            v = value
            if rng.random() >= acc:
                slip = rng.random()
                factor = 10.0 if slip < 0.25 else 0.1 if slip < 0.5 else rng.uniform(0.5, 1.5)
                v = float(max(1, round(value * factor)))
            text = f"The figure recorded for {key} in the table is {v:,.0f} in total."
            out.append(Statement(key, name, v, rng.uniform(0, 5), text))
    rng.shuffle(out)
    return Scenario("templated", "templated: 12 sources right 55-95%, slips otherwise, one template",
                    out, truth)


def copying_reworded(seed: int = 0, scale: float = 1.0) -> Scenario:
    """:func:`copying` with the figures copied but not the words (value-only
    copying, as in Dong et al.'s data): no evidence text gives the copies away."""
    return copying(seed, scale, reworded=True)


def moving(seed: int = 0, scale: float = 1.0) -> Scenario:
    """Counts N(t) = F·(1 - exp(-(t - start)/τ)) over six weeks; 12 sources with
    lags of 0-14 days and σ 1-4% report every 1-7 days; half of them date
    their figure (as_of = the day it is about), half only publish it."""
    rng = _rng(seed, "moving")
    n_obj = max(6, round(80 * scale))
    horizon = 42.0
    lags = [0, 0, 0, 1, 1, 2, 3, 5, 7, 10, 12, 14]
    srcs = [
        (f"mv-{i:02d}", float(lag), rng.uniform(0.01, 0.04), rng.choice([1, 2, 3, 5, 7]),
         i % 2 == 0)
        for i, lag in enumerate(lags)
    ]
    events: list[Statement] = []
    truth: dict[str, float] = {}
    for i in range(n_obj):
        key = f"m{i:04d}:deaths"
        final = _magnitude(rng, 100.0, 50_000.0)
        start = rng.uniform(0.0, 28.0)
        tau = rng.uniform(5.0, 15.0)

        def at(t: float, final: float = final, start: float = start, tau: float = tau) -> float:
            return 0.0 if t <= start else final * (1.0 - math.exp(-(t - start) / tau))

        last = 0.0
        for name, lag, sigma, every, dates in srcs:
            if rng.random() < 0.25:
                continue  # this source does not follow this story
            t = start + lag + rng.uniform(0.0, every)
            while t <= horizon:
                value = at(t - lag)
                if value >= 1.0:
                    v = _noisy(rng, value, sigma)
                    as_of = t - lag if dates else None
                    events.append(Statement(key, name, v, t, _prose(rng, key, f"{v:,.0f}"),
                                            as_of_day=as_of))
                    last = max(last, t)
                t += every
        if last:
            truth[key] = float(round(at(last)))
    events.sort(key=lambda s: s.day)
    return Scenario("moving", "moving truth: growing counts, lags 0-14 days, half dated",
                    events, truth)


def hedged(seed: int = 0, scale: float = 1.0) -> Scenario:
    """Hedged figures and presence claims from the same 12 sources.

    Numbers: exact (40%), "about" rounded to two digits (25%), "at least" a true
    lower bound (15%), a range around the figure (15%), "up to" a true upper
    bound (5%). Presence: 60% of things are there; a source states the truth
    with its accuracy (0.95 for the good, 0.75 middling, 0.4 for the bad,
    which are the same sources that are noisy on numbers).
    """
    rng = _rng(seed, "hedged")
    n_obj = max(10, round(150 * scale))
    quality = [(0.01, 0.95)] * 3 + [(0.05, 0.75)] * 6 + [(0.25, 0.4)] * 3
    names = [f"hd-{i:02d}" for i in range(len(quality))]
    rng.shuffle(names)
    truth = {f"h{i:04d}:count": _magnitude(rng) for i in range(n_obj)}
    presence = {f"p{i:04d}:presence": rng.random() < 0.6 for i in range(n_obj)}
    out = []
    for key, value in truth.items():
        for name, (sigma, _) in zip(names, quality, strict=True):
            if rng.random() >= 0.6:
                continue
            v = _noisy(rng, value, sigma)
            kind = rng.random()
            low = high = None
            if kind < 0.40:
                hedge, best, phrase = "exact", v, f"{v:,.0f}"
            elif kind < 0.65:
                best = _sig2(v)
                hedge, phrase = "approximately", f"about {best:,.0f}"
            elif kind < 0.80:
                best = _sig2(min(v, value) * (1.0 - rng.uniform(0.0, 0.15)))
                hedge, phrase = "at_least", f"at least {best:,.0f}"
            elif kind < 0.95:
                low = float(round(v * (1.0 - rng.uniform(0.05, 0.2))))
                high = float(round(v * (1.0 + rng.uniform(0.05, 0.2))))
                hedge, best, phrase = "range", (low + high) / 2.0, f"{low:,.0f} to {high:,.0f}"
            else:
                best = _sig2(max(v, value) * (1.0 + rng.uniform(0.0, 0.15)))
                hedge, phrase = "up_to", f"up to {best:,.0f}"
            out.append(Statement(key, name, best, rng.uniform(0, 5), _prose(rng, key, phrase),
                                 hedge=hedge, low=low, high=high))
    for key, there in presence.items():
        for name, (_, acc) in zip(names, quality, strict=True):
            if rng.random() >= 0.5:
                continue
            right = rng.random() < acc
            asserts = there == right
            phrase = "present, as confirmed" if asserts else "absent, a denial"
            out.append(Statement(key, name, None, rng.uniform(0, 5), _prose(rng, key, phrase),
                                 stance="asserts" if asserts else "denies"))
    rng.shuffle(out)
    return Scenario("hedged", "hedged figures (about/at least/up to/range) + presence with denials",
                    out, truth, presence)


REGIMES: dict[str, Callable[[int, float], Scenario]] = {
    "gaussian": gaussian,
    "noisy": noisy,
    "modest": modest,
    "long_tail": long_tail,
    "copying": copying,
    "copying_reworded": copying_reworded,
    "templated": templated,
    "moving": moving,
    "hedged": hedged,
}


# -- events ------------------------------------------------------------------


def to_events(scenario: Scenario) -> list[ClaimObserved]:
    """Each statement as the ClaimObserved an extractor would have produced."""
    out = []
    for i, s in enumerate(scenario.statements):
        subject, measure = s.claim.split(":", 1)
        eid = hashlib.sha256(f"{scenario.name}\x1f{i}\x1f{s.claim}\x1f{s.source}".encode())
        value = None
        if s.best is not None:
            value = {"best": s.best, "low": s.low, "high": s.high, "hedge": s.hedge}
        when = T0 + timedelta(days=s.day)
        out.append(ClaimObserved(
            event_id=eid.hexdigest()[:24],
            claim_key=s.claim,
            subject=subject,
            measure=measure,
            value=value,
            stance=s.stance,  # type: ignore[arg-type]
            source={"name": s.source, "kind": s.kind},
            article_id=f"{scenario.name}-{i}",
            published_at=when,
            as_of=None if s.as_of_day is None else T0 + timedelta(days=s.as_of_day),
            evidence={"text": s.text, "start": 0, "end": len(s.text)},
            confidence=1.0,
            observed_at=when,
        ))
    return out


# -- estimators ----------------------------------------------------------------

#: numeric claim → best value, presence claim → probability of presence
Estimates = tuple[dict[str, float], dict[str, float]]


def engine_estimates(scenario: Scenario, method: str = "log_odds") -> Estimates:
    """The settled consensus of every claim, through the replay path."""
    book = ReliabilityBook(settings=BookSettings(method=method))
    replayer = Replayer(ConsensusEngine(EngineSettings(), book))
    replayer.consume(to_events(scenario))
    nums: dict[str, float] = {}
    pres: dict[str, float] = {}
    for upd in replayer.final():
        if upd.estimate is not None:
            nums[upd.claim_key] = upd.estimate.best
        if upd.presence is not None:
            pres[upd.claim_key] = upd.presence.probability
    return nums, pres


def latest(statements: Iterable[Statement]) -> dict[str, list[Statement]]:
    """Each source's newest statement per claim (by date, then publication)."""
    best: dict[tuple[str, str], Statement] = {}
    for s in statements:
        k = (s.claim, s.source)
        old = best.get(k)
        if old is None or (s.date, s.day) >= (old.date, old.day):
            best[k] = s
    by: dict[str, list[Statement]] = defaultdict(list)
    for (claim, _), s in sorted(best.items()):
        by[claim].append(s)
    return by


def _split(statements: Iterable[Statement]) -> tuple[dict[str, list[tuple[str, float]]],
                                                       dict[str, list[tuple[str, float]]]]:
    """(numeric, presence) votes per claim: (source, stated best) and (source, 1 or 0)."""
    nums: dict[str, list[tuple[str, float]]] = defaultdict(list)
    pres: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for claim, group in latest(statements).items():
        for s in group:
            if s.best is not None and s.stance != "denies":
                nums[claim].append((s.source, s.best))
            elif s.best is None and s.stance in ("asserts", "denies"):
                pres[claim].append((s.source, 1.0 if s.stance == "asserts" else 0.0))
    return nums, pres


def mean_baseline(scenario: Scenario) -> Estimates:
    nums, pres = _split(scenario.statements)
    return ({k: statistics.fmean(v for _, v in xs) for k, xs in nums.items()},
            {k: statistics.fmean(v for _, v in xs) for k, xs in pres.items()})


def median_baseline(scenario: Scenario) -> Estimates:
    nums, pres = _split(scenario.statements)
    return ({k: statistics.median(v for _, v in xs) for k, xs in nums.items()},
            {k: statistics.median(v for _, v in xs) for k, xs in pres.items()})


def _vote(values: Sequence[float]) -> float:
    """The most frequent value; a tie: the median of the tied values."""
    counts = Counter(values)
    top = max(counts.values())
    return statistics.median(sorted(v for v, c in counts.items() if c == top))


def vote_baseline(scenario: Scenario) -> Estimates:
    nums, pres = _split(scenario.statements)
    return ({k: _vote([v for _, v in xs]) for k, xs in nums.items()},
            {k: _vote([v for _, v in xs]) for k, xs in pres.items()})


def newest_baseline(scenario: Scenario) -> Estimates:
    """The figure in the most recently published statement (what a live ticker shows)."""
    nums: dict[str, tuple[float, float]] = {}
    pres: dict[str, tuple[float, float]] = {}
    for s in scenario.statements:
        if s.best is not None and s.stance != "denies":
            if s.claim not in nums or s.day >= nums[s.claim][0]:
                nums[s.claim] = (s.day, s.best)
        elif s.best is None and (s.claim not in pres or s.day >= pres[s.claim][0]):
            pres[s.claim] = (s.day, 1.0 if s.stance == "asserts" else 0.0)
    return {k: v for k, (_, v) in nums.items()}, {k: v for k, (_, v) in pres.items()}


def _wmedian(pairs: list[tuple[float, float]]) -> float:
    """Weighted median of (value, weight) pairs (lower one at an exact half)."""
    pairs = sorted(pairs)
    half, acc = sum(w for _, w in pairs) / 2.0, 0.0
    for v, w in pairs:
        acc += w
        if acc >= half:
            return v
    return pairs[-1][0]


def crh(scenario: Scenario, rounds: int = 10) -> Estimates:
    """Textbook CRH (Li et al. SIGMOD 2014) as a reference point, nothing added.

    Numbers: loss = |value - truth| / std of the claim's values, truth =
    weighted median (the paper's absolute-deviation variant). Presence: 0-1
    loss against the weighted vote. One weight per source over both,
    w_k = -log(loss_k / Σ loss). A source with no loss at all would have an
    infinite weight; a 1e-9 share of the total stands in for zero.
    """
    nums, pres = _split(scenario.statements)
    sources = {s for xs in (*nums.values(), *pres.values()) for s, _ in xs}
    w = dict.fromkeys(sources, 1.0)
    num_t: dict[str, float] = {}
    pres_p: dict[str, float] = {}
    for _ in range(rounds):
        num_t = {k: _wmedian([(v, w[s]) for s, v in xs]) for k, xs in nums.items()}
        pres_p = {k: sum(w[s] * v for s, v in xs) / sum(w[s] for s, _ in xs)
                  for k, xs in pres.items()}
        loss = dict.fromkeys(sources, 0.0)
        for k, xs in nums.items():
            spread = statistics.pstdev([v for _, v in xs]) if len(xs) > 1 else 0.0
            for s, v in xs:
                loss[s] += abs(v - num_t[k]) / (spread or 1.0)
        for k, xs in pres.items():
            for s, v in xs:
                loss[s] += float(v != (pres_p[k] >= 0.5))
        total = sum(loss.values()) or 1.0
        w = {s: -math.log(max(x / total, 1e-9)) for s, x in loss.items()}
    return num_t, pres_p


METHODS: dict[str, Callable[[Scenario], Estimates]] = {
    "engine": engine_estimates,
    "engine-catd": lambda sc: engine_estimates(sc, "catd"),
    "crh": crh,
    "mean": mean_baseline,
    "median": median_baseline,
    "vote": vote_baseline,
}


# -- scoring -----------------------------------------------------------------


def score(est: Estimates, scenario: Scenario) -> dict[str, float]:
    """MARE, RMSRE and share within 1% over the numeric claims; accuracy at 0.5
    (a probability of exactly 1/2 earns half) and Brier over the presence claims."""
    nums, pres = est
    out: dict[str, float] = {}
    if scenario.truth:
        rel = [
            min(abs(nums[k] - v) / abs(v), 10.0) if k in nums else 1.0
            for k, v in scenario.truth.items()
        ]
        out["mare"] = statistics.fmean(rel)
        out["rmsre"] = math.sqrt(statistics.fmean(r * r for r in rel))
        out["within_1pct"] = sum(1 for r in rel if r <= 0.01) / len(rel)
    if scenario.presence:
        acc = brier = 0.0
        for k, there in scenario.presence.items():
            p = pres.get(k, 0.5)
            y = 1.0 if there else 0.0
            acc += 0.5 if p == 0.5 else float((p > 0.5) == there)
            brier += (p - y) ** 2
        out["presence_acc"] = acc / len(scenario.presence)
        out["brier"] = brier / len(scenario.presence)
    return out


def evaluate(scenario: Scenario) -> dict[str, dict[str, float]]:
    """Every method's scores on one scenario."""
    methods = dict(METHODS)
    if scenario.name == "moving":
        methods["newest"] = newest_baseline
    return {name: score(fn(scenario), scenario) for name, fn in methods.items()}


def run(seeds: Sequence[int] = (0, 1, 2), scale: float = 1.0,
        regimes: Sequence[str] | None = None, verbose: bool = True) -> dict[str, float]:
    """Figures per ``"{regime}.{method}.{metric}"``, averaged over ``seeds``;
    prints a table per regime when ``verbose``."""
    figures: dict[str, float] = {}
    for regime in regimes or list(REGIMES):
        acc: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        started = time.perf_counter()
        sizes = []
        for seed in seeds:
            scenario = REGIMES[regime](seed, scale)
            sizes.append((len(scenario.statements), scenario.n_sources,
                          len(scenario.truth) + len(scenario.presence)))
            for method, scores in evaluate(scenario).items():
                for metric, v in scores.items():
                    acc[method][metric].append(v)
        for method, metrics in acc.items():
            for metric, vs in metrics.items():
                figures[f"{regime}.{method}.{metric}"] = statistics.fmean(vs)
        if verbose:
            _print_table(regime, scenario.title, sizes, acc, time.perf_counter() - started)
    return figures


def _print_table(regime: str, title: str, sizes: list[tuple[int, int, int]],
                 acc: dict[str, dict[str, list[float]]], elapsed: float) -> None:
    n_st, n_src, n_cl = (round(statistics.fmean(x)) for x in zip(*sizes, strict=True))
    print(f"\n== {regime} — {title}")
    print(f"   {n_cl} claims, {n_st} statements, {n_src} sources; mean of {len(sizes)} seeds "
          f"({elapsed:.1f}s)")
    metrics = [m for m in ("mare", "rmsre", "within_1pct", "presence_acc", "brier")
               if m in next(iter(acc.values()))]
    head = {"mare": "MARE", "rmsre": "RMSRE", "within_1pct": "within 1%",
            "presence_acc": "pres. acc", "brier": "Brier"}
    print(f"   {'method':<13}" + "".join(f"{head[m]:>11}" for m in metrics))
    for method, ms in acc.items():
        cells = []
        for m in metrics:
            v = statistics.fmean(ms[m])
            cells.append(f"{v:>11.1%}" if m in ("within_1pct", "presence_acc") else f"{v:>11.4f}")
        print(f"   {method:<13}" + "".join(cells))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m streams.evaluation.synthetic_truth",
                                description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1, figures averaged")
    p.add_argument("--scale", type=float, default=1.0, help="size multiplier of every regime")
    p.add_argument("--only", choices=list(REGIMES), action="append", help="regime(s) to run")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    run(range(args.seeds), args.scale, args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
