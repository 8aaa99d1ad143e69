"""Forecast methods, backtest WAPE and method selection on synthetic series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orchestration.lib.forecast import (
    holt_winters,
    holt_winters_daily,
    run_forecast,
    score_backtest,
    seasonal_aht,
    seasonal_baseline,
    select_method,
    wape,
)

SLOTS = 4


def _weekly(days: int, level: float = 100.0, trend: float = 0.0) -> np.ndarray:
    weekday = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.4, 0.3])
    profile = np.array([0.1, 0.4, 0.3, 0.2])
    daily = (level + trend * np.arange(days)) * weekday[np.arange(days) % 7]
    return daily[:, None] * profile[None, :]


def test_wape_is_pooled_absolute_error_over_actuals():
    assert wape([10, 0, 30], [12, 1, 27]) == pytest.approx((2 + 1 + 3) / 40)
    assert np.isnan(wape([0, 0], [1, 1]))


def test_seasonal_baseline_repeats_a_pure_weekly_pattern_exactly():
    Y = _weekly(35)
    F = seasonal_baseline(Y, horizon=14, weeks=4)
    # from origin 27 (4 full weeks) every horizon is the same weekday's value
    for h in range(1, 15):
        np.testing.assert_allclose(F[27, h - 1], Y[27 + h - 7 * -(-h // 7)])


def test_seasonal_baseline_averages_the_last_weeks_and_skips_holidays():
    Y = np.zeros((21, 1))
    Y[0], Y[7], Y[14] = 10.0, 20.0, 60.0
    F = seasonal_baseline(Y, horizon=7, weeks=2)
    assert F[20, 0] == pytest.approx((20 + 60) / 2)  # day 21: same weekday 14 and 7
    Y[14] = np.nan  # holiday: not learnt from
    F = seasonal_baseline(Y, horizon=7, weeks=2)
    assert F[20, 0] == pytest.approx(20.0)


def test_holt_winters_recovers_a_linear_trend_with_weekly_season():
    t = np.arange(84)
    y = (
        100.0 + 1.0 * t + np.array([30, 10, 0, 0, -10, -15, -15])[t % 7]
    )  # additive: the model's form
    f = holt_winters_daily(y, horizon=7)
    err = np.abs(f[76, :] - y[77:84]) / y[77:84]
    assert err.max() < 0.03


def test_holt_winters_beats_the_baseline_on_a_trend_and_the_backtest_selects_it():
    Y = _weekly(84, level=100, trend=1.5)
    F = {"seasonal_baseline": seasonal_baseline(Y, 14), "holt_winters": holt_winters(Y, 14)}
    scores = score_backtest(Y, F)
    by = {s.method: s for s in scores}
    assert by["holt_winters"].wape[0] < by["seasonal_baseline"].wape[0]
    method, reason = select_method(scores, "seasonal_baseline")
    assert method == "holt_winters" and "WAPE" in reason


def test_selection_keeps_the_baseline_without_enough_history():
    Y = _weekly(20)
    F = {"seasonal_baseline": seasonal_baseline(Y, 14), "holt_winters": holt_winters(Y, 14)}
    method, reason = select_method(score_backtest(Y, F), "seasonal_baseline", min_scored_days=30)
    assert method == "seasonal_baseline" and "insufficient" in reason


def test_backtest_scores_both_methods_on_the_same_cells():
    Y = _weekly(42)
    F = {"seasonal_baseline": seasonal_baseline(Y, 3), "holt_winters": holt_winters(Y, 3)}
    s = score_backtest(Y, F)
    np.testing.assert_array_equal(s[0].scored_days, s[1].scored_days)
    np.testing.assert_array_equal(s[0].actual, s[1].actual)
    # a pure weekly pattern: the baseline is exact once it has a week of history
    assert s[0].wape[0] == pytest.approx(0.0, abs=1e-12)


def test_seasonal_aht_is_handle_weighted_and_shrinks_sparse_slots_to_the_queue_mean():
    days = 28
    handled = np.tile([100.0, 1.0], (days, 1))
    handle = handled * np.array([200.0, 600.0])
    A = seasonal_aht(handle, handled, horizon=1, weeks=4, prior_contacts=10)
    queue_mean = handle.sum(axis=1)[0] / handled.sum(axis=1)[0]
    assert A[27, 0, 0] == pytest.approx((400 * 200 + 10 * queue_mean) / 410)
    assert abs(A[27, 0, 1] - queue_mean) < abs(600 - queue_mean)  # pulled towards the mean


def test_run_forecast_emits_future_and_backtest_rows_and_accuracy_per_horizon():
    Y = _weekly(42)
    rows = [
        {
            "queue_id": "q1",
            "forecast_date": pd.Timestamp("2026-01-05") + pd.Timedelta(days=d),
            "slot": s,
            "offered": Y[d, s],
            "handled": Y[d, s],
            "handle_seconds": 180 * Y[d, s],
        }
        for d in range(42)
        for s in range(SLOTS)
    ]
    holidays = pd.DataFrame(
        {"queue_id": ["q1"], "forecast_date": [pd.Timestamp("2026-02-16")]}
    )  # day 42 + 0: future
    res = run_forecast(
        pd.DataFrame(rows), holidays, slots_per_day=SLOTS, horizon_days=14, lead_days=7
    )
    fut = res.intervals[res.intervals["kind"] == "forecast"]
    assert len(fut) == 14 * SLOTS and fut["horizon_days"].min() == 1
    assert fut.loc[fut["forecast_date"] == pd.Timestamp("2026-02-16").date(), "is_holiday"].all()
    past = res.intervals[res.intervals["kind"] == "backtest"]
    assert (past["horizon_days"] == 7).all() and len(past) == (42 - 7) * SLOTS
    assert set(res.accuracy["horizon_days"]) == set(range(1, 15))
    assert res.accuracy.groupby("method")["is_selected"].all().sum() == 1
    np.testing.assert_allclose(fut["aht_forecast_seconds"], 180.0)
