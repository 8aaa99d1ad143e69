"""Rolling-origin backtest (WAPE per method x horizon) and method selection on the evidence.

WAPE = sum |forecast - actual| / sum actual, pooled over the scored cells (not a mean of
per-interval percentages, which explodes on quiet intervals). It is computed at the interval
grain (what staffing consumes) and, as a second column, on daily totals.

Every origin (every day with enough history) forecasts the next ``horizon`` days; a cell is scored
when both methods have a forecast for it and the target day is observed and not a holiday, so the
methods are compared on exactly the same cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BacktestScores", "score_backtest", "select_method", "shift_actuals", "wape"]


def wape(actual, forecast) -> float:
    """Pooled weighted absolute percentage error; NaN when the actuals sum to zero."""
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    ok = ~(np.isnan(a) | np.isnan(f))
    denom = a[ok].sum()
    return float(np.abs(f[ok] - a[ok]).sum() / denom) if denom > 0 else float("nan")


def shift_actuals(Y: np.ndarray, horizon: int) -> np.ndarray:
    """A[o, h-1, slot] = Y[o + h] (NaN past the end), aligned with a forecast array."""
    D = Y.shape[0]
    out = np.full((D, horizon) + Y.shape[1:], np.nan)
    for h in range(1, horizon + 1):
        out[: max(D - h, 0), h - 1] = Y[h:]
    return out


@dataclass(frozen=True)
class BacktestScores:
    """Per method: arrays over horizons 1..H."""

    method: str
    horizon_days: np.ndarray
    scored_days: np.ndarray
    actual: np.ndarray
    abs_error: np.ndarray
    abs_error_daily: np.ndarray
    wape: np.ndarray
    wape_daily: np.ndarray


def score_backtest(Y_obs: np.ndarray, forecasts: dict[str, np.ndarray]) -> list[BacktestScores]:
    """Score every method on the cells all methods forecast (Y_obs: NaN = not scored)."""
    horizon = next(iter(forecasts.values())).shape[1]
    A = shift_actuals(Y_obs, horizon)  # [o, h, s]
    day_ok = ~np.all(np.isnan(A), axis=2)
    for F in forecasts.values():
        day_ok &= ~np.all(np.isnan(F), axis=2)
    out = []
    for name, F in forecasts.items():
        Fz = np.where(day_ok[:, :, None], np.nan_to_num(F), np.nan)
        Az = np.where(day_ok[:, :, None], np.nan_to_num(A), np.nan)
        act = np.nansum(Az, axis=(0, 2))
        err = np.nansum(np.abs(Fz - Az), axis=(0, 2))
        err_d = np.nansum(np.abs(np.nansum(Fz, axis=2) - np.nansum(Az, axis=2)) * day_ok, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(
                BacktestScores(
                    method=name,
                    horizon_days=np.arange(1, horizon + 1),
                    scored_days=day_ok.sum(axis=0),
                    actual=act,
                    abs_error=err,
                    abs_error_daily=err_d,
                    wape=np.where(act > 0, err / act, np.nan),
                    wape_daily=np.where(act > 0, err_d / act, np.nan),
                )
            )
    return out


def select_method(
    scores: list[BacktestScores],
    default: str,
    min_scored_days: int = 7,
    max_horizon: int | None = None,
) -> tuple[str, str]:
    """(method, reason): the lowest pooled interval WAPE over horizons 1..max_horizon.

    Falls back to ``default`` when fewer than ``min_scored_days`` origins were scored at horizon 1
    (too little evidence) or when the WAPEs tie; a tie goes to the simpler default.
    """
    pooled = {}
    for s in scores:
        k = slice(None) if max_horizon is None else slice(0, max_horizon)
        act = s.actual[k].sum()
        if s.scored_days[0] < min_scored_days or act <= 0:
            return (
                default,
                f"insufficient history ({int(s.scored_days[0])} scored days < {min_scored_days})",
            )
        pooled[s.method] = s.abs_error[k].sum() / act
    best = min(pooled, key=lambda m: (pooled[m], m != default))
    if np.isclose(pooled[best], pooled[default]):
        best = default
    detail = ", ".join(f"{m} {w:.3f}" for m, w in sorted(pooled.items()))
    return best, f"lowest pooled interval WAPE ({detail})"
