"""Global source reliability, learned from agreement across claims (CRH/CATD style).

Why the book holds statements, not scores: with several workers each owning a
subset of claims, reliability must come out the same on every worker and the
same as with one worker. So every worker publishes, per (source, claim), the
source's current statement on that claim (a *record*, on the compacted topic
``sources.reliability``), and every worker's book runs the same batch truth
discovery over the same set of records, sorted the same way. The result is a
pure function of the set of records, independent of arrival order, of which
worker saw what first, and of restarts. Records are replaced by key, so
ingesting one twice or re-reading the topic changes nothing.

The batch is iterative truth discovery over each claim's kept statements:

1. the truth of each claim with two or more sources is the reliability-weighted
   median of their points (quantities) or the weighted share of assertions
   (presence), recent statements weighing more;
2. each source's loss on a claim is its normalised distance to that truth,
   bounded in [0, 1) so a vandal's 1000x error counts as one clear miss; the
   distance that costs half a miss is 5%, or twice the median distance of all
   statements when the data are noisier than that (see ``loss_scale_quantile``);
3. each source's accuracy is estimated as a Beta posterior: (prior_right +
   claims - losses) right against (prior_wrong + losses) wrong, and its vote
   weight is the log-odds of that accuracy — the optimal weight of an
   independent voter (Nitzan & Paroush) — plus ACCU's log of the number of
   possible wrong figures, in proportion to how often figures agree to the
   digit (``agreement_bonus``). The Beta prior is the caution for
   sources with few claims: one agreement or one miss moves an unknown
   source only so far. A configured prior adds pseudo-claims. CATD's
   ``chi2(alpha/2, n) / (sum of losses)`` is available as ``method="catd"``;
4. repeat from 1 with the new weights, a fixed number of rounds.

Claims a source states alone carry no evidence about it and are left out.

Cost: the batch is vectorised (numpy) and runs once as many records changed
as the book held at the last run (amortised O(1) per record: a batch over n
records runs once per n changes), or when
``refresh()`` is called — the shell's settle timer and ``Replayer.final`` do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from streams.consensus.chi2 import chi2_lower_quantile

RECORD_SEP = "\x1f"


def record_key(source: str, claim_key: str) -> str:
    """Key of a reliability record on ``sources.reliability``."""
    return f"{source}{RECORD_SEP}{claim_key}"


@dataclass(frozen=True, slots=True)
class BookSettings:
    """Knobs of the truth-discovery batch (defaults from the CATD paper where it has one)."""

    #: how a source's record becomes its vote: ``"log_odds"`` (weight = log-odds
    #: of its estimated accuracy, the optimal vote weight for independent
    #: sources) or ``"catd"`` (chi2(alpha/2, n) / total loss, Li et al. 2015).
    method: str = "log_odds"
    #: Beta prior of a source's accuracy, in pseudo-claims right / wrong: an
    #: unknown source is assumed right more often than not, but only a little.
    prior_right: float = 2.0
    prior_wrong: float = 1.0
    #: floor of a log-odds weight (a source worse than a coin still counts a hair).
    min_weight: float = 0.01
    #: CATD's significance level: weights use the alpha/2 chi-squared quantile.
    alpha: float = 0.05
    #: relative distance at which a source's loss on a claim is 1/2 (at least; see below).
    loss_scale: float = 0.05
    #: ...or, when larger, this (recency-weighted) quantile of every statement's
    #: relative distance to its claim's truth, re-measured each round: the data's
    #: own noise level. With a fixed 5% alone, data in which even the best sources
    #: are routinely 5% off (crowd estimates, sensor readings) put every source
    #: past half a miss per claim, every weight on the floor, and the consensus
    #: back to the unweighted median. 0 keeps the fixed scale.
    loss_scale_quantile: float = 0.5
    #: ...times this: a statement at the typical (median) distance counts as a
    #: third of a miss, one at twice that distance as half. At 1 the typical
    #: source was a coin flip, every source no better than the median sat on the
    #: weight floor, and among sources of similar quality whichever led early
    #: decided every claim alone (worse than the plain median on the synthetic
    #: "modest" regime).
    loss_scale_factor: float = 2.0
    #: ACCU's domain-size term (Dong et al. VLDB 2009), scaled by how often the
    #: data's figures agree to the digit: ``agreement_bonus × share`` is added to
    #: every log-odds weight, ``share`` being the fraction of statements whose
    #: figure another source on the same claim gives exactly. Why: log-odds is
    #: the optimal weight of a yes/no voter, but a wrong figure is one of many
    #: possible wrong figures (ACCU's n), so several mediocre sources that agree
    #: to the digit are better evidence than one good source alone: the vote
    #: weight is log(n · A / (1 - A)). In data with continuous noise nobody agrees
    #: to the digit, the share is ~0, and the weights keep the sources'
    #: differences in precision, which carry the estimate there. At 4 a domain
    #: in which every figure has an exact twin counts as n ≈ 55; chosen among
    #: 2 / 4 / 6 on the synthetic regimes and Population (the README's table).
    agreement_bonus: float = 4.0
    #: pseudo-loss added to every source's total, so a perfect record is not infinite.
    loss_floor: float = 0.1
    #: pseudo-claims that a configured prior is worth.
    prior_strength: float = 5.0
    #: rounds of the truth ↔ reliability iteration (at most: it stops at a fixed point).
    iterations: int = 12
    #: half-life of a statement's weight within its claim (seconds), as in the engine.
    recency_half_life_s: float = 7 * 24 * 3600.0
    #: ...and for presence statements (see ``EngineSettings.presence_half_life_s``).
    presence_half_life_s: float = 0.0
    #: refresh the weights once this many records changed since the last refresh...
    refresh_min: int = 64
    #: ...or this fraction of all records, whichever is larger (amortised O(1)). At
    #: 1.0 a growing book refreshes when it doubled: all the batches of a replay
    #: together cost about twice the last one (at 0.5, three times). The
    #: settled consensus does not depend on it; only how stale the weights of
    #: a running consensus may get.
    refresh_fraction: float = 1.0


class ReliabilityBook:
    """Source weights for the consensus, derived from reliability records.

    ``priors`` maps a source name to a prior reliability in (0, 1): how often
    you expect it to be right before the data says anything.
    """

    def __init__(
        self, priors: dict[str, float] | None = None, settings: BookSettings | None = None
    ) -> None:
        self.settings = settings or BookSettings()
        self.priors = {k: min(max(float(v), 1e-3), 1.0 - 1e-3) for k, v in (priors or {}).items()}
        self._records: dict[str, tuple[Any, ...]] = {}
        self._weights: dict[str, float] = {}
        self._lookup: _Lookup | None = None
        self._trust: dict[str, float] = {}
        self._pending = 0
        self._refresh_at = max(1, self.settings.refresh_min)
        self._generation = 0
        self._shift = 0.0
        self._default = self._weight_of(0.0, 0.0, None)

    # -- records -------------------------------------------------------------

    def ingest(self, key: str, value: dict[str, Any] | None) -> None:
        """Apply one record from ``sources.reliability``; ``None`` deletes (tombstone).

        Idempotent: the same key replaces its earlier value, and a value equal
        to the stored one is not even counted as a change.
        """
        if value is None:
            if self._records.pop(key, None) is not None:
                self._pending += 1
            return
        self.ingest_statement(key, _parse_record(value))

    def ingest_statement(self, key: str, rec: tuple[Any, ...]) -> None:
        """:meth:`ingest` of a record already in the batch's tuple form
        ``(source, claim, stance, lo, point, hi, t, conf)``, with
        :data:`NAN_RECORD` for a statement without a number and ``inf`` for an
        open ``hi`` (the engine's replay path, which never builds the dict)."""
        if self._records.get(key) == rec:
            return
        self._records[key] = rec
        self._pending += 1

    def __len__(self) -> int:
        return len(self._records)

    def records(self) -> dict[str, dict[str, Any]]:
        """Every record as ingested (key → JSON-able value), sorted by key."""
        return {k: _record_value(self._records[k]) for k in sorted(self._records)}

    def to_dict(self) -> dict[str, Any]:
        """A checkpoint: the records *and* the weights computed so far.

        Rebuilding a book from records alone gives the same weights after the
        next ``refresh``; restoring this checkpoint also gives the same weights
        *before* it, so a resumed replay continues bit for bit.
        """
        return {
            "records": [[k, _record_value(self._records[k])] for k in sorted(self._records)],
            "weights": sorted(self._weights.items()),
            "trust": sorted(self._trust.items()),
            "pending": self._pending,
            "refresh_at": self._refresh_at,
            "generation": self._generation,
            "shift": self._shift,
        }

    def load(self, d: dict[str, Any]) -> None:
        """Restore a :meth:`to_dict` checkpoint into this book (replacing its contents)."""
        self._records = {k: _parse_record(v) for k, v in d["records"]}
        self._weights = {k: float(v) for k, v in d["weights"]}
        self._trust = {k: float(v) for k, v in d["trust"]}
        self._pending = int(d["pending"])
        self._refresh_at = int(d.get("refresh_at", self._refresh_at))
        self._generation = int(d["generation"])
        self._shift = float(d.get("shift", 0.0))
        self._default = self._weight_of(0.0, 0.0, None)

    @property
    def generation(self) -> int:
        """Increments each time the weights are recomputed with new records."""
        return self._generation

    @property
    def dirty(self) -> bool:
        return self._pending > 0

    # -- weights -------------------------------------------------------------

    def weight(self, source: str) -> float:
        """Aggregation weight of ``source`` (CATD scale; only ratios matter)."""
        self._maybe_refresh()
        w = self._weights.get(source)
        if w is None:
            prior = self.priors.get(source)
            return self._default if prior is None else self._weight_of(0.0, 0.0, prior)
        return w

    def weigher(self) -> Callable[[str], float]:
        """A fast ``weight`` for many lookups in a row (refreshes at most once, now)."""
        self._maybe_refresh()
        weights, priors, default = self._weights, self.priors, self._default
        if not priors:
            table = self._lookup
            if table is None or table.default != default or table.source is not weights:
                table = self._lookup = _Lookup(weights, default)
            return table.__getitem__

        def lookup(source: str) -> float:
            w = weights.get(source)
            if w is None:
                prior = priors.get(source)
                return default if prior is None else self._weight_of(0.0, 0.0, prior)
            return w

        return lookup

    def trust(self, source: str) -> float:
        """Human-readable reliability in [0, 1]: shrunk share of agreement."""
        self._maybe_refresh()
        t = self._trust.get(source)
        if t is not None:
            return t
        s = self.settings
        prior = self.priors.get(source)
        right, total = s.prior_right, s.prior_right + s.prior_wrong
        if prior is not None:
            right += s.prior_strength * prior
            total += s.prior_strength
        return right / total

    def default_weight(self) -> float:
        """Weight of a source never seen in any shared claim."""
        return self._default

    def snapshot(self) -> dict[str, float]:
        """Current weights of all sources with evidence (sorted), for inspection."""
        self._maybe_refresh()
        return dict(sorted(self._weights.items()))

    def _maybe_refresh(self) -> None:
        if self._pending >= self._refresh_at:
            self.refresh()

    def refresh(self) -> bool:
        """Recompute the weights now if any record changed; True when it did."""
        if not self._pending:
            return False
        self._pending = 0
        self._weights, self._trust, self._shift = self._solve()
        self._default = self._weight_of(0.0, 0.0, None)
        self._refresh_at = max(1, self.settings.refresh_min,
                               int(self.settings.refresh_fraction * len(self._records)))
        self._generation += 1
        return True

    def _weight_of(
        self, n: float, loss: float, prior: float | None, shift: float | None = None
    ) -> float:
        """Weight of a source with ``n`` (recency-weighted) shared claims and total
        ``loss``; ``shift``: the agreement term (default: the last batch's)."""
        s = self.settings
        if prior is not None:
            n += s.prior_strength
            loss += s.prior_strength * (1.0 - prior)
        if s.method == "catd":
            # one pseudo-claim at the floor loss keeps an unseen source above zero
            return chi2_lower_quantile(s.alpha / 2.0, n + 1.0) / (loss + s.loss_floor)
        right = s.prior_right + n - loss
        wrong = s.prior_wrong + loss
        return max(s.min_weight, math.log(right / wrong) + (self._shift if shift is None else shift))

    # -- the batch -----------------------------------------------------------

    def _solve(self) -> tuple[dict[str, float], dict[str, float], float]:
        s = self.settings
        if not self._records:
            return {}, {}, 0.0
        # columns of all records; np.unique and lexsort give every worker the
        # same canonical row order whatever order the records arrived in
        col_s, col_c, col_st, col_lo, col_pt, col_hi, col_t, col_cf = zip(
            *self._records.values(), strict=True
        )
        names, src = _codes(col_s)
        claim_names, claim = _codes(col_c)
        stance = np.fromiter(map(_STANCE_CODE.get, col_st, repeat(_OTHER)), dtype=np.int8,
                             count=len(col_st))
        lo = np.array(col_lo, dtype=np.float64)
        pt = np.array(col_pt, dtype=np.float64)
        hi = np.array(col_hi, dtype=np.float64)
        t = np.array(col_t, dtype=np.float64)
        conf = np.array(col_cf, dtype=np.float64)
        n_src, n_claims = len(names), len(claim_names)
        has_number = ~np.isnan(pt)
        quant_rows = has_number & (stance != _DENIES)
        # presence is learned on claims where someone denied or spoke without a number
        pres_claims = np.zeros(n_claims, dtype=bool)
        pres_claims[claim[~has_number & (stance != _NEUTRAL)]] = True
        pres_rows = pres_claims[claim] & (stance != _NEUTRAL)
        yes = np.where(stance == _ASSERTS, 1.0, 0.0)
        cols = (src, claim, t, conf, n_claims, s)
        quant = _Part.build(quant_rows, lo, pt, hi, *cols, numeric=True,
                            half_life_s=s.recency_half_life_s)
        pres = _Part.build(pres_rows, yes, yes, yes, *cols, numeric=False,
                           half_life_s=s.presence_half_life_s)
        parts = [p for p in (quant, pres) if p is not None]
        shift = 0.0
        if quant is not None and s.method != "catd":
            shift = s.agreement_bonus * quant.exact_share()
        n_eff = np.zeros(n_src)
        for part in parts:
            n_eff += np.bincount(part.src, weights=part.rec, minlength=n_src)
        prior_arr = np.array([self.priors.get(name, -1.0) for name in names])
        has_prior = prior_arr >= 0.0
        prior_n = np.where(has_prior, s.prior_strength, 0.0)
        prior_loss = np.where(has_prior, s.prior_strength * (1.0 - prior_arr), 0.0)
        if s.method == "catd":
            chi = np.array([
                chi2_lower_quantile(s.alpha / 2.0, float(n) + 1.0) for n in n_eff + prior_n
            ])

            def weigh(loss: np.ndarray) -> np.ndarray:
                return chi / (loss + prior_loss + s.loss_floor)
        else:

            def weigh(loss: np.ndarray) -> np.ndarray:
                right = s.prior_right + n_eff + prior_n - loss - prior_loss
                wrong = s.prior_wrong + loss + prior_loss
                return np.maximum(s.min_weight, np.log(right / wrong) + shift)

        loss = np.zeros(n_src)
        # first round: what is known before any agreement is measured (priors only)
        w = np.array([self._weight_of(0.0, 0.0, self.priors.get(name), shift) for name in names])
        for _ in range(max(1, s.iterations) if parts else 0):
            loss = np.zeros(n_src)
            for part in parts:
                loss += np.bincount(part.src, weights=part.losses(w), minlength=n_src)
            new_w = weigh(loss)
            converged = np.array_equal(new_w, w)  # a fixed point: more rounds change nothing
            w = new_w
            if converged:
                break
        # posterior mean accuracy under the same Beta prior the weights use
        trust = (s.prior_right + n_eff + prior_n - loss - prior_loss) / (
            s.prior_right + s.prior_wrong + n_eff + prior_n
        )
        trust = np.clip(trust, 0.0, 1.0)
        return dict(zip(names, w.tolist(), strict=True)), dict(
            zip(names, trust.tolist(), strict=True)
        ), shift


_ASSERTS, _DENIES, _NEUTRAL, _OTHER = 0, 1, 2, 3
_STANCE_CODE = {"asserts": _ASSERTS, "denies": _DENIES, "neutral": _NEUTRAL}


def _codes(col: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """The sorted distinct names and each row's index among them (what
    ``np.unique(..., return_inverse=True)`` gives, without numpy string arrays)."""
    names = sorted(set(col))
    index = {name: i for i, name in enumerate(names)}
    return names, np.fromiter(map(index.__getitem__, col), dtype=np.intp, count=len(col))


class _Lookup(dict[str, float]):
    """The weights as a dict whose misses give the default weight: ``lookup[source]``
    is one C call, where a ``lambda`` around ``dict.get`` is a Python frame per
    source per event."""

    __slots__ = ("default", "source")

    def __init__(self, weights: dict[str, float], default: float) -> None:
        super().__init__(weights)
        self.default = default
        self.source = weights

    def __missing__(self, key: str) -> float:
        return self.default


class _Part:
    """The quantity or presence statements of claims with two or more sources,
    sorted by (claim, value, source) so each round's weighted medians are vectorised."""

    def __init__(
        self, src: np.ndarray, claim: np.ndarray, lo: np.ndarray, pt: np.ndarray, hi: np.ndarray,
        rec: np.ndarray, conf: np.ndarray, starts: np.ndarray, numeric: bool, loss_scale: float,
        scale_quantile: float = 0.0, scale_factor: float = 1.0,
    ) -> None:
        self.src, self.claim, self.lo, self.pt, self.hi = src, claim, lo, pt, hi
        self.rec, self.conf, self.starts = rec, conf, starts
        self.numeric, self.loss_scale = numeric, loss_scale
        self.scale_quantile = scale_quantile
        self.scale_factor = scale_factor
        self.ends = np.append(starts[1:], len(src))

    @classmethod
    def build(
        cls, rows: np.ndarray, lo: np.ndarray, pt: np.ndarray, hi: np.ndarray,
        src: np.ndarray, claim: np.ndarray, t: np.ndarray, conf: np.ndarray, n_claims: int,
        s: BookSettings, *, numeric: bool, half_life_s: float,
    ) -> _Part | None:
        """The part made of the selected ``rows`` of claims with at least two of them."""
        counts = np.bincount(claim[rows], minlength=n_claims)
        # records are per (source, claim), so two rows are two distinct sources;
        # a source alone on a claim tells nothing about it
        sel = np.flatnonzero(rows & (counts[claim] >= 2))
        if sel.size == 0:
            return None
        order = sel[np.lexsort((src[sel], pt[sel], claim[sel]))]
        c = claim[order]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        group = np.cumsum(np.r_[0, (c[1:] != c[:-1]).astype(np.int64)])
        tt = t[order]
        tmax = np.maximum.reduceat(tt, starts)[group]
        half_life_us = half_life_s * 1e6
        rec = np.power(0.5, (tmax - tt) / half_life_us) if half_life_us > 0 else np.ones_like(tt)
        return cls(
            src=src[order], claim=group, lo=lo[order], pt=pt[order], hi=hi[order], rec=rec,
            conf=conf[order], starts=starts, numeric=numeric, loss_scale=s.loss_scale,
            scale_quantile=s.loss_scale_quantile, scale_factor=s.loss_scale_factor,
        )

    def exact_share(self) -> float:
        """The share of rows whose figure another row of the same claim gives exactly."""
        same = (self.claim[1:] == self.claim[:-1]) & (self.pt[1:] == self.pt[:-1])
        shared = np.zeros(len(self.pt), dtype=bool)
        shared[1:] |= same
        shared[:-1] |= same
        return float(shared.mean()) if shared.size else 0.0

    def truth(self, w: np.ndarray) -> np.ndarray:
        """Per-row truth of the row's claim under source weights ``w``."""
        ww = w[self.src] * self.rec * self.conf
        if not self.numeric:
            tot = np.add.reduceat(ww, self.starts)
            yes = np.add.reduceat(ww * self.pt, self.starts)
            return (yes / np.where(tot > 0, tot, 1.0))[self.claim]
        cs = np.cumsum(ww)
        before = np.r_[0.0, cs][self.starts]
        total = cs[self.ends - 1] - before
        target = before + total / 2.0
        idx = np.searchsorted(cs, target * (1.0 - 1e-12), side="left")
        idx = np.minimum(idx, self.ends - 1)
        med = self.pt[idx].copy()
        # exactly half the weight below: midpoint with the next value, as the engine does
        tie = (np.abs(cs[idx] - target) <= 1e-12 * np.abs(target)) & (idx + 1 < self.ends)
        nxt = np.minimum(idx + 1, len(self.pt) - 1)
        med = np.where(tie, (med + self.pt[nxt]) / 2.0, med)
        return med[self.claim]

    def losses(self, w: np.ndarray) -> np.ndarray:
        """Per-row loss in [0, 1), weighted by the row's recency."""
        truth = self.truth(w)
        if self.numeric:
            gap = np.maximum(self.lo - truth, 0.0) + np.maximum(truth - self.hi, 0.0)
            rel = gap / np.maximum(np.abs(truth), 1.0)
            z = rel / self.scale(rel)
            loss = z / (1.0 + z)
        else:
            loss = np.abs(self.pt - truth)
        return loss * self.rec

    def scale(self, rel: np.ndarray) -> float:
        """The relative distance that costs half a miss this round: ``loss_scale``,
        or ``scale_factor`` times the recency-weighted ``scale_quantile`` of the
        rows' distances ``rel`` when that is larger (a pure function of the rows,
        in their canonical order)."""
        q = self.scale_quantile
        if q <= 0.0 or rel.size == 0:
            return self.loss_scale
        order = np.argsort(rel, kind="stable")
        cw = np.cumsum(self.rec[order])
        k = min(int(np.searchsorted(cw, q * cw[-1], side="left")), rel.size - 1)
        return max(self.loss_scale, self.scale_factor * float(rel[order[k]]))


_NAN = math.nan  # one object, so equal records compare equal (tuple identity check)
#: the bounds of a statement without a number, in a record tuple (this very object)
NAN_RECORD = _NAN


def _record_value(rec: tuple[Any, ...]) -> dict[str, Any]:
    """The tuple form back to the JSON record value (inverse of :func:`_parse_record`)."""
    q = None
    if not math.isnan(rec[4]):
        q = [rec[3], rec[4], None if math.isinf(rec[5]) else rec[5]]
    return {"s": rec[0], "c": rec[1], "st": rec[2], "q": q, "t": rec[6], "cf": rec[7]}


def _parse_record(v: dict[str, Any]) -> tuple[Any, ...]:
    """Record value (JSON) → the tuple the batch works on."""
    q = v.get("q")
    if q is None:
        lo = pt = hi = _NAN
    else:
        lo, pt = float(q[0]), float(q[1])
        hi = math.inf if q[2] is None else float(q[2])
    return (
        str(v["s"]), str(v["c"]), str(v.get("st", "asserts")), lo, pt, hi,
        int(v.get("t", 0)), float(v.get("cf", 1.0)),
    )
