"""Scheduled / staffed agents per queue x interval (capacity_sql) and the staffing table's rules
for intervals without a forecast and for unstable load (build_staffing_intervals).

Each test builds a tiny in-memory DuckDB with only the mart columns the code reads; expected
numbers are worked by hand (30-minute intervals: 1,800 agent-seconds = 1 agent).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.lib.forecast.pipeline import (
    StaffingSettings,
    build_staffing_intervals,
    capacity_sql,
)

D = date(2024, 3, 10)
T10 = datetime(2024, 3, 10, 10, 0)
T1030 = datetime(2024, 3, 10, 10, 30)


def _warehouse(segments=(), intervals=(), days=()) -> duckdb.DuckDBPyConnection:
    """main.fct_contact_segments / fct_agent_intervals / fct_agent_days with the columns used."""
    con = duckdb.connect()
    con.execute(
        "create table main.fct_contact_segments (agent_id varchar, queue_id varchar, "
        "answered_date date, handle_seconds bigint, is_answered boolean)"
    )
    con.execute(
        "create table main.fct_agent_intervals (agent_id varchar, interval_date date, "
        "interval_start_utc timestamp, scheduled_on_queue_seconds bigint, on_queue_seconds bigint)"
    )
    con.execute(
        "create table main.fct_agent_days (agent_id varchar, activity_date date, "
        "is_on_approved_leave boolean)"
    )
    # segments: (agent, queue, answered_date, handle_seconds); all answered
    for agent, queue, day, seconds in segments:
        con.execute(
            "insert into main.fct_contact_segments values (?, ?, ?, ?, true)",
            [agent, queue, day, seconds],
        )
    # intervals: (agent, interval_start_utc, scheduled seconds, on-queue seconds); local = UTC
    for agent, start, scheduled, on_queue in intervals:
        con.execute(
            "insert into main.fct_agent_intervals values (?, ?, ?, ?, ?)",
            [agent, start.date(), start, scheduled, on_queue],
        )
    for agent, day, on_leave in days:
        con.execute("insert into main.fct_agent_days values (?, ?, ?)", [agent, day, on_leave])
    return con


def _capacity(con, share_window_days: int = 7) -> dict[tuple[str, datetime], tuple]:
    df = con.execute(capacity_sql(30, share_window_days)).df()
    return {
        (r.queue_id, pd.Timestamp(r.interval_start_utc).to_pydatetime()): (
            r.scheduled_agents,
            r.staffed_agents,
            r.unallocated_staffed_agents,
        )
        for r in df.itertuples()
    }


def test_a_multi_skilled_agent_is_split_by_handle_share_over_the_trailing_window():
    # window of 7 days = D-6 .. D: Q1 600 s (on its first day) and Q2 1,200 s count, so the
    # shares are 1/3 and 2/3; Q3's 5,000 s on D-7 are just outside and get nothing
    con = _warehouse(
        segments=[
            ("A", "Q1", D - timedelta(days=6), 600),
            ("A", "Q2", D, 1200),
            ("A", "Q3", D - timedelta(days=7), 5000),
        ],
        intervals=[("A", T10, 1800, 900)],  # scheduled the whole interval, on queue half of it
    )
    cap = _capacity(con)
    assert set(cap) == {("Q1", T10), ("Q2", T10)}
    assert cap[("Q1", T10)] == pytest.approx((1 / 3, 1 / 6, 0.0))
    assert cap[("Q2", T10)] == pytest.approx((2 / 3, 1 / 3, 0.0))


def test_an_agent_without_handles_in_the_window_uses_the_share_over_all_their_history():
    # no contact in D-6 .. D; lifetime: Q1 300 s, Q3 900 s -> shares 1/4 and 3/4
    con = _warehouse(
        segments=[
            ("B", "Q1", D - timedelta(days=30), 300),
            ("B", "Q3", D - timedelta(days=20), 900),
        ],
        intervals=[("B", T10, 1800, 1800)],
    )
    cap = _capacity(con)
    assert set(cap) == {("Q1", T10), ("Q3", T10)}
    assert cap[("Q1", T10)] == pytest.approx((0.25, 0.25, 0.0))
    assert cap[("Q3", T10)] == pytest.approx((0.75, 0.75, 0.0))


def test_an_agent_who_never_handled_a_contact_is_counted_as_unallocated():
    # C is on queue 1,200 s but has no handle share: 2/3 of an agent unallocated in the
    # interval (repeated on each queue row of it), and none of C's time reaches a queue
    con = _warehouse(
        segments=[("A", "Q1", D, 600), ("A", "Q2", D, 1200)],
        intervals=[("A", T10, 1800, 1800), ("C", T10, 1800, 1200)],
    )
    cap = _capacity(con)
    assert cap[("Q1", T10)] == pytest.approx((1 / 3, 1 / 3, 2 / 3))
    assert cap[("Q2", T10)] == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert sum(v[1] for v in cap.values()) == pytest.approx(1.0)  # only A is staffed on queues


def test_scheduled_seconds_are_zero_on_an_approved_leave_day():
    # same schedule on two days; D is inside an approved leave request, D+1 has no agent-day row
    # (counts as not on leave). Staffed time is what the agent states say, leave or not.
    nxt = T1030 + timedelta(days=1)
    con = _warehouse(
        segments=[("L", "Q2", D - timedelta(days=1), 500)],
        intervals=[("L", T1030, 1800, 300), ("L", nxt, 1800, 0)],
        days=[("L", D, True)],
    )
    cap = _capacity(con)
    assert cap[("Q2", T1030)] == pytest.approx((0.0, 300 / 1800, 0.0))
    assert cap[("Q2", nxt)] == pytest.approx((1.0, 0.0, 0.0))


# --- build_staffing_intervals: no forecast, unstable load -----------------------------------------

FUTURE = T10 + timedelta(days=1)


def _queue_interval(start: datetime) -> dict:
    # 100 offered at AHT 180 s in 30 minutes = 10 Erlangs; Erlang C needs 14 agents for 80% in
    # 20 s with an 85% occupancy cap (METRICS.md worked example 1). Realised SL 50%: missed.
    return {
        "queue_id": "Q1",
        "site_id": "S1",
        "interval_start_utc": start,
        "interval_start_local": start,
        "interval_date": start.date(),
        "interval_minutes": 30,
        "offered": 100,
        "answered": 90,
        "abandoned": 10,
        "handled": 90,
        "handle_seconds": 90 * 180,
        "answered_within_threshold": 50,
        "answered_wait_seconds": 90 * 30,
        "abandoned_wait_seconds": 10 * 60,
        "sl_numerator": 50,
        "sl_denominator": 100,
        "sl_threshold_seconds": 20,
        "sl_target_pct": 80.0,
    }


@pytest.fixture
def staffing() -> pd.DataFrame:
    """Q1: 10:00 has a forecast, 10:30 has none (a first-week interval), tomorrow 10:00 is the
    forecast horizon. 12 agents handle only Q1: all 12 scheduled in both past intervals, 8 on
    queue at 10:00 and 12 at 10:30; 9 scheduled tomorrow."""
    agents = [f"A{i:02d}" for i in range(12)]
    intervals = [(a, T10, 1800, 1800 if i < 8 else 0) for i, a in enumerate(agents)]
    intervals += [(a, T1030, 1800, 1800) for a in agents]
    intervals += [(a, FUTURE, 1800, 0) for a in agents[:9]]
    con = _warehouse(segments=[(a, "Q1", D, 300) for a in agents], intervals=intervals)
    qi = pd.DataFrame([_queue_interval(T10), _queue_interval(T1030)])
    con.register("_qi", qi)
    con.execute("create table main.fct_queue_intervals as select * from _qi")
    con.execute(
        "create table main.dim_queues as select 'Q1' as queue_id, 'S1' as site_id, "
        "20 as sl_threshold_seconds, 80.0 as sl_target_pct"
    )
    forecast = pd.DataFrame(
        {
            "queue_id": ["Q1", "Q1"],
            "interval_start_utc": [T10, FUTURE],
            "interval_start_local": [T10, FUTURE],
            "interval_date": [D, FUTURE.date()],
            "kind": ["backtest", "forecast"],
            "method": ["seasonal_baseline"] * 2,
            "offered_forecast": [100.0, 100.0],
            "aht_forecast_seconds": [180.0, 180.0],
        }
    )
    df = build_staffing_intervals(con, forecast, StaffingSettings())
    return df.set_index("interval_start_utc")


FORECAST_BASED = [
    "required_agents_forecast_erlang_c",
    "required_agents_forecast_erlang_a",
    "required_positions_forecast",
    "traffic_forecast_erlangs",
    "gap_scheduled_agents",
    "gap_scheduled_hours",
    "required_hours_forecast",
    "sl_model_plan",
    "contribution_headroom",
    "contribution_volume",
    "contribution_aht",
    "contribution_planning",
    "contribution_adherence",
    "contribution_residual",
]


def test_an_interval_with_a_forecast_gets_the_plan_gap_and_root_cause(staffing):
    row = staffing.loc[T10]
    assert row["has_forecast"] and row["kind"] == "actual"
    assert row["required_agents_forecast_erlang_c"] == 14
    assert row["required_positions_forecast"] == 20  # ceil(14 / 0.7)
    assert row["scheduled_agents"] == pytest.approx(12)
    assert row["staffed_agents"] == pytest.approx(8)
    assert row["gap_scheduled_agents"] == pytest.approx(-2) and row["gap_scheduled_hours"] == -1
    assert row["gap_staffed_agents"] == pytest.approx(8 - 14)
    assert row["is_missed"] and not np.isnan(row["contribution_residual"])


def test_an_interval_without_a_forecast_has_null_plan_columns_and_is_not_attributed(staffing):
    row = staffing.loc[T1030]
    assert not row["has_forecast"] and row["kind"] == "actual"
    assert np.isnan(row["offered_forecast"])
    for col in FORECAST_BASED:
        assert np.isnan(row[col]), col  # null, not a requirement for "0 contacts"
    assert pd.isna(row["is_unstable_at_scheduled"])
    # still a missed interval, and everything from the actuals is computed
    assert row["is_missed"]
    assert row["traffic_actual_erlangs"] == pytest.approx(10)
    assert row["required_agents_actual_erlang_c"] == 14
    assert row["gap_staffed_agents"] == pytest.approx(12 - 14)
    assert row["gap_staffed_hours"] == pytest.approx(-1)
    assert row["scheduled_hours"] == pytest.approx(6)
    assert row["sl_model_actual"] == pytest.approx(row["sl_erlang_a_at_staffed"])


def test_unstable_load_is_flagged_at_staffed_and_at_scheduled_agents(staffing):
    # 10:00: 8 staffed <= 10 Erlangs offered (unstable), 12 scheduled > 10 forecast (stable)
    assert bool(staffing.loc[T10, "is_unstable_at_staffed"])
    assert not staffing.loc[T10, "is_unstable_at_scheduled"]
    assert np.isnan(staffing.loc[T10, "sl_erlang_c_at_staffed"])  # Erlang C has no SL there
    # 10:30: 12 staffed > 10 Erlangs; no forecast, so nothing to say about the schedule
    assert not staffing.loc[T1030, "is_unstable_at_staffed"]
    assert pd.isna(staffing.loc[T1030, "is_unstable_at_scheduled"])
    # tomorrow: 9 scheduled <= 10 forecast Erlangs; no actuals yet
    future = staffing.loc[FUTURE]
    assert future["kind"] == "forecast" and future["has_forecast"]
    assert bool(future["is_unstable_at_scheduled"]) and pd.isna(future["is_unstable_at_staffed"])
    assert future["gap_scheduled_agents"] == pytest.approx(9 - 14)
