"""Workforce (directors): headcount, attrition and tenure by team, overtime and weekly hours
over the limit, leave (pending and its staffing impact), the new-hire ramp, complaints by
category/queue/team and the coaching effect estimate. Layout only: numbers come from
apps.queries.supervision (team-scoped for supervisors by the data-access layer)."""

import plotly.graph_objects as go
import streamlit as st

from apps.components import formatting as fmt
from apps.components import tables
from apps.components.charts import PLOTLY_CONFIG, reference_line
from apps.components.filters import current_filters, describe_period
from apps.components.metric_help import chart_toolbar
from apps.queries import api
from apps.queries import supervision as sv

f = current_filters()
access = api.current_access()

BANDS = ("0-3 months", "3-12 months", "1-3 years", "3+ years")
BAND_COLORS = ("#9ecae1", "#6baed6", "#3182bd", "#08519c")


head_left, head_right = st.columns([1, 2], vertical_alignment="center")
head_left.markdown("## Workforce")
scope = "all teams" if access.agent_team_ids is None else "your teams"
head_right.markdown(f"**{describe_period(f)}** · {scope}", text_alignment="right")

headcount = sv.cached("headcount_by_team", access, None)
attrition = sv.cached("attrition_by_team", access, f.start_date, f.end_date)
tenure = sv.cached("tenure_by_team", access)
overtime = sv.cached("overtime_by_team", access, f.start_date, f.end_date)
leave = sv.cached("pending_leave", access)
ramp = sv.cached("new_hire_ramp", access)
bench = sv.cached("tenured_benchmark", f.start_date, f.end_date)

total_hc = headcount["headcount"].sum() if not headcount.empty else 0
leavers = attrition["leavers"].sum() if not attrition.empty else 0
hc_days = attrition["headcount_days"].sum() if not attrition.empty else 0
annualized = 365.0 * leavers / hc_days if hc_days else None
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Headcount (latest day)", fmt.fmt_int(total_hc))
c2.metric("Leavers in period", fmt.fmt_int(leavers))
c3.metric(
    "Attrition (annualized)",
    fmt.fmt_pct(annualized),
    help="365 x leavers / sum of daily headcount over the period.",
)
c4.metric(
    "Overtime hours", f"{overtime['overtime_hours'].sum():,.1f}" if not overtime.empty else fmt.DASH
)
c5.metric(
    "Pending leave requests",
    fmt.fmt_int(len(leave)),
    help="Their requesters' scheduled on-queue hours are the staffing at stake.",
)

left, right = st.columns(2)
with left:
    st.markdown("**Headcount by team and tenure band** (latest roster day)")
    if not headcount.empty:
        pivot = headcount.pivot_table(
            index="team_name",
            columns="tenure_band",
            values="headcount",
            aggfunc="sum",
            fill_value=0,
        )
        fig = go.Figure()
        for band, color in zip(BANDS, BAND_COLORS, strict=True):
            if band in pivot.columns:
                fig.add_trace(
                    go.Bar(
                        y=pivot.index, x=pivot[band], name=band, orientation="h", marker_color=color
                    )
                )
        fig.update_layout(
            barmode="stack",
            height=260,
            margin=dict(l=10, r=10, t=10, b=10),
            legend=dict(orientation="h", y=-0.25),
            xaxis_title="agents",
        )
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)

with right:
    st.markdown("**New-hire ramp** (AHT and QA by week since hire; dashed: agents past the ramp)")
    if ramp.dropna(subset=["aht_seconds"]).empty:
        st.info("No agent in their first weeks in this data.")
    else:
        fig = go.Figure()
        fig.add_trace(
            go.Scatter(
                x=ramp["tenure_week"], y=ramp["aht_seconds"], name="AHT (s)", mode="lines+markers"
            )
        )
        fig.add_trace(
            go.Scatter(
                x=ramp["tenure_week"],
                y=ramp["qa_score_pct"],
                name="QA (%)",
                mode="lines+markers",
                yaxis="y2",
            )
        )
        if bench.get("aht_seconds"):
            reference_line(fig, bench["aht_seconds"], f"Tenured AHT ({bench['aht_seconds']:.0f} s)")
        fig.update_layout(
            height=260,
            margin=dict(l=10, r=10, t=10, b=10),
            xaxis_title="tenure week",
            yaxis_title="AHT (s)",
            legend=dict(orientation="h", y=-0.3),
            # its own round ticks: Plotly otherwise lines them up with the AHT grid (55.2, 66.2...)
            yaxis2=dict(
                overlaying="y",
                side="right",
                range=[50, 100],
                title="QA (%)",
                tickmode="linear",
                tick0=50,
                dtick=10,
                showgrid=False,
            ),
        )
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)


def titled_table(title: str, df, name: str, metrics: tuple[str, ...], key: str, notes: str = "") -> None:
    """A full-width team table under its title, with the Definitions and CSV toolbar of every
    other page's tables (side by side in half a page, seven or more columns were cut off)."""
    a, c = st.columns([3, 2], vertical_alignment="center")
    a.markdown(title)
    chart_toolbar(df, name, metrics, key=key, container=c, notes=notes)
    tables.show(df.drop(columns=["team_id"]))


titled_table(
    f"**Attrition and tenure by team** · {describe_period(f)}; tenure of the current roster",
    attrition.merge(tenure, on=["team_id", "team_name"], how="outer"),
    "attrition and tenure by team",
    ("headcount", "hires", "leavers", "voluntary_leavers", "involuntary_leavers", "attrition_rate"),
    "workforce_attrition",
)
titled_table(
    f"**Overtime and weekly hours by team** · {describe_period(f)}",
    overtime,
    "overtime and weekly hours by team",
    ("agent_timesheet_paid_seconds_metric",),
    "workforce_overtime",
    notes="From the timesheets (fct_timesheets) of the period: hours worked are paid hours, "
    "overtime hours the part of them paid as overtime, overtime share = overtime / hours worked; "
    "agent-weeks over the limit count an agent's ISO weeks with more paid hours than var "
    "weekly_hours_limit (40); pending timesheets await approval.",
)

st.markdown("**Leave: pending requests and their staffing impact**")
if leave.empty:
    st.info("No leave request is pending.", icon=":material/event_available:")
else:
    # the agent's and team's names are shown, so their ids (and the supervisor's) are left out
    tables.show(leave.drop(columns=["agent_id", "team_id", "supervisor_id"], errors="ignore"))
summary = sv.cached("leave_summary", access, f.start_date, f.end_date)
st.caption(f"Leave requests with days in {describe_period(f)}, by team and status")
tables.show(summary.drop(columns=["team_id"]))

st.markdown("**Complaints per 1,000 handled contacts**")
by = st.segmented_control(
    "By", ["category", "queue", "team"], default="category", key="workforce_complaints_by"
)
rates = sv.cached("complaint_rates", access, f.start_date, f.end_date, by or "category")
tables.show_complaint_rates(rates)

with st.expander("Coaching effect estimate and evaluator calibration"):
    effects = sv.cached("coaching_effects")
    tables.show_coaching_effects(effects)
    tables.show(sv.cached("evaluator_calibration"))
    st.caption(
        "Evaluator deviation: mean (score - other evaluators' mean for the same agent that "
        "month); positive = lenient. Double-graded segments (calibration sessions) are in "
        "fct_qa_calibration_segments."
    )
