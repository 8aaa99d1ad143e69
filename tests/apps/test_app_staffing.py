"""AppTest of the Staffing page on the app fixture snapshot plus staffing tables computed from it.

The staffing tables are produced by the real pipeline functions (forecast, Erlang staffing, root
cause) over the fixture's queue intervals; the fixture has no agent data, so agent marts are
empty temp tables (scheduled and staffed agents are zero: every interval is short).
"""

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from orchestration.lib.forecast.pipeline import (
    ForecastSettings,
    build_forecast,
    build_staffing_intervals,
    forecast_scores,
)

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")

try:  # the app gained a sign-in (issue 6); sign a director in when the helper exists
    from tests.apps.auth_helpers import sign_in
except ImportError:  # pragma: no cover - app without sign-in

    def sign_in(at, role="director"):
        return at


def _app() -> AppTest:
    return sign_in(AppTest.from_file(APP, default_timeout=90))


PARTS = ("headroom", "volume", "aht", "planning", "adherence", "residual")


def _rollup(df: pd.DataFrame, period: str) -> pd.DataFrame:
    """The dbt macro sl_root_cause_rollup in pandas: counts over every interval with contacts,
    sums over the attributed ones (those with a forecast)."""
    d = df[(df["kind"] == "actual") & (df["sl_denominator"] > 0)].copy()
    d["period"] = pd.to_datetime(d["interval_date"])
    if period == "week":
        d["period"] = d["period"] - pd.to_timedelta(d["period"].dt.weekday, unit="D")
    attributed = d["contribution_residual"].notna()
    d["attributed"] = attributed.astype(int)
    d["missed"] = d["is_missed"].astype(int)
    d["missed_without_forecast"] = (d["is_missed"] & ~d["has_forecast"]).astype(int)
    d["sl_target_weighted"] = d["sl_target"] * d["sl_denominator"]
    for p in PARTS:
        d[f"contribution_{p}_weighted"] = d[f"contribution_{p}"] * d["sl_denominator"]
    sums = [
        "offered",
        "offered_forecast",
        "sl_numerator",
        "sl_denominator",
        "sl_target_weighted",
        "gap_scheduled_hours",
        "gap_staffed_hours",
        *(f"contribution_{p}_weighted" for p in PARTS),
    ]
    d.loc[~attributed, sums] = float("nan")
    g = d.groupby(["queue_id", "period"], as_index=False).agg(
        intervals_with_contacts=("queue_id", "size"),
        intervals_missed=("missed", "sum"),
        intervals_attributed=("attributed", "sum"),
        intervals_missed_without_forecast=("missed_without_forecast", "sum"),
    )
    g = g.merge(
        d.groupby(["queue_id", "period"])[sums].sum(min_count=1).reset_index(),
        on=["queue_id", "period"],
    )
    g = g.rename(columns={"period": f"{period}_start"})
    g[f"{period}_start"] = g[f"{period}_start"].dt.date
    return g


@pytest.fixture
def staffing_env(serving_env):
    con = duckdb.connect(str(serving_env.path))
    try:
        fc, acc, sel = build_forecast(con, ForecastSettings(min_scored_days=3))
        con.execute(
            "create temp table fct_agent_intervals (agent_id varchar, interval_date date, "
            "interval_start_utc timestamp, scheduled_on_queue_seconds bigint, on_queue_seconds bigint)"
        )
        con.execute(
            "create temp table fct_agent_days (agent_id varchar, activity_date date, is_on_approved_leave boolean)"
        )
        con.execute(
            "create temp table fct_contact_segments (agent_id varchar, queue_id varchar, answered_date date, "
            "handle_seconds bigint, is_answered boolean)"
        )
        staffing = build_staffing_intervals(con, fc)
        for name, frame in (
            ("fct_forecast_intervals", fc),
            ("fct_forecast_accuracy", forecast_scores(acc, sel)),
            ("fct_staffing_intervals", staffing),
            ("rpt_sl_root_cause_daily", _rollup(staffing, "day")),
            ("rpt_sl_root_cause_weekly", _rollup(staffing, "week")),
        ):
            con.register("_f", frame.replace([float("inf")], float("nan")))
            con.execute(f"create or replace table main.{name} as select * from _f")
            con.unregister("_f")
    finally:
        con.close()
    return serving_env, staffing


def test_staffing_page_renders_heat_map_waterfall_forecast_and_calculator(staffing_env):
    env, staffing = staffing_env
    at = _app().run()
    assert not at.exception
    at.switch_page("app_pages/staffing.py").run()
    assert not at.exception, at.exception
    assert len(at.tabs) == 4
    metrics = {m.label: m.value for m in at.metric}
    # calculator defaults = METRICS.md worked example 1
    assert metrics["Required agents"] == "14" and metrics["Positions"] == "20"
    assert (
        metrics["Service level"] == "88.8%"
        and metrics["ASA"] == "7.8 s"
        and metrics["Occupancy"] == "71.4%"
    )
    text = " ".join(str(m.value) for m in at.markdown)
    assert "against a target of" in text
    # no Plotly toolbar over the charts (it covered the heat map's colour scale), as on the
    # other pages; the heat map says its intervals are in each site's local time
    import json

    import plotly.io as pio

    charts = at.get("plotly_chart")
    assert charts and all(json.loads(c.proto.config).get("displayModeBar") is False for c in charts)
    heat = pio.from_json(charts[0].proto.spec, skip_invalid=True)
    assert heat.data[0].type == "heatmap"
    assert heat.layout.xaxis.title.text == "Interval start (site local time)"


def test_root_cause_of_the_day_adds_up_to_the_realised_gap(staffing_env):
    env, staffing = staffing_env
    from apps.queries import staffing as q
    from apps.queries.filters import ServiceFilters

    con = duckdb.connect(str(env.path), read_only=True)
    day = env.last_day
    rc = q.root_cause_daily(con, ServiceFilters(day, day), day, day)
    row = rc.iloc[0]
    total = sum(row[f"contribution_{p}"] for p in PARTS)
    assert total == pytest.approx(row["sl_realised"] - row["sl_target"], abs=1e-9)
    # no agents in the fixture: the whole plan is missing, so planning pulls SL down
    assert row["contribution_planning"] < 0
    con.close()


def test_staffing_page_says_so_when_the_snapshot_has_no_staffing_tables(serving_env):
    con = duckdb.connect(str(serving_env.path))
    con.execute("drop table if exists main.fct_staffing_intervals")
    con.close()
    at = _app().run()
    at.switch_page("app_pages/staffing.py").run()
    assert not at.exception
    assert any("No staffing data" in i.value for i in at.info)


def test_first_days_without_a_forecast_are_blank_in_the_gap_and_not_attributed(staffing_env):
    env, staffing = staffing_env
    first = env.first_day
    day0 = staffing[(staffing["interval_date"] == first) & (staffing["kind"] == "actual")]
    assert len(day0) and not day0["has_forecast"].any()
    assert day0["gap_scheduled_agents"].isna().all() and day0["contribution_residual"].isna().all()
    at = _app().run()
    at.switch_page("app_pages/staffing.py").run()
    at.date_input(key="staffing_gap_day").set_value(first)
    at.date_input(key="staffing_cause_day").set_value(first)
    at.run()
    assert not at.exception, at.exception
    assert any("have no forecast" in c.value for c in at.caption)
    with_contacts = day0[day0["offered"] > 0]
    missed = int(with_contacts["is_missed"].sum())
    assert missed > 0
    assert any(
        "No forecast for this day" in i.value and f"{missed} of {len(with_contacts)}" in i.value
        for i in at.info
    )


def test_every_chart_and_table_offers_definitions_and_a_csv(staffing_env):
    from tests.apps.apptest_helpers import toolbars, traces

    env, staffing = staffing_env
    at = _app().run()
    at.switch_page("app_pages/staffing.py").run()
    assert not at.exception, at.exception
    day = at.date_input(key="staffing_gap_day").value
    assert at.date_input(key="staffing_cause_day").value == day
    con = duckdb.connect(str(env.path), read_only=True)
    try:

        def count(sql, params=()):
            return con.execute(sql, list(params)).fetchone()[0]

        intervals = count(
            "select count(*) from fct_staffing_intervals where interval_date = ?", [day]
        )
        queues = count(
            "select count(distinct queue_id) from fct_staffing_intervals where interval_date = ?",
            [day],
        )
        cause_queues = count(
            "select count(*) from rpt_sl_root_cause_daily where day_start = ? and sl_denominator > 0",
            [day],
        )
        week_from = day - pd.Timedelta(weeks=8)
        weeks = count(
            "select count(distinct week_start) from rpt_sl_root_cause_weekly "
            "where week_start between ? and ? and sl_denominator > 0",
            [week_from, day],
        )
        first_actual, last_actual, last_forecast = con.execute(
            "select min(interval_date) filter (where kind = 'actual'), "
            "max(interval_date) filter (where kind = 'actual'), max(interval_date) "
            "from fct_staffing_intervals"
        ).fetchone()
        fc_start = max(first_actual, last_actual - pd.Timedelta(days=13))
        forecast_rows = count(
            "select count(distinct interval_start_local) from fct_forecast_intervals "
            "where interval_date between ? and ?",
            [fc_start, last_forecast],
        )
        backtest_rows = count("select count(*) from fct_forecast_accuracy")
    finally:
        con.close()
    assert min(intervals, queues, cause_queues, weeks, forecast_rows, backtest_rows) > 0
    curve_rows = len(traces(at, 3)[0]["x"])

    def csv(name, rows):
        return f"Download the data of “{name}” as CSV ({rows:,} rows)"

    sl = {"service_level", "service_level_target"}
    assert toolbars(at) == [
        # Gap heat map (default measure: the planning gap) and the gap hours per queue.
        (
            csv(f"staffing gap heat map {day} gap_scheduled_agents", intervals),
            {"staffing_gap_agents"},
        ),
        (
            csv(f"staffing gap hours by queue {day}", queues),
            {"staffing_gap_hours", "staffing_realised_gap_hours"},
        ),
        # Root cause: the waterfall (the day), by queue, weekly.
        (csv(f"staffing root cause {day}", 1), sl),
        (
            csv(f"staffing root cause by queue {day}", cause_queues),
            {"offered_contacts", "forecast_offered_contacts", *sl},
        ),
        (csv(f"staffing root cause weekly {week_from} to {day}", weeks), sl),
        # Forecast vs actual and the backtest accuracy.
        (
            csv(f"staffing forecast vs actual {fc_start} to {last_forecast}", forecast_rows),
            {"offered_contacts", "forecast_offered_contacts"},
        ),
        (csv("staffing forecast backtest accuracy", backtest_rows), {"forecast_wape"}),
        # Erlang what-if: the curve it draws.
        (csv("staffing erlang what-if curve", curve_rows), {"service_level", "required_agents"}),
    ]
    # Switching the heat map's measure switches its CSV column and definition.
    at.selectbox(key="staffing_gap_measure").set_value("Staffed agents").run()
    assert toolbars(at)[0] == (
        csv(f"staffing gap heat map {day} staffed_agents", intervals),
        {"staffed_agents"},
    )
    # Table formats: one decimal for agents / hours, percent with one decimal.
    formats = [df.proto.columns for df in at.dataframe]
    assert '"%.1f"' in formats[0]
    assert all('"%.1f%%"' in c for c in formats[1:])
