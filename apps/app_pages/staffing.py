"""Staffing: the gap between required, scheduled and staffed agents per queue x interval, why a
day missed its service level (root-cause waterfall), forecast against actuals and an Erlang
what-if calculator. Layout only: numbers come from apps.queries.staffing (docs/staffing.md); every
chart and table carries the catalog's definitions and a CSV (apps.components.metric_help.chart_toolbar)."""

from datetime import timedelta

import plotly.graph_objects as go
import streamlit as st

from apps.components.charts import PLOTLY_CONFIG, reference_line
from apps.components.filters import current_filters
from apps.components.metric_help import chart_toolbar
from apps.queries import staffing as q

# Table formats: agents and hours with one decimal, percentages with one decimal and a % sign,
# contributions in percentage points, contacts as whole numbers.
ONE = st.column_config.NumberColumn(format="%.1f")
PCT = st.column_config.NumberColumn(format="%.1f%%")
PP = st.column_config.NumberColumn(format="%+.1f")
COUNT = st.column_config.NumberColumn(format="%.0f")
# The heat map's measure -> its semantic-layer metric (sem_staffing.yml).
MEASURE_METRIC = {
    "gap_scheduled_agents": "staffing_gap_agents",
    "gap_staffed_agents": "staffing_realised_gap_agents",
    "required_agents": "required_agents",
    "scheduled_agents": "scheduled_agents",
    "staffed_agents": "staffed_agents",
}
SL_METRICS = ["service_level", "service_level_target"]
ROOT_CAUSE_NOTES = (
    "Contributions (pp): Shapley attribution of realised minus target service level over an "
    "Erlang A model (docs/staffing.md); they sum to the gap."
)


def header(title: str, df, name: str, metrics, *, key: str, notes: str = "") -> None:
    """A chart's or table's title with its toolbar (definitions + CSV) on the same row, so the
    toolbar costs no vertical space (as on the other pages)."""
    left, right = st.columns([4, 1.3], vertical_alignment="center")
    left.markdown(title)
    chart_toolbar(df, name, metrics, key=key, container=right, notes=notes)


f = current_filters()
st.markdown("## Staffing")

if not q.cached("has_staffing_data"):
    st.info(
        "No staffing data in the snapshot yet: the forecast and staffing models have not run. "
        "Run `make build` (or materialize the dbt assets and the snapshot in Dagster).",
        icon=":material/info:",
    )
    st.stop()

dates = q.cached("staffing_dates", f)
last_actual = dates["last_actual"]
if last_actual is None:
    st.info("No intervals with actuals for the selected queues.", icon=":material/info:")
    st.stop()

default_day = min(max(f.end_date, dates["first_actual"]), last_actual)
gap_tab, cause_tab, forecast_tab, calc_tab = st.tabs(
    ["Gap heat map", "Why did we miss?", "Forecast vs actual", "Erlang calculator"]
)

# --- gap heat map ------------------------------------------------------------------------------
with gap_tab:
    left, right = st.columns([1, 2])
    day = left.date_input(
        "Day",
        value=default_day,
        min_value=dates["first_actual"],
        max_value=dates["last_forecast"],
        key="staffing_gap_day",
    )
    measures = {
        "Planning gap: scheduled − required (forecast)": "gap_scheduled_agents",
        "Realised gap: staffed − required (actuals)": "gap_staffed_agents",
        "Required agents (forecast, Erlang C)": "required_agents",
        "Scheduled agents (net of leave)": "scheduled_agents",
        "Staffed agents": "staffed_agents",
    }
    label = right.selectbox("Measure", list(measures), key="staffing_gap_measure")
    df = q.cached("gap_intervals", f, day, day)
    if df.empty:
        st.caption("No intervals for this day.")
    else:
        col = measures[label]
        header(
            f"**{label}** · {day}",
            df[["queue_name", "interval_date", "interval_of_day", "kind", col]],
            f"staffing gap heat map {day} {col}",
            [MEASURE_METRIC[col]],
            key="staffing_gap_heat",
        )
        # min_count=1: an interval without a forecast (null required / planning gap) stays a
        # blank cell, not a 0 that would read as "no requirement" or a surplus
        grid = (
            df.groupby(["queue_name", "interval_of_day"])[col]
            .sum(min_count=1)
            .unstack("interval_of_day")
        )
        diverging = col.startswith("gap_")
        fig = go.Figure(
            go.Heatmap(
                z=grid.to_numpy(),
                x=list(grid.columns),
                y=list(grid.index),
                colorscale="RdBu" if diverging else "Blues",
                zmid=0 if diverging else None,
                colorbar={"title": "agents"},
                hovertemplate="%{y} %{x}: %{z:.1f}<extra></extra>",
            )
        )
        fig.update_layout(
            height=140 + 40 * len(grid.index),
            margin={"t": 10, "b": 10},
            xaxis_title="Interval start (site local time)",
        )
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)
        hours = (
            df.groupby("queue_name")[["gap_scheduled_hours", "gap_staffed_hours"]]
            .sum(min_count=1)
            .reset_index()
        )
        header(
            f"**Gap by queue** (agent hours) · {day}",
            hours,
            f"staffing gap hours by queue {day}",
            ["staffing_gap_hours", "staffing_realised_gap_hours"],
            key="staffing_gap_hours",
        )
        hours.columns = ["Queue", "Planning gap (agent hours)", "Realised gap (agent hours)"]
        st.dataframe(
            hours,
            hide_index=True,
            width="stretch",
            column_config={c: ONE for c in hours.columns[1:]},
        )
        no_forecast = int(df["offered_forecast"].isna().sum())
        if no_forecast:
            st.caption(
                f"{no_forecast} intervals have no forecast (the first days of history have no "
                "forecast made 7 days before them): required agents and the planning gap are "
                "blank there, not zero."
            )
        st.caption(
            "Multi-skilled agents count towards each queue by their share of handle time over "
            "the trailing 28 days. Negative = short of the requirement. Per-queue Erlang treats "
            "each queue as its own agent pool, so with cross-skilled agents it overstates the "
            "requirement (see docs/staffing.md); read the gaps as relative, not absolute."
        )

# --- root cause --------------------------------------------------------------------------------
with cause_tab:
    cday = st.date_input(
        "Day",
        value=default_day,
        min_value=dates["first_actual"],
        max_value=last_actual,
        key="staffing_cause_day",
    )
    rc = q.cached("root_cause_daily", f, cday, cday, False)
    # intervals of the day that missed but have no forecast: counted, never attributed
    day_df = q.cached("gap_intervals", f, cday, cday)
    with_contacts = day_df[(day_df["kind"] == "actual") & (day_df["offered"] > 0)]
    unattributed = with_contacts[with_contacts["offered_forecast"].isna()]
    n_unattributed_missed = int(unattributed["is_missed"].sum())
    if rc.empty and not unattributed.empty:
        st.info(
            f"No forecast for this day (the first days of history have no forecast made 7 days "
            f"before them), so there is nothing to attribute: {n_unattributed_missed} of "
            f"{len(unattributed)} intervals with contacts were below target.",
            icon=":material/info:",
        )
    elif rc.empty:
        st.caption("No contacts on this day.")
    else:
        row = rc.iloc[0]
        target, realised = float(row["sl_target"]), float(row["sl_realised"])
        steps = [float(row[f"contribution_{c}"]) * 100 for c in q.CONTRIBUTIONS]
        verdict = "missed" if realised < target else "met"
        header(
            f"Service level **{realised:.1%}** against a target of **{target:.1%}**: {verdict} by "
            f"**{abs(realised - target) * 100:.1f} pp** "
            f"({int(row['intervals_missed'])} of {int(row['intervals_with_contacts'])} intervals below target).",
            rc,
            f"staffing root cause {cday}",
            SL_METRICS,
            key="staffing_cause_waterfall",
            notes=ROOT_CAUSE_NOTES,
        )
        if n_unattributed_missed:
            st.caption(
                f"{n_unattributed_missed} of the missed intervals have no forecast: they are "
                "counted above but left out of the waterfall, which explains the intervals with "
                "a forecast."
            )
        fig = go.Figure(
            go.Waterfall(
                x=["Target", *[q.CONTRIBUTION_LABELS[c] for c in q.CONTRIBUTIONS], "Realised"],
                measure=["absolute", *["relative"] * len(steps), "total"],
                y=[target * 100, *steps, 0],
                text=[f"{target:.1%}", *[f"{s:+.1f} pp" for s in steps], f"{realised:.1%}"],
                textposition="outside",
            )
        )
        fig.update_layout(yaxis_title="service level (%)", height=420, margin={"t": 20})
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)
        st.caption(
            "Shapley attribution over an Erlang A model with each queue's estimated patience: "
            "each factor's effect averaged over every order of swapping plan for actual "
            "(volume, handle time, scheduled agents, staffed agents). Headroom = the plan's slack "
            "above target; residual = realised minus the model at the actuals. docs/staffing.md."
        )
        per_queue = q.cached("root_cause_daily", f, cday, cday, True)
        header(
            f"**By queue** · {cday}",
            per_queue,
            f"staffing root cause by queue {cday}",
            ["offered_contacts", "forecast_offered_contacts", *SL_METRICS],
            key="staffing_cause_queues",
            notes=ROOT_CAUSE_NOTES,
        )
        show = per_queue[
            [
                "queue_name",
                "offered",
                "offered_forecast",
                "sl_realised",
                "sl_target",
                *[f"contribution_{c}" for c in q.CONTRIBUTIONS],
            ]
        ].copy()
        for c in ["sl_realised", "sl_target", *[f"contribution_{c}" for c in q.CONTRIBUTIONS]]:
            show[c] = show[c] * 100
        pp_columns = {
            f"contribution_{c}": f"{q.CONTRIBUTION_LABELS[c]} (pp)" for c in q.CONTRIBUTIONS
        }
        show = show.rename(
            columns={
                "queue_name": "Queue",
                "offered": "Offered",
                "offered_forecast": "Forecast offered",
                "sl_realised": "Service level",
                "sl_target": "Target",
                **pp_columns,
            }
        )
        formats = {"Offered": COUNT, "Forecast offered": COUNT, "Service level": PCT, "Target": PCT}
        pp_formats = {c: PP for c in pp_columns.values()}
        st.dataframe(
            show, hide_index=True, width="stretch", column_config={**formats, **pp_formats}
        )
        wk_start = cday - timedelta(weeks=8)
        wk = q.cached("root_cause_weekly", f, wk_start, cday, False)
        header(
            f"**Weekly** · weeks from {wk_start} to {cday}",
            wk,
            f"staffing root cause weekly {wk_start} to {cday}",
            SL_METRICS,
            key="staffing_cause_weekly",
            notes=ROOT_CAUSE_NOTES,
        )
        wk_show = wk[
            [
                "period_start",
                "sl_realised",
                "sl_target",
                *[f"contribution_{c}" for c in q.CONTRIBUTIONS],
            ]
        ].copy()
        for c in wk_show.columns[1:]:
            wk_show[c] = wk_show[c] * 100
        wk_show = wk_show.rename(
            columns={
                "period_start": "Week",
                "sl_realised": "Service level",
                "sl_target": "Target",
                **pp_columns,
            }
        )
        st.dataframe(
            wk_show,
            hide_index=True,
            width="stretch",
            column_config={"Service level": PCT, "Target": PCT, **pp_formats},
        )

# --- forecast vs actual ------------------------------------------------------------------------
with forecast_tab:
    start = max(dates["first_actual"], last_actual - timedelta(days=13))
    fc = q.cached("forecast_vs_actual", f, start, dates["last_forecast"])
    if fc.empty:
        st.caption("No forecast rows.")
    else:
        header(
            f"**Offered contacts per interval: forecast vs actual** · {start} to "
            f"{dates['last_forecast']}",
            fc,
            f"staffing forecast vs actual {start} to {dates['last_forecast']}",
            ["offered_contacts", "forecast_offered_contacts"],
            key="staffing_forecast",
        )
        fig = go.Figure()
        fig.add_scatter(
            x=fc["interval_start_local"], y=fc["offered_actual"], name="Actual", mode="lines"
        )
        fig.add_scatter(
            x=fc["interval_start_local"],
            y=fc["offered_forecast"],
            name="Forecast (selected)",
            mode="lines",
            line={"dash": "dot"},
        )
        fig.update_layout(
            height=360,
            yaxis_title="contacts offered per interval",
            margin={"t": 20},
            legend={"orientation": "h"},
        )
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)
        st.caption(
            "Past days show the forecast made 7 days before the day (what the schedule was built "
            "on); after the last day of data, the current forecast for the next two weeks."
        )
    acc = q.cached("forecast_accuracy", f)
    if not acc.empty:
        pivot = acc.pivot_table(
            index=["queue_name", "method"], columns="horizon_days", values="wape"
        )
        pivot = pivot[[c for c in pivot.columns if c in (1, 7, 14)]] * 100
        pivot.columns = [f"WAPE h={c}d" for c in pivot.columns]
        sel = (
            acc[acc["is_selected"]].drop_duplicates("queue_name").set_index("queue_name")["method"]
        )
        pivot["selected"] = [sel.get(qn) == m for qn, m in pivot.index]
        header(
            "**Backtest accuracy** (interval WAPE by horizon)",
            acc,
            "staffing forecast backtest accuracy",
            ["forecast_wape"],
            key="staffing_backtest",
            notes="WAPE per horizon h: the forecast made h days before each scored day.",
        )
        pivot.index.names = ["Queue", "Method"]
        pivot = pivot.rename(columns={"selected": "Selected"})
        st.dataframe(pivot, width="stretch", column_config={c: PCT for c in pivot.columns[:-1]})

# --- Erlang calculator -------------------------------------------------------------------------
with calc_tab:
    patience_default = q.cached("default_patience_seconds", f) or 300.0
    c1, c2, c3, c4 = st.columns(4)
    contacts = c1.number_input(
        "Contacts per interval", 0.0, 100000.0, 100.0, step=5.0, key="staffing_calc_contacts"
    )
    aht = c2.number_input("AHT (seconds)", 1.0, 7200.0, 180.0, step=10.0, key="staffing_calc_aht")
    minutes = c3.selectbox("Interval (minutes)", [15, 30, 60], index=1, key="staffing_calc_minutes")
    threshold = c4.number_input(
        "SL threshold (seconds)", 0.0, 3600.0, 20.0, step=5.0, key="staffing_calc_threshold"
    )
    c5, c6, c7, c8 = st.columns(4)
    target = c5.number_input("SL target (%)", 1.0, 99.9, 80.0, step=1.0, key="staffing_calc_target")
    occ_cap = c6.number_input(
        "Max occupancy (%)", 1.0, 100.0, 85.0, step=1.0, key="staffing_calc_occupancy"
    )
    shrink = c7.number_input(
        "Shrinkage (%)", 0.0, 95.0, 30.0, step=1.0, key="staffing_calc_shrinkage"
    )
    patience = c8.number_input(
        "Mean patience (seconds, Erlang A)",
        1.0,
        100000.0,
        float(round(patience_default)),
        step=10.0,
        key="staffing_calc_patience",
    )
    w = q.erlang_what_if(
        contacts, aht, minutes, target / 100, threshold, occ_cap / 100, shrink / 100, patience
    )
    m = st.columns(6)
    m[0].metric("Traffic", f"{w.traffic_erlangs:.2f} Erl")
    m[1].metric(
        "Required agents", f"{w.required_agents}", help="Erlang C, target SL and occupancy cap"
    )
    m[2].metric("Positions", f"{w.positions}", help="required / (1 − shrinkage), rounded up")
    m[3].metric("Service level", f"{w.service_level:.1%}")
    m[4].metric("ASA", f"{w.asa_seconds:.1f} s")
    m[5].metric("Occupancy", f"{w.occupancy:.1%}")
    m2 = st.columns(6)
    m2[0].metric("P(wait)", f"{w.probability_wait:.1%}")
    m2[1].metric("Required (Erlang A)", f"{w.required_agents_erlang_a}")
    m2[2].metric(
        "SL (Erlang A)",
        f"{w.service_level_erlang_a:.1%}",
        help="at the Erlang C required agents; abandoners are misses",
    )
    m2[3].metric("P(abandon)", f"{w.probability_abandon:.1%}")
    m2[4].metric("ASA (Erlang A)", f"{w.asa_seconds_erlang_a:.1f} s")
    curve = w.curve
    header(
        "**Service level by agents** (Erlang C and A, the inputs above)",
        curve,
        "staffing erlang what-if curve",
        ["service_level", "required_agents"],
        key="staffing_calc_curve",
        notes="A model of the inputs above, not data: the catalog entries are what it estimates.",
    )
    fig = go.Figure()
    fig.add_scatter(
        x=curve["agents"], y=curve["sl_erlang_c"] * 100, name="Erlang C", mode="lines+markers"
    )
    fig.add_scatter(
        x=curve["agents"], y=curve["sl_erlang_a"] * 100, name="Erlang A", mode="lines+markers"
    )
    reference_line(fig, target, f"Target {target:.1f}%")
    fig.update_layout(
        height=340,
        xaxis_title="agents",
        yaxis_title="service level (%)",
        margin={"t": 20},
        legend={"orientation": "h"},
    )
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)
    st.caption(
        "Erlang C has no service level at or below the traffic (unstable load): its curve starts above it."
    )
