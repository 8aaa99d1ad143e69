"""Forecast every queue from its interval history: backtest, select, forecast (plain pandas/numpy).

Input ``history``: one row per queue x local day x slot (slot = minute of the local day // interval
minutes) with ``offered``, ``handled``, ``handle_seconds``; days without a row count as zero
inside the queue's first..last day. ``holidays``: one row per queue x holiday date (already
expanded from site / '*'). Holidays are NaN for learning and scoring: the methods skip them and
their forecasts are flagged ``is_holiday`` (no automatic holiday uplift; planners override).

Output (``ForecastResult``):
* ``intervals``: per queue x day x slot, for the future (``kind = 'forecast'``, origin = last
  day of history, horizons 1..horizon_days) and for the past (``kind = 'backtest'``: the forecast
  each method made ``lead_days`` before the day, i.e. what a planner scheduling ``lead_days``
  ahead had). ``offered_forecast`` / ``method`` are the queue's selected method.
* ``accuracy``: WAPE per queue x method x horizon (1..backtest_horizon days).
* ``selection``: the method picked per queue and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.lib.forecast.backtest import score_backtest, select_method
from orchestration.lib.forecast.methods import holt_winters, seasonal_aht, seasonal_baseline

__all__ = ["DEFAULT_METHOD", "METHODS", "ForecastResult", "run_forecast"]

DEFAULT_METHOD = "seasonal_baseline"
METHODS = ("seasonal_baseline", "holt_winters")


@dataclass(frozen=True)
class ForecastResult:
    intervals: pd.DataFrame
    accuracy: pd.DataFrame
    selection: pd.DataFrame


def _matrix(g: pd.DataFrame, days: pd.DatetimeIndex, slots: int, col: str) -> np.ndarray:
    m = np.zeros((len(days), slots))
    di = days.get_indexer(pd.to_datetime(g["forecast_date"]))
    np.add.at(m, (di, g["slot"].to_numpy(int)), g[col].to_numpy(float))
    return m


def run_forecast(
    history: pd.DataFrame,
    holidays: pd.DataFrame | None = None,
    *,
    slots_per_day: int = 48,
    horizon_days: int = 14,
    lead_days: int = 7,
    backtest_horizon: int = 14,
    weeks: int = 4,
    min_scored_days: int = 7,
) -> ForecastResult:
    """history columns: queue_id, forecast_date (local date), slot, offered, handled, handle_seconds."""
    H = max(horizon_days, lead_days, backtest_horizon)
    hol = (
        holidays.assign(forecast_date=pd.to_datetime(holidays["forecast_date"]))
        if holidays is not None and len(holidays)
        else pd.DataFrame({"queue_id": [], "forecast_date": pd.to_datetime([])})
    )
    frames, acc_rows, sel_rows = [], [], []
    for queue_id, g in history.groupby("queue_id", sort=True):
        dates = pd.to_datetime(g["forecast_date"])
        days = pd.date_range(dates.min(), dates.max(), freq="D")
        D = len(days)
        Y = _matrix(g, days, slots_per_day, "offered")
        Hs = _matrix(g, days, slots_per_day, "handle_seconds")
        N = _matrix(g, days, slots_per_day, "handled")
        q_hol = set(hol.loc[hol["queue_id"] == queue_id, "forecast_date"])
        is_hol = np.array([d in q_hol for d in days])
        Y_learn = Y.copy()
        Y_learn[is_hol] = np.nan
        Hs_l, N_l = Hs.copy(), N.copy()
        Hs_l[is_hol], N_l[is_hol] = np.nan, np.nan

        F = {
            "seasonal_baseline": seasonal_baseline(Y_learn, H, weeks),
            "holt_winters": holt_winters(Y_learn, H, weeks),
        }
        aht = seasonal_aht(Hs_l, N_l, H, weeks)

        scores = score_backtest(Y_learn, {m: f[:, :backtest_horizon] for m, f in F.items()})
        method, reason = select_method(scores, DEFAULT_METHOD, min_scored_days)
        sel_rows.append(
            {"queue_id": queue_id, "method": method, "reason": reason, "history_days": D}
        )
        for s in scores:
            for i, h in enumerate(s.horizon_days):
                acc_rows.append(
                    {
                        "queue_id": queue_id,
                        "method": s.method,
                        "horizon_days": int(h),
                        "scored_days": int(s.scored_days[i]),
                        "actual_offered": float(s.actual[i]),
                        "abs_error": float(s.abs_error[i]),
                        "abs_error_daily": float(s.abs_error_daily[i]),
                        "wape": float(s.wape[i]),
                        "wape_daily": float(s.wape_daily[i]),
                        "is_selected": s.method == method,
                    }
                )

        # future: origin = last day, horizons 1..horizon_days
        fut_days = days[-1] + pd.to_timedelta(np.arange(1, horizon_days + 1), unit="D")
        fut = {m: f[D - 1, :horizon_days] for m, f in F.items()}
        frames.append(
            _rows(
                queue_id,
                "forecast",
                fut_days,
                np.arange(1, horizon_days + 1),
                days[-1],
                fut,
                aht[D - 1, :horizon_days],
                method,
                slots_per_day,
                q_hol,
            )
        )
        # past: the forecast made lead_days before each day
        if D > lead_days:
            past_days = days[lead_days:]
            past = {m: f[: D - lead_days, lead_days - 1] for m, f in F.items()}
            frames.append(
                _rows(
                    queue_id,
                    "backtest",
                    past_days,
                    np.full(D - lead_days, lead_days),
                    past_days - pd.Timedelta(days=lead_days),
                    past,
                    aht[: D - lead_days, lead_days - 1],
                    method,
                    slots_per_day,
                    q_hol,
                )
            )
    intervals = pd.concat(frames, ignore_index=True) if frames else _empty_intervals()
    return ForecastResult(
        intervals=intervals,
        accuracy=pd.DataFrame(acc_rows, columns=_ACC_COLUMNS),
        selection=pd.DataFrame(sel_rows, columns=["queue_id", "method", "reason", "history_days"]),
    )


_ACC_COLUMNS = [
    "queue_id",
    "method",
    "horizon_days",
    "scored_days",
    "actual_offered",
    "abs_error",
    "abs_error_daily",
    "wape",
    "wape_daily",
    "is_selected",
]
_INT_COLUMNS = [
    "queue_id",
    "forecast_date",
    "slot",
    "kind",
    "origin_date",
    "horizon_days",
    "method",
    "offered_forecast",
    "offered_seasonal_baseline",
    "offered_holt_winters",
    "aht_forecast_seconds",
    "is_holiday",
]


def _empty_intervals() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in _INT_COLUMNS})


def _rows(queue_id, kind, target_days, horizons, origins, fc, aht, method, slots, q_hol):
    n = len(target_days)
    rep = lambda x: np.repeat(np.asarray(x), slots)  # noqa: E731
    base = np.asarray(fc["seasonal_baseline"]).reshape(-1)
    hw = np.asarray(fc["holt_winters"]).reshape(-1)
    chosen = base if method == "seasonal_baseline" else hw
    chosen = np.where(np.isnan(chosen), base, chosen)  # no smoothing state yet: the baseline
    origins = origins if isinstance(origins, pd.DatetimeIndex) else pd.DatetimeIndex([origins] * n)
    return pd.DataFrame(
        {
            "queue_id": queue_id,
            "forecast_date": rep(target_days.date),
            "slot": np.tile(np.arange(slots), n),
            "kind": kind,
            "origin_date": rep(origins.date),
            "horizon_days": rep(horizons).astype(np.int64),
            "method": method,
            "offered_forecast": chosen,
            "offered_seasonal_baseline": base,
            "offered_holt_winters": hw,
            "aht_forecast_seconds": np.asarray(aht).reshape(-1),
            "is_holiday": rep([d in q_hol for d in target_days]),
        }
    )
