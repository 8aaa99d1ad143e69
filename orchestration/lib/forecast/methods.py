"""Forecast methods on a day x slot matrix, evaluated from every forecast origin at once.

A queue's history is a matrix ``Y[day, slot]`` (consecutive local days, slots of the day: 48 for
30-minute intervals), with NaN on days that must not be learnt from (holidays, days before the
queue existed). An *origin* ``o`` is the last observed day; horizon ``h`` (1, 2, ...) forecasts day
``o + h``. Every function returns forecasts for all origins 0..D-1 and horizons 1..H in one array
``F[o, h - 1, slot]`` so the rolling-origin backtest and the future forecast are the same code.

Methods:

* ``seasonal_baseline`` - for day ``o + h`` and slot ``s``, the mean of the same weekday and slot
  over the ``weeks`` most recent weeks observed at the origin (days ``o + h - 7j`` for
  ``j >= ceil(h / 7)``). Holidays (NaN) are skipped, not counted as zero.
* ``holt_winters`` - additive Holt-Winters with a damped trend on the *daily* totals (season of 7
  days), the smoothing constants chosen per origin from a small grid by the one-step squared error
  accumulated up to that origin (no look-ahead), spread over the slots with the baseline's
  intraday profile (share of the day per slot, same weekday, last ``weeks`` weeks). The two
  methods share the intraday shape and differ in how they forecast the day's volume.
* ``seasonal_aht`` - handle-time forecast: handle seconds / handled contacts over the same
  weekday and slot of the last ``weeks`` weeks, shrunk towards the queue's trailing 28-day AHT
  with ``prior_contacts`` pseudo-contacts (sparse night slots then follow the queue average).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "HW_GRID",
    "holt_winters",
    "holt_winters_daily",
    "intraday_profile",
    "seasonal_aht",
    "seasonal_baseline",
]

SEASON = 7
# (alpha, beta, gamma) grid; trend damping phi is fixed (damped trends forecast better
# beyond a few steps and a fixed phi keeps the grid small).
HW_GRID = np.array(
    [(a, b, g) for a in (0.05, 0.15, 0.3, 0.5) for b in (0.0, 0.02, 0.1) for g in (0.05, 0.15, 0.3)]
)
HW_PHI = 0.9


def _same_weekday_stack(Y: np.ndarray, horizon: int, weeks: int) -> np.ndarray:
    """S[o, h-1, j, slot] = Y[o + h - 7 j] for the `weeks` most recent same-weekday days <= o."""
    D, S = Y.shape
    out = np.full((D, horizon, weeks, S), np.nan)
    origins = np.arange(D)
    for h in range(1, horizon + 1):
        j0 = -(-h // SEASON)  # ceil(h / 7): the first same-weekday day at or before the origin
        for k in range(weeks):
            idx = origins + h - SEASON * (j0 + k)
            ok = idx >= 0
            out[ok, h - 1, k] = Y[idx[ok]]
    return out


def seasonal_baseline(Y: np.ndarray, horizon: int, weeks: int = 4) -> np.ndarray:
    """F[o, h-1, slot]: mean of the same weekday x slot over the last `weeks` observed weeks."""
    stack = _same_weekday_stack(np.asarray(Y, dtype=float), horizon, weeks)
    with np.errstate(invalid="ignore"), _quiet():
        return np.nanmean(stack, axis=2)


def intraday_profile(Y: np.ndarray, horizon: int, weeks: int = 4) -> np.ndarray:
    """P[o, h-1, slot]: share of the day per slot (same weekday, last `weeks` weeks); rows sum to 1
    where any history exists, else NaN."""
    base = seasonal_baseline(Y, horizon, weeks)
    total = np.nansum(base, axis=2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.nan_to_num(base) / total, np.nan)


class _quiet:
    """Silence numpy's 'mean of empty slice' RuntimeWarning (all-NaN columns give NaN)."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", category=RuntimeWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


def holt_winters_daily(
    y: np.ndarray, horizon: int, grid: np.ndarray = HW_GRID, phi: float = HW_PHI
) -> np.ndarray:
    """f[o, h-1]: damped additive Holt-Winters forecasts of a daily series from every origin.

    NaN observations (holidays, no history yet) skip the update (the state is propagated). The
    state starts from the first two weeks with data; origins before that get NaN. The constants
    are picked per origin from ``grid`` by the one-step SSE accumulated up to that origin.
    """
    y = np.asarray(y, dtype=float)
    D = y.size
    out = np.full((D, horizon), np.nan)
    seen = np.flatnonzero(~np.isnan(y))
    if seen.size < 2 * SEASON:
        return out
    start = seen[0]
    init = y[start : start + 2 * SEASON]
    level0 = np.nanmean(init)
    seas0 = np.zeros(SEASON)
    for k in range(SEASON):  # seasonal index by day position (t mod 7)
        vals = init[k::SEASON]
        vals = vals[~np.isnan(vals)]
        seas0[(start + k) % SEASON] = (vals.mean() - level0) if vals.size else 0.0
    seas0 -= seas0.mean()

    G = grid.shape[0]
    alpha, beta, gamma = grid[:, 0], grid[:, 1], grid[:, 2]
    level = np.full(G, level0)
    trend = np.zeros(G)
    seas = np.tile(seas0, (G, 1))  # [grid, 7], indexed by t mod 7
    sse = np.zeros(G)
    damp = np.cumsum(phi ** np.arange(1, horizon + 1))  # sum_{i=1..h} phi^i
    first = start + 2 * SEASON - 1  # first origin with a full initialisation window behind it
    for t in range(start, D):
        pos = t % SEASON
        if t > start:
            pred = level + phi * trend + seas[:, pos]
            obs = y[t]
            if not np.isnan(obs):
                err = obs - pred
                if t > start + SEASON:
                    sse += err * err
                new_level = alpha * (obs - seas[:, pos]) + (1 - alpha) * (level + phi * trend)
                trend = beta * (new_level - level) + (1 - beta) * phi * trend
                seas[:, pos] = gamma * (obs - new_level) + (1 - gamma) * seas[:, pos]
                level = new_level
            else:
                level = level + phi * trend
                trend = phi * trend
        if t >= first:
            best = int(np.argmin(sse))
            steps = np.arange(1, horizon + 1)
            out[t] = level[best] + damp * trend[best] + seas[best, (t + steps) % SEASON]
    return out


def holt_winters(Y: np.ndarray, horizon: int, weeks: int = 4) -> np.ndarray:
    """F[o, h-1, slot]: Holt-Winters daily totals x the intraday profile (see module doc)."""
    Y = np.asarray(Y, dtype=float)
    day_total = np.where(np.all(np.isnan(Y), axis=1), np.nan, np.nansum(Y, axis=1))
    daily = np.maximum(holt_winters_daily(day_total, horizon), 0.0)
    return daily[:, :, None] * intraday_profile(Y, horizon, weeks)


def seasonal_aht(
    handle_seconds: np.ndarray,
    handled: np.ndarray,
    horizon: int,
    weeks: int = 4,
    prior_contacts: float = 10.0,
    trailing_days: int = 28,
) -> np.ndarray:
    """A[o, h-1, slot]: AHT forecast (seconds), same weekday x slot, shrunk to the queue mean.

    The queue mean is handle seconds / handled over the `trailing_days` days up to the origin;
    slots with no queue history at all give NaN.
    """
    H = np.asarray(handle_seconds, dtype=float)
    N = np.asarray(handled, dtype=float)
    sh = np.nansum(_same_weekday_stack(H, horizon, weeks), axis=2)
    sn = np.nansum(_same_weekday_stack(N, horizon, weeks), axis=2)
    dh = np.nancumsum(np.nansum(H, axis=1))
    dn = np.nancumsum(np.nansum(N, axis=1))
    lag_h = np.concatenate([np.zeros(trailing_days), dh])[: dh.size]
    lag_n = np.concatenate([np.zeros(trailing_days), dn])[: dn.size]
    with np.errstate(invalid="ignore", divide="ignore"):
        queue_aht = np.where(dn - lag_n > 0, (dh - lag_h) / (dn - lag_n), np.nan)  # [origin]
        prior = queue_aht[:, None, None]
        return (sh + prior_contacts * prior) / (sn + prior_contacts)
