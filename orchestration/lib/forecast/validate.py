"""Validate Erlang C and Erlang A against the simulator (or any history): predicted vs realised SL.

For every past queue x interval with at least ``--min-offered`` contacts and some staffed agents,
predict the service level from the realised volume, realised AHT and staffed agents (Erlang C;
Erlang A with the queue's patience estimated from its abandonment data) and compare with the
realised "answered within T / offered" (the definition both models compute: abandoners are
misses; Erlang C has no abandonment, so it is compared on the same definition). Errors are in
percentage points, offered-weighted: MAE and bias (predicted - realised), at the interval grain
and on queue x day totals. Erlang C is undefined where agents <= traffic: those intervals are
counted and left out of its errors (Erlang A is scored on both sets).

    uv run python -m orchestration.lib.forecast.validate <warehouse.duckdb> [--min-offered 5]

Reads the warehouse read-only and computes everything in memory (it does not need the staffing
models to have run).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from orchestration.lib.forecast.pipeline import build_forecast, build_staffing_intervals


def _errors(pred: np.ndarray, real: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    ok = ~(np.isnan(pred) | np.isnan(real))
    if not ok.any():
        return float("nan"), float("nan")
    d = (pred[ok] - real[ok]) * 100
    return float(np.average(np.abs(d), weights=w[ok])), float(np.average(d, weights=w[ok]))


def pooled_predictions(df: pd.DataFrame) -> pd.DataFrame:
    """Erlang C / A SL per queue x interval with all queues of the interval pooled into one group.

    Multi-skilled agents serve whichever queue needs them, so the queues of an interval behave
    more like one pooled M/M/N (+M) than like separate groups with fixed agent shares. Pooled
    traffic = sum of the queues' traffic, agents = all staffed agents (allocated + unallocated),
    AHT and patience = offered-weighted means; each queue keeps its own threshold T.
    """
    from orchestration.lib.forecast.rootcause import sl_erlang_a, sl_erlang_c

    a = df[df["kind"] == "actual"].copy()
    aht = a["aht_actual_seconds"].fillna(a["aht_forecast_seconds"])
    a["_work"] = a["offered"] * aht
    a["_pat_w"] = (
        np.where(np.isfinite(a["patience_seconds"]), a["patience_seconds"], np.nan) * a["offered"]
    )
    g = a.groupby("interval_start_utc")
    pool = pd.DataFrame(
        {
            "p_offered": g["offered"].sum(),
            "p_work": g["_work"].sum(),
            "p_agents": g["staffed_agents"].sum() + g["unallocated_staffed_agents"].max(),
            "p_pat": g["_pat_w"].sum() / g["offered"].sum(),
        }
    ).reset_index()
    a = a.merge(pool, on="interval_start_utc", how="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        p_aht = np.where(a["p_offered"] > 0, a["p_work"] / a["p_offered"], np.nan)
    ok = (a["p_offered"] > 0).to_numpy() & ~np.isnan(p_aht)
    minutes = float(a["interval_minutes"].iloc[0]) if len(a) else 30.0
    c = np.full(len(a), np.nan)
    e = np.full(len(a), np.nan)
    pat = a["p_pat"].fillna(np.inf).to_numpy(float)
    thr = a["sl_threshold_seconds"].to_numpy(float)
    c[ok] = sl_erlang_c(
        a["p_agents"].to_numpy(float)[ok],
        a["p_offered"].to_numpy(float)[ok],
        p_aht[ok],
        minutes * 60,
        thr[ok],
    )
    e[ok] = sl_erlang_a(
        a["p_agents"].to_numpy(float)[ok],
        a["p_offered"].to_numpy(float)[ok],
        p_aht[ok],
        minutes * 60,
        thr[ok],
        pat[ok],
    )
    a["sl_erlang_c_pooled"], a["sl_erlang_a_pooled"] = c, e
    return a[["queue_id", "interval_start_utc", "sl_erlang_c_pooled", "sl_erlang_a_pooled"]]


def validate(df: pd.DataFrame, min_offered: float = 5, pooled: bool = False) -> pd.DataFrame:
    a = df[
        (df["kind"] == "actual") & (df["offered"] >= min_offered) & (df["staffed_agents"] > 0)
    ].copy()
    if pooled:
        a = a.merge(pooled_predictions(df), on=["queue_id", "interval_start_utc"], how="left")
        a["sl_erlang_c_at_staffed"] = a["sl_erlang_c_pooled"]
        a["sl_erlang_a_at_staffed"] = a["sl_erlang_a_pooled"]
    real = a["sl_answered_within_threshold_of_offered"].to_numpy(float)
    w = a["offered"].to_numpy(float)
    c = a["sl_erlang_c_at_staffed"].to_numpy(float)
    ea = a["sl_erlang_a_at_staffed"].to_numpy(float)
    stable = ~np.isnan(c)
    rows = []
    for model, pred, mask, label in (
        ("Erlang C", c, stable, "stable intervals (agents > traffic)"),
        ("Erlang A", ea, stable, "stable intervals (agents > traffic)"),
        ("Erlang A", ea, np.ones_like(stable), "all intervals"),
    ):
        mae, bias = _errors(pred[mask], real[mask], w[mask])
        # queue x day: offered-weighted predicted SL vs realised SL of the day
        day = a[mask].assign(p=pred[mask] * w[mask], r=real[mask] * w[mask], w=w[mask])
        day = day[~np.isnan(day["p"])].groupby(["queue_id", "interval_date"])[["p", "r", "w"]].sum()
        dmae, dbias = _errors(
            (day["p"] / day["w"]).to_numpy(), (day["r"] / day["w"]).to_numpy(), day["w"].to_numpy()
        )
        rows.append(
            {
                "model": model,
                "intervals": label,
                "n_intervals": int(mask.sum()),
                "interval_mae_pp": round(mae, 1),
                "interval_bias_pp": round(bias, 1),
                "queue_day_mae_pp": round(dmae, 1),
                "queue_day_bias_pp": round(dbias, 1),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["erlang_c_unstable_intervals"] = int((~stable).sum())
    out.attrs["scored_intervals"] = int(len(a))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--min-offered", type=float, default=5)
    args = ap.parse_args(argv)
    con = duckdb.connect(str(args.warehouse), read_only=True)
    t0 = time.perf_counter()
    fc, acc, sel = build_forecast(con)
    t1 = time.perf_counter()
    df = build_staffing_intervals(con, fc)
    t2 = time.perf_counter()
    print(
        f"forecast: {len(fc)} rows in {t1 - t0:.2f}s; staffing + root cause: {len(df)} rows in {t2 - t1:.2f}s"
    )
    for pooled in (False, True):
        res = validate(df, args.min_offered, pooled=pooled)
        print(
            f"\n{'pooled: all queues of an interval as one agent group' if pooled else 'per queue: agents allocated by handle-time share'}"
        )
        print(
            f"scored intervals (offered >= {args.min_offered:g}, staffed > 0): {res.attrs['scored_intervals']}; "
            f"Erlang C unstable (agents <= traffic): {res.attrs['erlang_c_unstable_intervals']}"
        )
        print(res.to_markdown(index=False) if _tabulate() else res.to_string(index=False))
    pooled = acc.groupby("method")[["abs_error", "actual_offered"]].sum()
    print("\nbacktest interval WAPE (all queues, horizons 1-14):")
    print((pooled["abs_error"] / pooled["actual_offered"]).round(3).to_string())
    print("selected:", dict(zip(sel["queue_id"], sel["method"], strict=True)))


def _tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
