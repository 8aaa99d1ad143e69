"""Numerically stable building blocks for the Erlang formulas (private).

Two series carry all of queueing here, both evaluated in log space so that nothing overflows or
underflows for thousands of agents:

* ``log_kummer(b, y)``  = log S(b, y),  S(b, y) = sum_{k>=0} y^k / ((b+1)(b+2)...(b+k))
  (the confluent hypergeometric 1F1(1; b+1; y)); it is the queue part of the Erlang A chain.
* ``log_erlang_b_inverse(n, A)`` = log R(n, A), R(n, A) = 1 / ErlangB(n, A)
  = sum_{j=0}^{n} n! / ((n-j)! A^j); it is the server part of both chains.

Both are written through regularized incomplete gamma functions (scipy.special.gammainc /
gammaincc, which are accurate to a few ulp in relative terms, including for large arguments):

    S(b, y) = exp(b * psi(y / b) + c(b)) * P(b, y)        P = regularized lower gamma
    R(n, A) = exp(n * psi(A / n) + c(n)) * Q(n + 1, A)    Q = regularized upper gamma

with psi(r) = r - 1 - ln r computed without cancellation (log1p minus its argument) and
c(b) = lnGamma(b+1) - b ln b + b (Stirling's remainder, computed by its asymptotic series for
large b), so that the huge terms b ln b cancel analytically rather than in floating point.
Where P or Q underflows (heavy tails, far from the mode) the sum is evaluated directly: there the
ratio of successive terms is bounded away from 1, so the series converges geometrically.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_TINY = 1e-280  # below this the regularized gamma has lost (or is about to lose) its exponent range
_LN_2PI_HALF = 0.5 * np.log(2.0 * np.pi)


def log1pmx(u: np.ndarray) -> np.ndarray:
    """log(1 + u) - u, accurate also for small |u|."""
    u = np.asarray(u, dtype=float)
    out = np.empty_like(u)
    small = np.abs(u) < 0.1
    us = u[small]
    # -u^2/2 + u^3/3 - ... ; 18 terms reach 1e-19 relative at |u| = 0.1
    acc = np.zeros_like(us)
    for k in range(20, 1, -1):
        acc = us * acc + ((-1.0) ** (k + 1)) / k
    out[small] = acc * us * us
    ub = u[~small]
    out[~small] = np.log1p(ub) - ub
    return out


def stirling_remainder(b: np.ndarray) -> np.ndarray:
    """c(b) = lnGamma(b + 1) - b ln b + b, for b >= 0 (c(0) = 0)."""
    b = np.asarray(b, dtype=float)
    out = np.empty_like(b)
    big = b >= 10.0
    bb = b[big]
    inv = 1.0 / bb
    inv2 = inv * inv
    series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))))
    out[big] = _LN_2PI_HALF + 0.5 * np.log(bb) + series
    bs = b[~big]
    with np.errstate(divide="ignore", invalid="ignore"):
        blogb = np.where(bs > 0, bs * np.log(np.where(bs > 0, bs, 1.0)), 0.0)
    out[~big] = special.gammaln(bs + 1.0) - blogb + bs
    return out


def b_psi(b: np.ndarray, y: np.ndarray) -> np.ndarray:
    """b * (r - 1 - ln r) with r = y / b, i.e. (y - b) - b ln(y / b); equals y when b == 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(b > 0, y / np.where(b > 0, b, 1.0) - 1.0, 0.0)
        return np.where(b > 0, -b * log1pmx(u), y)


def log_kummer(b, y) -> np.ndarray:
    """log S(b, y) for b >= 0, y >= 0 (broadcast). S(b, 0) = 1, S(0, y) = e^y."""
    b, y = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(y, dtype=float))
    out = np.zeros(b.shape, dtype=float)
    pos = y > 0
    if not pos.any():
        return out
    bp, yp = b[pos], y[pos]
    p = np.where(bp == 0, 1.0, special.gammainc(bp, yp))  # P(0, y) = 1 for y > 0
    res = np.empty_like(bp)
    ok = p > _TINY
    res[ok] = b_psi(bp[ok], yp[ok]) + stirling_remainder(bp[ok]) + np.log(p[ok])
    if (~ok).any():
        res[~ok] = _log_kummer_series(bp[~ok], yp[~ok])
    out[pos] = res
    return out


def log_gammainc(b, y) -> np.ndarray:
    """log P(b, y), the log of the regularized lower incomplete gamma function, without underflow.

    Uses scipy where P is representable and log P = log S(b, y) - b psi(y / b) - c(b) (from the
    series, y < b there) where it underflows. b > 0, y >= 0 (log P(b, 0) = -inf).
    """
    b, y = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(y, dtype=float))
    out = np.full(b.shape, -np.inf)
    pos = y > 0
    if not pos.any():
        return out
    bp, yp = b[pos], y[pos]
    p = special.gammainc(bp, yp)
    res = np.empty_like(bp)
    ok = p > _TINY
    res[ok] = np.log(p[ok])
    bad = ~ok
    if bad.any():
        bb, yb = bp[bad], yp[bad]
        res[bad] = _log_kummer_series(bb, yb) - b_psi(bb, yb) - stirling_remainder(bb)
    out[pos] = res
    return out


def _log_kummer_series(b: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Direct sum; used only where y < b and the gamma function underflows (ratio y/(b+k) < 1)."""
    total = np.ones_like(b)
    term = np.ones_like(b)
    idx = np.arange(b.size)
    k = 0
    while idx.size:
        k += 1
        term[idx] *= y[idx] / (b[idx] + k)
        total[idx] += term[idx]
        idx = idx[term[idx] > 1e-17 * total[idx]]
    return np.log(total)


def log_erlang_b_inverse(n, a) -> np.ndarray:
    """log R(n, A) = -log ErlangB(n, A) for integer n >= 0 and A >= 0 (broadcast)."""
    n, a = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(a, dtype=float))
    out = np.zeros(n.shape, dtype=float)  # R(0, A) = 1 and R(n, 0) = inf handled below
    zero_a = a <= 0
    out[zero_a & (n > 0)] = np.inf
    m = (~zero_a) & (n > 0)
    if not m.any():
        return out
    nm, am = n[m], a[m]
    q = special.gammaincc(nm + 1.0, am)
    res = np.empty_like(nm)
    ok = q > _TINY
    res[ok] = b_psi(nm[ok], am[ok]) + stirling_remainder(nm[ok]) + np.log(q[ok])
    if (~ok).any():
        res[~ok] = _log_erlang_b_inverse_series(nm[~ok], am[~ok])
    out[m] = res
    return out


def _log_erlang_b_inverse_series(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Direct finite sum sum_j prod_{i<j} (n - i) / A; used where A >> n (ratio n/A < 1)."""
    total = np.ones_like(n)
    term = np.ones_like(n)
    idx = np.arange(n.size)
    j = 0
    while idx.size:
        term[idx] *= (n[idx] - j) / a[idx]
        total[idx] += term[idx]
        j += 1
        idx = idx[(term[idx] > 1e-17 * total[idx]) & (n[idx] - j > 0)]
    return np.log(total)
