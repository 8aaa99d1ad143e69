"""Erlang C (M/M/N) and Erlang A (M/M/N+M) staffing formulas, vectorized over numpy arrays.

Every function broadcasts its arguments (traffic, agents, AHT, threshold, patience) like numpy
does and returns arrays of the broadcast shape; scalar inputs give numpy scalars back.
Units: traffic in Erlangs, times in seconds, agents are non-negative integers.

Numerical method (see ``_special.py``): no factorials or powers are ever formed. The server part
of both chains is 1/ErlangB(N, A) and the queue part of the Erlang A chain is the Kummer series
1F1(1; N*p/AHT + 1; A*p/AHT) (p = mean patience); both are evaluated in log space through
regularized incomplete gamma functions with the large Stirling terms cancelled analytically, and
by their (then geometrically convergent) series where the gamma function underflows. Relative
accuracy is ~1e-13 or better up to N = 5,000 agents and A = 4,000 Erlangs (checked against direct
summation in tests).

Erlang C is only defined for N > A. For N <= A (with A > 0) every Erlang C quantity is NaN and the
``unstable`` mask of :class:`ErlangCResult` says why; no misleading number is returned.

Erlang A adds exponential caller patience (mean ``patience_seconds``) and is finite for every N.
Its service level counts abandoners as misses: SL(T) = P(answered within T) over all arrivals.
Derivation (PASTA + FCFS): an arrival finding k callers queued is answered after
V_k = sum_{j=0..k} Exp(N mu + j theta) unless it abandons first (prob. 1 - e^{-theta V}), so
P(answered within T | wait) = E[e^{-theta V} 1{V <= T}]. Mixing over k with the stationary
weights gives closed forms in the regularized lower incomplete gamma P (a = N mu / theta,
x = lambda / theta, u = x e^{-theta T}):

    P(wait)                      = J / (J + (1 / ErlangB(N, A) - 1)),  J = 1F1(1; a+1; x)
    P(answered | wait)           = (a / x) P(a+1, x) / P(a, x)
    P(answered within T | wait)  = (a / x) [P(a+1, x) - P(a+1, u)] / P(a, x)

(equivalently Garnett-Mandelbaum-Reiman's J-integral form). P(abandon) = P(wait) (1 - P(answered |
wait)); ASA over all arrivals is E[W] = P(abandon) * mean patience (Little's law on the abandoning
flow); occupancy = carried load / N = A (1 - P(abandon)) / N. Where P(a, x) underflows (a >> x)
the ratios are evaluated as ratios of Kummer series instead (see ``_erlang_a_core``).
Accuracy: matches a truncated birth-death chain + matrix-exponential reference to 1e-9 relative
(tests). As patience grows the gaps to Erlang C shrink like AHT / patience; ASA, being
P(abandon) x patience, keeps ~1e-6 relative accuracy up to patience ~ 1e7 x AHT (use Erlang C,
i.e. ``patience_seconds=np.inf``, beyond that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from orchestration.lib.staffing._special import (
    b_psi,
    log_erlang_b_inverse,
    log_gammainc,
    log_kummer,
    stirling_remainder,
)

__all__ = [
    "ErlangAResult",
    "ErlangCResult",
    "StaffingRequirement",
    "asa",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_c_probability_wait",
    "occupancy",
    "positions_with_shrinkage",
    "required_agents",
    "required_agents_erlang_a",
    "service_level",
    "traffic_erlangs",
    "unstable_load",
]

_SL_TOLERANCE = 1e-12  # an SL equal to the target up to rounding meets the target
_MAX_AGENTS = 10_000_000


def _out(x):
    """0-d arrays back to numpy scalars, arrays unchanged."""
    x = np.asarray(x)
    return x[()] if x.ndim == 0 else x


def _agents(n) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    if np.any(n < 0) or np.any(n != np.floor(n)):
        raise ValueError("agents must be non-negative integers")
    return n


def _nonneg(x, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if np.any(x < 0) or np.any(np.isnan(x)):
        raise ValueError(f"{name} must be non-negative numbers")
    return x


def _positive(x, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if np.any(~(x > 0)):
        raise ValueError(f"{name} must be positive")
    return x


# --------------------------------------------------------------------------------------------
# Traffic and Erlang B
# --------------------------------------------------------------------------------------------


def traffic_erlangs(contacts, aht_seconds, interval_seconds=1800):
    """Offered traffic A = contacts x AHT / interval length (Erlangs)."""
    contacts = _nonneg(contacts, "contacts")
    aht = _positive(aht_seconds, "aht_seconds")
    interval = _positive(interval_seconds, "interval_seconds")
    return _out(contacts * aht / interval)


def erlang_b(agents, traffic):
    """Blocking probability of M/M/N/N (Erlang B), stable for any N and A."""
    n, a = np.broadcast_arrays(_agents(agents), _nonneg(traffic, "traffic"))
    return _out(np.exp(-log_erlang_b_inverse(n, a)))


def _log_rb(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """log of sum_{i<N} pi_i / pi_N = log((N/A) R(N-1, A)); -inf for N = 0; needs A > 0."""
    with np.errstate(divide="ignore"):
        safe_n = np.maximum(n, 1.0)
        val = np.log(safe_n) - np.log(a) + log_erlang_b_inverse(safe_n - 1.0, a)
    return np.where(n > 0, val, -np.inf)


# --------------------------------------------------------------------------------------------
# Erlang C
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangCResult:
    """Erlang C measures; NaN wherever ``unstable`` (N <= A with A > 0)."""

    traffic: np.ndarray
    agents: np.ndarray
    probability_wait: np.ndarray
    service_level: np.ndarray
    asa: np.ndarray
    occupancy: np.ndarray
    unstable: np.ndarray


def unstable_load(agents, traffic):
    """True where Erlang C has no steady state: agents <= traffic (and traffic > 0)."""
    n, a = np.broadcast_arrays(_agents(agents), _nonneg(traffic, "traffic"))
    return _out((n <= a) & (a > 0))


def _erlang_c_pw(n: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unstable = (n <= a) & (a > 0)
    pw = np.zeros(n.shape)
    m = (~unstable) & (a > 0)
    if m.any():
        nm, am = n[m], a[m]
        # P_w = 1 / (1 + (1 - rho) * sum_{i<N} pi_i / pi_N)
        pw[m] = special.expit(-(np.log1p(-am / nm) + _log_rb(nm, am)))
    pw[unstable] = np.nan
    return pw, unstable


def erlang_c(agents, traffic, aht_seconds, threshold_seconds=20.0) -> ErlangCResult:
    """All Erlang C measures at once (broadcast over every argument)."""
    n, a, aht, t = np.broadcast_arrays(
        _agents(agents),
        _nonneg(traffic, "traffic"),
        _positive(aht_seconds, "aht_seconds"),
        _nonneg(threshold_seconds, "threshold_seconds"),
    )
    pw, unstable = _erlang_c_pw(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = n - a
        sl = 1.0 - pw * np.exp(-np.maximum(gap, 0.0) * t / aht)  # pw is NaN where unstable
        asa_ = np.where(pw > 0, pw * aht / gap, 0.0)
        occ = np.where(n > 0, a / n, 0.0)
    asa_ = np.where(unstable, np.nan, asa_)
    occ = np.where(unstable, np.nan, occ)
    return ErlangCResult(
        traffic=_out(a),
        agents=_out(n),
        probability_wait=_out(pw),
        service_level=_out(sl),
        asa=_out(asa_),
        occupancy=_out(occ),
        unstable=_out(unstable),
    )


def erlang_c_probability_wait(agents, traffic):
    """P(wait) = C(N, A); NaN where unstable (N <= A)."""
    n, a = np.broadcast_arrays(_agents(agents), _nonneg(traffic, "traffic"))
    return _out(_erlang_c_pw(n, a)[0])


def service_level(agents, traffic, aht_seconds, threshold_seconds=20.0):
    """SL(T) = 1 - P_w exp(-(N - A) T / AHT); NaN where unstable."""
    return erlang_c(agents, traffic, aht_seconds, threshold_seconds).service_level


def asa(agents, traffic, aht_seconds):
    """Average speed of answer P_w AHT / (N - A) in seconds; NaN where unstable."""
    return erlang_c(agents, traffic, aht_seconds, 0.0).asa


def occupancy(agents, traffic):
    """A / N; NaN where unstable (Erlang C has no steady state there)."""
    return erlang_c(agents, traffic, 1.0, 0.0).occupancy


# --------------------------------------------------------------------------------------------
# Erlang A
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A (M/M/N+M) measures; finite for every N (no stability condition).

    ``service_level`` counts abandoners as misses (answered within T / all arrivals);
    ``asa`` is the mean wait over all arrivals (answered and abandoned);
    ``unstable`` is only ever True where patience is infinite and N <= A (Erlang C's limit).
    """

    traffic: np.ndarray
    agents: np.ndarray
    probability_wait: np.ndarray
    probability_abandon: np.ndarray
    service_level: np.ndarray
    asa: np.ndarray
    occupancy: np.ndarray
    unstable: np.ndarray


def _erlang_a_core(n, traffic, r, theta_t):
    """P(wait), P(answered | wait) and P(answered after T | wait) for M/M/N+M (traffic > 0).

    r = patience / AHT, theta_t = T / patience. With a = N r (= N mu / theta), x = A r
    (= lambda / theta), u = x e^{-theta T} and P the regularized lower incomplete gamma:
        P(wait)                 = J / (J + sum_{i<N} pi_i / pi_N),   J = 1F1(1; a+1; x)
        P(answered | wait)      = (a / x) P(a+1, x) / P(a, x)
        P(answered > T | wait)  = (a / x) P(a+1, u) / P(a, x)
    Where P(a, x) is representable this ratio form has no cancellation (it is the overload side,
    where log J is huge). Where it underflows (a >> x) the same quantities are evaluated as
    Kummer-series ratios (a/(a+1)) S(a+1, .) e^{...} / S(a, x), whose logs are small.
    """
    pw = np.ones(n.shape)
    served = np.zeros(n.shape)
    late = np.zeros(n.shape)
    m = n > 0  # no agents: everyone waits, nobody is answered
    if not m.any():
        return pw, served, late
    big_a, x, tt, nn, aa = n[m] * r[m], traffic[m] * r[m], theta_t[m], n[m], traffic[m]
    u = x * np.exp(-tt)
    p = special.gammainc(big_a, x)
    ratio = p > 1e-250
    log_j = np.empty_like(x)
    sv, lt = np.empty_like(x), np.empty_like(x)
    if ratio.any():
        b, y, uu, lp = big_a[ratio], x[ratio], u[ratio], np.log(p[ratio])
        log_j[ratio] = b_psi(b, y) + stirling_remainder(b) + lp
        log_ax = np.log(b) - np.log(y)
        sv[ratio] = np.exp(log_ax + log_gammainc(b + 1.0, y) - lp)
        lt[ratio] = np.exp(log_ax + log_gammainc(b + 1.0, uu) - lp)
    k = ~ratio
    if k.any():
        b, y, uu, tk = big_a[k], x[k], u[k], tt[k]
        lj = log_kummer(b, y)
        log_j[k] = lj
        log_frac = np.log(b) - np.log1p(b)
        log_e = -(b + 1.0) * tk - y * np.expm1(-tk)
        sv[k] = np.exp(log_frac + log_kummer(b + 1.0, y) - lj)
        lt[k] = np.exp(log_frac + log_e + log_kummer(b + 1.0, uu) - lj)
    pw[m] = special.expit(log_j - _log_rb(nn, aa))
    served[m], late[m] = sv, lt
    return pw, served, late


def erlang_a(
    agents, traffic, aht_seconds, patience_seconds, threshold_seconds=20.0
) -> ErlangAResult:
    """Erlang A measures with exponential patience of mean ``patience_seconds`` (may be inf)."""
    n, a, aht, pat, t = np.broadcast_arrays(
        _agents(agents),
        _nonneg(traffic, "traffic"),
        _positive(aht_seconds, "aht_seconds"),
        _positive(patience_seconds, "patience_seconds"),
        _nonneg(threshold_seconds, "threshold_seconds"),
    )
    shape = n.shape
    pw = np.zeros(shape)
    pab = np.zeros(shape)
    sl = np.ones(shape)
    unstable = np.zeros(shape, dtype=bool)

    # infinite patience: Erlang C
    inf = np.isinf(pat) & (a > 0)
    if inf.any():
        c = erlang_c(n[inf], a[inf], aht[inf], t[inf])
        pw[inf], sl[inf], unstable[inf] = c.probability_wait, c.service_level, c.unstable

    m = np.isfinite(pat) & (a > 0)
    if m.any():
        nm, am, ahtm, patm, tm = n[m], a[m], aht[m], pat[m], t[m]
        pw_m, served, late = _erlang_a_core(nm, am, patm / ahtm, tm / patm)
        served = np.clip(served, 0.0, 1.0)
        pw[m] = pw_m
        pab[m] = pw_m * (1.0 - served)
        sl[m] = 1.0 - pw_m + pw_m * np.clip(served - late, 0.0, 1.0)

    with np.errstate(divide="ignore", invalid="ignore"):
        asa_c = np.where(pw > 0, pw * aht / (n - a), 0.0)
        asa_ = np.where(np.isinf(pat), asa_c, pab * pat)
        occ = np.where(
            n > 0, np.minimum(a * (1.0 - pab) / n, 1.0), 0.0
        )  # clip rounding in overload
    asa_ = np.where(unstable, np.nan, asa_)
    occ = np.where(unstable, np.nan, occ)
    return ErlangAResult(
        traffic=_out(a),
        agents=_out(n),
        probability_wait=_out(pw),
        probability_abandon=_out(pab),
        service_level=_out(sl),
        asa=_out(asa_),
        occupancy=_out(occ),
        unstable=_out(unstable),
    )


# --------------------------------------------------------------------------------------------
# Required agents
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingRequirement:
    """Smallest agents meeting the target (and occupancy cap), and positions net of shrinkage.

    ``service_level``, ``asa``, ``occupancy``, ``probability_wait`` (and for Erlang A
    ``probability_abandon``) are the model's values at ``agents``.
    """

    traffic: np.ndarray
    agents: np.ndarray
    positions: np.ndarray
    service_level: np.ndarray
    asa: np.ndarray
    occupancy: np.ndarray
    probability_wait: np.ndarray
    probability_abandon: np.ndarray | None = None


def positions_with_shrinkage(agents, shrinkage=0.0):
    """ceil(agents / (1 - shrinkage)), guarded against float noise (14 / 0.7 is 20, not 21)."""
    agents = np.asarray(agents, dtype=float)
    s = np.asarray(shrinkage, dtype=float)
    if np.any(s < 0) or np.any(s >= 1):
        raise ValueError("shrinkage must be in [0, 1)")
    return _out(np.ceil(agents / (1.0 - s) - 1e-9).astype(np.int64))


def _smallest(
    ok: Callable[[np.ndarray, np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Vectorized smallest integer N in (lo, inf) with ok(N), for a monotone predicate.

    ``ok(n, idx)`` evaluates the predicate for the elements ``idx`` at agents ``n``; ``lo`` must
    fail; ``hi`` is a first guess (> lo). Exponential search, then bisection on the elements
    still open (only those are re-evaluated).
    """
    shape = np.shape(lo)
    lo, hi = lo.astype(float).ravel().copy(), hi.astype(float).ravel().copy()
    idx = np.arange(lo.size)
    while idx.size:
        bad = ~ok(hi[idx], idx)
        idx = idx[bad]
        step = np.maximum(hi[idx] - lo[idx], 1.0)
        lo[idx] = hi[idx]
        hi[idx] = hi[idx] + 2.0 * step
        if np.any(hi[idx] > _MAX_AGENTS):
            raise ValueError("target not reachable below 10 million agents")
    idx = np.flatnonzero(hi - lo > 1)
    while idx.size:
        mid = np.floor((lo[idx] + hi[idx]) / 2.0)
        res = ok(mid, idx)
        hi[idx[res]] = mid[res]
        lo[idx[~res]] = mid[~res]
        idx = idx[hi[idx] - lo[idx] > 1]
    return hi.reshape(shape)


def _check_target(target_sl, max_occupancy):
    target = np.asarray(target_sl, dtype=float)
    if np.any(target < 0) or np.any(target >= 1):
        raise ValueError("target_sl must be in [0, 1): no finite staffing reaches 100%")
    cap = None if max_occupancy is None else np.asarray(max_occupancy, dtype=float)
    if cap is not None and (np.any(cap <= 0) or np.any(cap > 1)):
        raise ValueError("max_occupancy must be in (0, 1]")
    return target, cap


def required_agents(
    contacts,
    aht_seconds,
    interval_seconds,
    target_sl,
    threshold_seconds,
    max_occupancy=None,
    shrinkage=0.0,
) -> StaffingRequirement:
    """Erlang C: smallest N > A with SL(T) >= target and (optionally) A / N <= max_occupancy.

    Zero contacts need zero agents. All arguments broadcast.
    """
    target, cap = _check_target(target_sl, max_occupancy)
    a = np.asarray(traffic_erlangs(contacts, aht_seconds, interval_seconds), dtype=float)
    a, aht, t, target = np.broadcast_arrays(
        a,
        _positive(aht_seconds, "aht_seconds"),
        _nonneg(threshold_seconds, "threshold_seconds"),
        target,
    )
    if cap is not None:
        cap = np.broadcast_to(cap, a.shape)

    flat_a, flat_aht, flat_t, flat_target = a.ravel(), aht.ravel(), t.ravel(), target.ravel()
    flat_cap = None if cap is None else cap.ravel()

    def ok(n, idx):
        c = erlang_c(n, flat_a[idx], flat_aht[idx], flat_t[idx])
        res = (~c.unstable) & (c.service_level >= flat_target[idx] - _SL_TOLERANCE)
        if flat_cap is not None:
            res &= c.occupancy <= flat_cap[idx] + 1e-12
        return res | (flat_a[idx] == 0)

    lo = np.floor(a)  # N <= A is unstable, so floor(A) always fails when A > 0
    lo = np.where(a == 0, -1.0, lo)
    # first guess: square-root staffing N = A + sqrt(A) (then exponential search / bisection)
    n = _smallest(ok, lo, np.maximum(lo + 1.0, np.ceil(a + np.sqrt(a))))
    n = np.where(a == 0, 0.0, n)
    c = erlang_c(n, a, aht, t)
    return StaffingRequirement(
        traffic=_out(a),
        agents=_out(n.astype(np.int64)),
        positions=positions_with_shrinkage(n, shrinkage),
        service_level=c.service_level,
        asa=c.asa,
        occupancy=c.occupancy,
        probability_wait=c.probability_wait,
    )


def required_agents_erlang_a(
    contacts,
    aht_seconds,
    interval_seconds,
    target_sl,
    threshold_seconds,
    patience_seconds,
    max_occupancy=None,
    shrinkage=0.0,
) -> StaffingRequirement:
    """Erlang A: smallest N with SL(T) >= target (abandoners are misses) and occupancy <= cap.

    May be below the traffic A when callers are impatient. Zero contacts need zero agents.
    """
    target, cap = _check_target(target_sl, max_occupancy)
    a = np.asarray(traffic_erlangs(contacts, aht_seconds, interval_seconds), dtype=float)
    a, aht, t, pat, target = np.broadcast_arrays(
        a,
        _positive(aht_seconds, "aht_seconds"),
        _nonneg(threshold_seconds, "threshold_seconds"),
        _positive(patience_seconds, "patience_seconds"),
        target,
    )
    if cap is not None:
        cap = np.broadcast_to(cap, a.shape)

    flat_a, flat_aht, flat_t, flat_pat, flat_target = (
        a.ravel(),
        aht.ravel(),
        t.ravel(),
        pat.ravel(),
        target.ravel(),
    )
    flat_cap = None if cap is None else cap.ravel()

    def ok(n, idx):
        r = erlang_a(n, flat_a[idx], flat_aht[idx], flat_pat[idx], flat_t[idx])
        res = (~r.unstable) & (r.service_level >= flat_target[idx] - _SL_TOLERANCE)
        if flat_cap is not None:
            res &= r.occupancy <= flat_cap[idx] + 1e-12
        return res | (flat_a[idx] == 0)

    lo = np.where(a == 0, -1.0, 0.0)  # zero agents answer nobody: fails any positive target
    if np.any((a > 0) & (target <= 0)):
        lo = np.where((a > 0) & (target <= 0), -1.0, lo)  # target 0 is met by N = 0
    n = _smallest(ok, lo, np.maximum(np.ceil(a), lo + 1.0))
    n = np.where(a == 0, 0.0, n)
    r = erlang_a(n, a, aht, pat, t)
    return StaffingRequirement(
        traffic=_out(a),
        agents=_out(n.astype(np.int64)),
        positions=positions_with_shrinkage(n, shrinkage),
        service_level=r.service_level,
        asa=r.asa,
        occupancy=r.occupancy,
        probability_wait=r.probability_wait,
        probability_abandon=r.probability_abandon,
    )
