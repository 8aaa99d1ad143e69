"""Service-level root cause: Shapley attribution over Erlang A sums to the gap and isolates causes;
the validation of the Erlang SL predictions it rests on (orchestration.lib.forecast.validate)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orchestration.lib.forecast.rootcause import (
    FACTORS,
    attribute_service_level,
    shapley,
    sl_erlang_a,
    sl_erlang_c,
)
from orchestration.lib.forecast.validate import validate
from orchestration.lib.staffing import erlang_a

BASE = dict(
    target_sl=0.8,
    forecast_contacts=100.0,
    actual_contacts=100.0,
    forecast_aht_seconds=180.0,
    actual_aht_seconds=180.0,
    required_agents=14.0,
    scheduled_agents=14.0,
    staffed_agents=14.0,
    interval_seconds=1800.0,
    threshold_seconds=20.0,
    patience_seconds=300.0,
)


def _parts(**over):
    kw = {**BASE, **over}
    kw.setdefault("realised_sl", 0.7)
    return attribute_service_level(**kw)


def _contrib(p):
    return {f: float(p[f"contribution_{f}"]) for f in FACTORS}


def test_contributions_sum_to_realised_minus_target():
    rng = np.random.default_rng(1)
    n = 500
    p = attribute_service_level(
        target_sl=0.8,
        realised_sl=rng.uniform(0.2, 1, n),
        forecast_contacts=rng.uniform(10, 200, n),
        actual_contacts=rng.uniform(10, 200, n),
        forecast_aht_seconds=rng.uniform(120, 400, n),
        actual_aht_seconds=rng.uniform(120, 400, n),
        required_agents=rng.integers(5, 40, n),
        scheduled_agents=rng.uniform(3, 40, n),
        staffed_agents=rng.uniform(2, 40, n),
        interval_seconds=1800,
        threshold_seconds=20,
        patience_seconds=rng.uniform(60, 600, n),
    )
    total = sum(p[f"contribution_{k}"] for k in ("headroom", *FACTORS, "residual"))
    np.testing.assert_allclose(
        total, p_realised := p["sl_model_actual"] + p["contribution_residual"] - 0.8, atol=1e-12
    )
    assert np.all(np.isfinite(total)) and p_realised.shape == (n,)


def test_only_volume_differs_attributes_everything_to_volume():
    p = _parts(actual_contacts=130.0)
    c = _contrib(p)
    assert c["volume"] < -0.05
    assert (
        c["aht"] == pytest.approx(0)
        and c["planning"] == pytest.approx(0)
        and c["adherence"] == pytest.approx(0)
    )
    assert float(p["sl_model_plan"] + c["volume"]) == pytest.approx(float(p["sl_model_actual"]))


def test_only_handle_time_differs_attributes_everything_to_aht():
    c = _contrib(_parts(actual_aht_seconds=220.0))
    assert c["aht"] < 0 and all(
        c[k] == pytest.approx(0) for k in ("volume", "planning", "adherence")
    )


def test_staffed_below_scheduled_is_adherence_and_scheduled_below_required_is_planning():
    c = _contrib(_parts(staffed_agents=11.5))
    assert c["adherence"] < 0 and all(
        c[k] == pytest.approx(0) for k in ("volume", "aht", "planning")
    )
    c = _contrib(_parts(scheduled_agents=12.0, staffed_agents=12.0))
    assert c["planning"] < 0 and all(
        c[k] == pytest.approx(0) for k in ("volume", "aht", "adherence")
    )


def test_plan_model_reproduces_the_public_erlang_a_example_and_residual_closes_the_gap():
    p = _parts(realised_sl=0.70)
    assert float(p["sl_model_plan"]) == pytest.approx(0.916792, abs=1e-6)  # METRICS.md example 2
    assert float(p["contribution_headroom"]) == pytest.approx(0.916792 - 0.8, abs=1e-6)
    assert float(p["contribution_residual"]) == pytest.approx(0.70 - 0.916792, abs=1e-6)


def test_shapley_is_order_free_for_an_interaction():
    # f(S) = 1 if both factors 0 and 1 are on: the interaction is split equally
    vals = shapley(lambda s: np.array(1.0 if {0, 1} <= s else 0.0), 2)
    assert [float(v) for v in vals] == [0.5, 0.5]


def test_fractional_agents_interpolate_between_whole_agents():
    lo = erlang_a(13, 10.0, 180.0, 300.0, 20.0).service_level
    hi = erlang_a(14, 10.0, 180.0, 300.0, 20.0).service_level
    mid = sl_erlang_a(13.25, 100, 180, 1800, 20, 300)
    assert float(mid) == pytest.approx(0.75 * lo + 0.25 * hi)


def test_erlang_c_is_unstable_at_or_below_the_traffic_and_erlang_a_is_not():
    assert np.isnan(sl_erlang_c(10.0, 100, 180, 1800, 20))
    assert 0 < float(sl_erlang_a(10.0, 100, 180, 1800, 20, 300)) < 1
    assert float(sl_erlang_a(5.0, 0, 180, 1800, 20, 300)) == 1.0  # no contacts: nothing missed


def test_validation_scores_erlang_c_on_stable_intervals_and_erlang_a_on_all_offered_weighted():
    day = "2024-03-10"
    rows = [
        # kind, offered, staffed, realised, Erlang C, Erlang A
        ("actual", 10, 5, 0.8, 0.7, 0.9),
        ("actual", 30, 5, 0.6, np.nan, 0.5),  # unstable for Erlang C: left out of its errors
        ("actual", 2, 5, 0.1, 0.9, 0.9),  # fewer than min_offered: not scored
        ("actual", 10, 0, 0.0, 0.9, 0.9),  # nobody staffed: not scored
        ("forecast", np.nan, 0, np.nan, np.nan, np.nan),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "kind",
            "offered",
            "staffed_agents",
            "sl_answered_within_threshold_of_offered",
            "sl_erlang_c_at_staffed",
            "sl_erlang_a_at_staffed",
        ],
    ).assign(queue_id="Q1", interval_date=day)
    out = validate(df, min_offered=5).set_index(["model", "intervals"])
    assert out.attrs == {"erlang_c_unstable_intervals": 1, "scored_intervals": 2}
    c = out.loc[("Erlang C", "stable intervals (agents > traffic)")]
    assert (c["n_intervals"], c["interval_mae_pp"], c["interval_bias_pp"]) == (1, 10.0, -10.0)
    a = out.loc[("Erlang A", "all intervals")]
    # intervals: +10 pp (weight 10) and -10 pp (weight 30): MAE 10, bias (100 - 300) / 40 = -5
    assert (a["n_intervals"], a["interval_mae_pp"], a["interval_bias_pp"]) == (2, 10.0, -5.0)
    # the day: predicted (9 + 15) / 40 = 60% vs realised (8 + 18) / 40 = 65%
    assert (a["queue_day_mae_pp"], a["queue_day_bias_pp"]) == (5.0, -5.0)
