"""Why did an interval miss its service level? Shapley attribution over a staffing model.

The counterfactual model is Erlang A (``orchestration.lib.staffing.erlang_a``) with the queue's
mean patience estimated from its abandonment data: unlike Erlang C it stays finite when an
interval is overloaded (agents <= traffic), which is exactly when a miss needs explaining.
Agent counts are fractional (on-queue seconds / interval seconds): the model's SL is linearly
interpolated between floor(N) and ceil(N).

Four factors move the interval from the plan to what happened:

    volume     contacts:  forecast -> actual offered
    aht        handle time: forecast AHT -> actual AHT
    planning   agents: required (from the forecast) -> scheduled        (scheduled below required)
    adherence  agents: scheduled -> staffed                              (staffed below scheduled)

The agents in the model are ``required + planning * (scheduled - required) + adherence *
(staffed - scheduled)``, so with both agent factors on it is the staffed count. A sequential
substitution (swap volume in, then AHT, then ...) gives contributions that depend on the order
(the SL surface is not additive: extra volume hurts more when understaffed). We use the Shapley
value instead: each factor's contribution is its SL change averaged over all 4! = 24 orders,
computed from the 2^4 = 16 subsets (16 vectorized model evaluations for all intervals at once).
By construction

    realised SL - target = headroom + volume + aht + planning + adherence + residual

with ``headroom`` = model SL of the plan - target (the plan's integer-agent slack, >= 0 when the
plan met the target) and ``residual`` = realised SL - model SL at the actuals (the model's error
plus the effect of the SL policy, e.g. short abandons excluded, and of the agent allocation).
Contributions are in SL points (fractions); negative = pushed SL down.
"""

from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np

from orchestration.lib.staffing import erlang_a, erlang_c

__all__ = ["FACTORS", "attribute_service_level", "sl_erlang_a", "sl_erlang_c", "shapley"]

FACTORS = ("volume", "aht", "planning", "adherence")


def _interp(fn, agents, *args):
    """Evaluate fn(N, ...) at fractional N by linear interpolation between floor and ceil.

    ``fn`` must be element-wise: it is evaluated at the ceiling only for the rows with a
    fractional N (an integer N, e.g. the plan's required agents, needs the floor only).
    """
    n, *args = np.broadcast_arrays(np.maximum(np.asarray(agents, dtype=float), 0.0), *args)
    lo = np.floor(n)
    w = n - lo
    out = np.asarray(fn(lo, *args), dtype=float).copy()
    frac = w > 0
    if frac.any():
        f_hi = fn(lo[frac] + 1.0, *(a[frac] for a in args))
        out[frac] = (1.0 - w[frac]) * out[frac] + w[frac] * f_hi
    return out


def sl_erlang_a(
    agents, contacts, aht_seconds, interval_seconds, threshold_seconds, patience_seconds
):
    """Erlang A SL (abandoners are misses) at fractional agents; 1.0 where there are no contacts."""
    contacts, aht, interval, thr, pat, agents = np.broadcast_arrays(
        *(
            np.asarray(x, dtype=float)
            for x in (
                contacts,
                aht_seconds,
                interval_seconds,
                threshold_seconds,
                patience_seconds,
                agents,
            )
        )
    )
    traffic = contacts * aht / interval

    def fn(n, a, h, t, p):
        return erlang_a(n, a, h, p, t).service_level

    ok = (contacts > 0) & (aht > 0)
    out = np.ones(contacts.shape)
    if ok.any():
        out[ok] = _interp(fn, agents[ok], traffic[ok], aht[ok], thr[ok], pat[ok])
    return out


def sl_erlang_c(agents, contacts, aht_seconds, interval_seconds, threshold_seconds):
    """Erlang C SL at fractional agents; NaN where unstable (agents <= traffic)."""
    contacts, aht, interval, thr, agents = np.broadcast_arrays(
        *(
            np.asarray(x, dtype=float)
            for x in (contacts, aht_seconds, interval_seconds, threshold_seconds, agents)
        )
    )
    traffic = contacts * aht / interval

    def fn(n, a, h, t):
        return erlang_c(n, a, h, t).service_level

    ok = (contacts > 0) & (aht > 0)
    out = np.ones(contacts.shape)
    if ok.any():
        out[ok] = _interp(fn, agents[ok], traffic[ok], aht[ok], thr[ok])
    return out


def shapley(evaluate, n_factors: int) -> list[np.ndarray]:
    """Shapley values of a set function given as evaluate(frozenset of factor indices) -> array."""
    cache = {}
    for k in range(n_factors + 1):
        for subset in combinations(range(n_factors), k):
            cache[frozenset(subset)] = np.asarray(evaluate(frozenset(subset)), dtype=float)
    nf = factorial(n_factors)
    values = []
    for i in range(n_factors):
        total = 0.0
        for s, v in cache.items():
            if i in s:
                continue
            w = factorial(len(s)) * factorial(n_factors - len(s) - 1) / nf
            total = total + w * (cache[s | {i}] - v)
        values.append(total)
    return values


def attribute_service_level(
    *,
    target_sl,
    realised_sl,
    forecast_contacts,
    actual_contacts,
    forecast_aht_seconds,
    actual_aht_seconds,
    required_agents,
    scheduled_agents,
    staffed_agents,
    interval_seconds,
    threshold_seconds,
    patience_seconds,
) -> dict[str, np.ndarray]:
    """Per-interval decomposition of realised SL - target (see module doc). All arrays broadcast.

    Returns model SLs (plan, at actuals) and contributions headroom, volume, aht, planning,
    adherence, residual; they sum to realised - target exactly (floating point).
    """
    arrs = np.broadcast_arrays(
        *(
            np.asarray(x, dtype=float)
            for x in (
                target_sl,
                realised_sl,
                forecast_contacts,
                actual_contacts,
                forecast_aht_seconds,
                actual_aht_seconds,
                required_agents,
                scheduled_agents,
                staffed_agents,
                interval_seconds,
                threshold_seconds,
                patience_seconds,
            )
        )
    )
    (target, realised, fc, ac, fa, aa, req, sch, stf, interval, thr, pat) = arrs

    evaluated: dict[frozenset, np.ndarray] = {}

    def evaluate(on: frozenset) -> np.ndarray:
        # memoised: the plan and the actuals are two of the 16 subsets shapley() evaluates
        if on not in evaluated:
            contacts = ac if 0 in on else fc
            aht = aa if 1 in on else fa
            agents = req + (sch - req) * (2 in on) + (stf - sch) * (3 in on)
            evaluated[on] = sl_erlang_a(np.maximum(agents, 0.0), contacts, aht, interval, thr, pat)
        return evaluated[on]

    plan = evaluate(frozenset())
    at_actuals = evaluate(frozenset(range(4)))
    contrib = shapley(evaluate, 4)
    out = {
        "sl_model_plan": plan,
        "sl_model_actual": at_actuals,
        "contribution_headroom": plan - target,
        "contribution_residual": realised - at_actuals,
    }
    for name, c in zip(FACTORS, contrib, strict=True):
        out[f"contribution_{name}"] = c
    return out
