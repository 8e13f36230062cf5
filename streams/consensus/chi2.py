"""Lower quantiles of the chi-squared distribution, without SciPy.

CATD (Li et al., VLDB 2015) weighs a source by ``chi2(alpha/2, n) / sum(loss)``:
the upper confidence bound of its error variance. With few claims ``n`` the
quantile is tiny, so a source seen once cannot outvote one seen a hundred
times however well it happened to agree. ``n`` here is a real number (claims
weighted by recency), so the quantile is solved from the regularised
incomplete gamma function rather than read from a table.
"""

from __future__ import annotations

import math
from functools import lru_cache

_NORMAL_Z = {0.005: -2.5758, 0.01: -2.3263, 0.025: -1.96, 0.05: -1.6449, 0.1: -1.2816}


def _lower_gamma_p(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) (Numerical Recipes' gser/gcf)."""
    if x <= 0.0:
        return 0.0
    gln = math.lgamma(a)
    if x < a + 1.0:
        ap, total, delta = a, 1.0 / a, 1.0 / a
        for _ in range(500):
            ap += 1.0
            delta *= x / ap
            total += delta
            if abs(delta) < abs(total) * 1e-14:
                break
        return total * math.exp(-x + a * math.log(x) - gln)
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 500):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-14:
            break
    return 1.0 - math.exp(-x + a * math.log(x) - gln) * h


@lru_cache(maxsize=65536)
def chi2_lower_quantile(p: float, df: float) -> float:
    """x such that P(X <= x) = p for X ~ chi-squared with ``df`` (> 0) degrees of freedom."""
    if df <= 0.0:
        return 0.0
    if df > 200.0:  # Wilson-Hilferty is accurate to <0.1% here
        z = _NORMAL_Z.get(p, -1.96)
        k = 2.0 / (9.0 * df)
        return df * max(0.0, 1.0 - k + z * math.sqrt(k)) ** 3
    a = df / 2.0
    lo, hi = 0.0, max(1.0, df * 4.0 + 40.0)
    for _ in range(200):  # bisection in x/2 space; monotone, so it always converges
        mid = (lo + hi) / 2.0
        if _lower_gamma_p(a, mid / 2.0) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-12 * max(1.0, hi):
            break
    return (lo + hi) / 2.0
