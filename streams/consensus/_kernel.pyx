# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled twin of :func:`streams.consensus.aggregate.reference_consensus` (see there).

Why a second copy: the per-claim consensus runs once per event, and in Python
its loops and small sorts were about a third of a replay's time. This file is
the same algorithm over C doubles, operation for operation, so its results
are the same bits as the Python reference (``tests/streams/consensus/
test_consensus_kernel.py`` checks that on random claims). The Python function
stays the reference and the fallback: :mod:`.aggregate` uses this one when it
was built (``pip install`` compiles it when Cython and a C compiler are at
hand) and ``CLAIMWATCH_PURE_PYTHON`` is not set.

Change both or neither.
"""

from functools import partial
from operator import attrgetter

from libc.math cimport floor, isinf, pow, NAN, INFINITY
from libc.stdlib cimport free, malloc

from streams.domain.state import Sup

_BY_SOURCE = attrgetter("source")
#: more statements than this on one claim go to the Python reference (see ``consensus``)
MAX_STATEMENTS = 48
_sup = partial(tuple.__new__, Sup)


cdef inline bint _before(double pa, double wa, Py_ssize_t ia, double pb, double wb, Py_ssize_t ib):
    """(pa, wa, ia) < (pb, wb, ib) as Python compares tuples."""
    if pa != pb:
        return pa < pb
    if wa != wb:
        return wa < wb
    return ia < ib


cdef void _sort3(double* p, double* w, Py_ssize_t* idx, Py_ssize_t n):
    """Insertion sort of (p, w, idx) triples (n is a handful of statements)."""
    cdef Py_ssize_t i, j
    cdef double tp, tw
    cdef Py_ssize_t ti
    for i in range(1, n):
        tp, tw, ti = p[i], w[i], idx[i]
        j = i - 1
        while j >= 0 and _before(tp, tw, ti, p[j], w[j], idx[j]):
            p[j + 1], w[j + 1], idx[j + 1] = p[j], w[j], idx[j]
            j -= 1
        p[j + 1], w[j + 1], idx[j + 1] = tp, tw, ti


cdef double _total(double* w, Py_ssize_t n):
    """Left-to-right sum, as ``aggregate._total``."""
    cdef double acc = 0.0
    cdef Py_ssize_t i
    for i in range(n):
        acc += w[i]
    return acc


cdef double _weighted_median_sorted(double* p, double* w, Py_ssize_t n, double total):
    """``intervals.weighted_median_of_sorted``."""
    cdef double upper, lower, acc = 0.0, v, nxt
    cdef Py_ssize_t i, j
    if total <= 0.0:
        return NAN
    upper = total / 2.0 * (1.0 + 1e-12)
    lower = total / 2.0 * (1.0 - 1e-12)
    for i in range(n):
        v = p[i]
        acc += w[i]
        if acc > upper:
            return v
        if acc >= lower:
            j = i + 1
            while j < n and w[j] <= 0.0:
                j += 1
            if j >= n:
                return v
            nxt = p[j]
            if isinf(v) or isinf(nxt):
                return v if not isinf(v) else nxt
            return (v + nxt) / 2.0
    return p[n - 1]


cdef Py_ssize_t _shorth_sorted(double* p, double* w, Py_ssize_t n, double total,
                               Py_ssize_t* lo_out, Py_ssize_t* hi_out):
    """``aggregate._shorth_of_sorted``: the span [lo_out, hi_out] of sorted positions."""
    cdef double need = total / 2.0 * (1.0 + 1e-12)
    cdef Py_ssize_t best_i = 0, best_j = n - 1, i, j = -1
    cdef double best_span = INFINITY, acc = 0.0, span, lowest, highest
    for i in range(n):
        while acc <= need and j + 1 < n:
            j += 1
            acc += w[j]
        if acc <= need:
            break
        span = p[j] - p[i]
        if span < best_span:
            best_i, best_j, best_span = i, j, span
        acc -= w[i]
    lowest, highest = p[best_i], p[best_j]
    while best_i > 0 and p[best_i - 1] == lowest:
        best_i -= 1
    while best_j < n - 1 and p[best_j + 1] == highest:
        best_j += 1
    lo_out[0], hi_out[0] = best_i, best_j
    return best_j - best_i + 1


cdef double _weighted_quantile(double* v, double* w, Py_ssize_t n, double q,
                               double* sv, double* sw, Py_ssize_t* si):
    """``intervals.weighted_quantile`` (``sv``/``sw``/``si``: scratch of size n)."""
    cdef Py_ssize_t i
    cdef double target, acc = 0.0
    if n == 1:
        return v[0]
    for i in range(n):
        sv[i], sw[i], si[i] = v[i], w[i], 0  # (value, weight) pairs: no index in the key
    _sort3(sv, sw, si, n)
    target = q * _total(w, n) * (1.0 - 1e-12)
    for i in range(n):
        acc += sw[i]
        if sw[i] > 0.0 and acc >= target:
            return sv[i]
    return sv[n - 1]


cdef inline double _pymin(double a, double b):
    return b if b < a else a


cdef inline double _pymax(double a, double b):
    return b if b > a else a


cdef tuple _estimate(list nums, double* ws, Py_ssize_t n, double q):
    """``aggregate._estimate``: ((low, best, high), open_high)."""
    cdef double lo, best, hi, total, open_w, all_w, h
    cdef bint open_high = False, any_open = False
    cdef Py_ssize_t i, k, m, core_lo = 0, core_hi = 0
    cdef double* buf
    cdef Py_ssize_t* ibuf
    if n == 1:
        o = nums[0]
        lo, best, hi = o[3], o[4], o[5]
        open_high = isinf(hi)
        if open_high:
            hi = best
        return (_pymin(lo, best), best, _pymax(hi, best)), open_high
    buf = <double*> malloc(9 * n * sizeof(double))
    ibuf = <Py_ssize_t*> malloc(2 * n * sizeof(Py_ssize_t))
    if buf == NULL or ibuf == NULL:
        free(buf)
        free(ibuf)
        raise MemoryError()
    cdef double* sp = buf            # points, sorted
    cdef double* sw = buf + n        # weights, sorted with them
    cdef double* cw = buf + 2 * n    # core weights (statement order)
    cdef double* lows = buf + 3 * n
    cdef double* highs = buf + 4 * n
    cdef double* figs = buf + 5 * n
    cdef double* qv = buf + 6 * n    # quantile scratch
    cdef double* qw = buf + 7 * n
    cdef double* inw = buf + 8 * n
    cdef Py_ssize_t* sidx = ibuf
    cdef Py_ssize_t* keep = ibuf + n
    try:
        for i in range(n):
            sp[i] = nums[i][4]
            sw[i] = ws[i]
            sidx[i] = i
        _sort3(sp, sw, sidx, n)
        total = _total(ws, n)
        best = _weighted_median_sorted(sp, sw, n, total)
        _shorth_sorted(sp, sw, n, total, &core_lo, &core_hi)
        # the core's statements, in statement order (sorted indices)
        for i in range(n):
            keep[i] = 0
        for i in range(core_lo, core_hi + 1):
            keep[sidx[i]] = 1
        m = 0
        for i in range(n):
            if keep[i]:
                o = nums[i]
                lows[m] = o[3]
                highs[m] = o[5]
                figs[m] = o[4]
                cw[m] = ws[i]
                m += 1
        lo = _weighted_quantile(lows, cw, m, q, qv, qw, sidx)
        hi = INFINITY
        for k in range(m):
            if highs[k] == INFINITY:
                any_open = True
                break
        if any_open:
            open_w = 0.0
            for k in range(m):
                if highs[k] == INFINITY:
                    open_w += cw[k]
            all_w = _total(cw, m)
            open_high = open_w * 2.0 > all_w * (1.0 + 1e-12)
            if open_high:
                # max([best, *figures, *(finite highs)]): the first of the largest
                hi = best
                for k in range(m):
                    if figs[k] > hi:
                        hi = figs[k]
                for k in range(m):
                    h = highs[k]
                    if h != INFINITY and h > hi:
                        hi = h
            else:
                for k in range(m):
                    inw[k] = lows[k] if highs[k] == INFINITY else highs[k]
                for k in range(m):
                    highs[k] = inw[k]
        if not open_high:
            hi = _weighted_quantile(highs, cw, m, 1.0 - q, qv, qw, sidx)
        return (_pymin(lo, best), best, _pymax(hi, best)), open_high
    finally:
        free(buf)
        free(ibuf)


def consensus(observations, weight_of, settings, double presence_prior_weight):
    """:func:`streams.consensus.aggregate.reference_consensus`, compiled."""
    cdef list obs = sorted(observations, key=_BY_SOURCE)
    cdef Py_ssize_t n = len(obs), i, k = 0
    cdef double half_life_us, presence_half_life_us, min_conf, neutral, q, scale
    cdef double base, wp, w, yes = 0.0, no = 0.0, total, inv, conf, age_d, presence_v
    cdef long long newest, age
    cdef double* weights
    cdef double* num_w
    cdef tuple o
    if n == 0:
        return None, False, None, ()
    if n > MAX_STATEMENTS:
        # the sorts here are insertion sorts, quadratic: a crowded claim takes the
        # reference, whose results are the same bits
        from streams.consensus.aggregate import reference_consensus
        return reference_consensus(obs, weight_of, settings, presence_prior_weight)
    s = settings
    min_conf = s.min_confidence
    if n == 1:
        o = <tuple> obs[0]  # an Obs: a tuple subclass, read as a tuple
        conf = o[8]
        w = <double> weight_of(o[1]) * (conf if conf > min_conf else min_conf)
        est = None
        open_high = False
        stance = o[2]
        if o[4] is not None and stance != "denies" and w > 0:
            num_w = &w
            est, open_high = _estimate([o], num_w, 1, s.interval_quantile)
        presence = None
        if stance == "asserts":
            presence = (w + presence_prior_weight / 2.0) / (w + presence_prior_weight)
        elif stance == "denies":
            presence = (presence_prior_weight / 2.0) / (w + presence_prior_weight)
        return est, open_high, presence, (_sup((o[1], o[6], stance, 1.0 if w > 0 else 0.0, o[0])),)
    newest = (<tuple> obs[0])[7]
    for i in range(1, n):
        age = (<tuple> obs[i])[7]
        if age > newest:
            newest = age
    half_life_us = s.recency_half_life_s * 1e6
    presence_half_life_us = s.presence_half_life_s * 1e6
    neutral = s.neutral_weight
    q = s.interval_quantile
    scale = 10.0 ** s.weight_digits
    weights = <double*> malloc(2 * n * sizeof(double))
    if weights == NULL:
        raise MemoryError()
    num_w = weights + n
    try:
        num_obs = []
        for i in range(n):
            o = <tuple> obs[i]
            stance = o[2]
            conf = o[8]
            base = <double> weight_of(o[1]) * (conf if conf > min_conf else min_conf)
            age = newest - <long long> o[7]
            age_d = <double> age  # nearest double, as Python's int / float converts
            wp = base
            if age and presence_half_life_us > 0:
                wp *= pow(0.5, age_d / presence_half_life_us)
            if stance == "asserts":
                yes += wp
            elif stance == "denies":
                no += wp
            if o[4] is not None and stance != "denies":
                w = base * (neutral if stance == "neutral" else 1.0)
                if age and half_life_us > 0:
                    w *= pow(0.5, age_d / half_life_us)
                if w > 0:
                    num_obs.append(o)
                    num_w[k] = w
                    k += 1
            else:
                w = wp * (neutral if stance == "neutral" else 1.0)
            weights[i] = w
        est = None
        open_high = False
        if k:
            est, open_high = _estimate(num_obs, num_w, k, q)
        presence = None
        if yes + no > 0.0:
            presence_v = (yes + presence_prior_weight / 2.0) / (yes + no + presence_prior_weight)
            presence = presence_v
        total = _total(weights, n)
        inv = 1.0 / total if total > 0 else 0.0
        sups = []
        for i in range(n):
            o = <tuple> obs[i]
            sups.append(_sup((o[1], o[6], o[2], floor(weights[i] * inv * scale + 0.5) / scale, o[0])))
        return est, open_high, presence, tuple(sups)
    finally:
        free(weights)
