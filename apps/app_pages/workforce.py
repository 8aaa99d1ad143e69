"""Workforce (directors): headcount, attrition and tenure by team, overtime and weekly hours
over the limit, leave (pending and its staffing impact), the new-hire ramp, complaints by
category/queue/team and the coaching effect estimate. Layout only: numbers come from
apps.queries.supervision (team-scoped for supervisors by the data-access layer)."""

import plotly.graph_objects as go
import streamlit as st

from apps.components import formatting as fmt
from apps.components.charts import PLOTLY_CONFIG
from apps.components.download import csv_download_button
from apps.components.filters import current_filters, describe_period
from apps.queries import api
from apps.queries import supervision as sv

f = current_filters()
access = api.current_access()

BANDS = ("0-3 months", "3-12 months", "1-3 years", "3+ years")
BAND_COLORS = ("#9ecae1", "#6baed6", "#3182bd", "#08519c")
LABELS = {
    "team_id": "Team id",
    "team_name": "Team",
    "headcount_days": "Headcount-days",
    "hires": "Hires",
    "leavers": "Leavers",
    "voluntary_leavers": "Voluntary",
    "involuntary_leavers": "Involuntary",
    "active_agents": "Active agents",
    "new_hires_0_3_months": "Hired < 3 months",
    "hours_worked": "Paid hours",
    "overtime_hours": "Overtime hours",
    "agent_weeks_over_limit": "Agent-weeks > 40 h",
    "pending_timesheets": "Timesheets pending",
    "status": "Status",
    "requests": "Requests",
    "leave_days": "Leave days",
    "on_queue_hours": "Scheduled on-queue hours",
    "category": "Category",
    "queue_id": "Queue",
    "complaints": "Complaints",
    "escalated_complaints": "Escalated",
    "open_complaints": "Open",
    "mean_hours_to_resolve": "Mean hours to resolve",
    "handled_contacts": "Handled contacts",
    "complaints_per_1000": "Per 1,000 handled",
    "request_id": "Request",
    "agent_name": "Agent",
    "leave_type": "Type",
    "starts_on": "Starts",
    "ends_on": "Ends",
    "requested_at": "Requested",
    "days_since_request": "Days waiting",
    "requested_on_queue_hours": "On-queue hours requested",
    "team_on_queue_hours": "Team on-queue hours",
    "impact_share": "Team queue time lost",
}


def labelled(df):
    """Display names for the page's tables (column_config keys stay the raw names)."""
    return df.rename(columns={c: LABELS[c] for c in df.columns if c in LABELS})


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
    st.markdown("**Attrition and tenure by team**")
    table = attrition.merge(tenure, on=["team_id", "team_name"], how="outer")
    st.dataframe(
        labelled(table.drop(columns=["team_id"])),
        hide_index=True,
        width="stretch",
        column_config={
            "annualized_attrition": st.column_config.NumberColumn(
                "Attrition (ann.)", format="percent"
            ),
            "average_headcount": st.column_config.NumberColumn("Avg headcount", format="%.1f"),
            "mean_tenure_years": st.column_config.NumberColumn("Mean tenure (y)", format="%.1f"),
            "median_tenure_years": st.column_config.NumberColumn(
                "Median tenure (y)", format="%.1f"
            ),
        },
    )
    csv_download_button(table, "attrition_tenure_by_team", key="workforce_dl_attrition")

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
            fig.add_hline(y=bench["aht_seconds"], line_dash="dash", annotation_text="tenured AHT")
        fig.update_layout(
            height=260,
            margin=dict(l=10, r=10, t=10, b=10),
            xaxis_title="tenure week",
            yaxis_title="AHT (s)",
            legend=dict(orientation="h", y=-0.3),
            yaxis2=dict(overlaying="y", side="right", range=[50, 100], title="QA (%)"),
        )
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)
    st.markdown("**Overtime and weekly hours by team**")
    st.dataframe(
        labelled(overtime.drop(columns=["team_id"])),
        hide_index=True,
        width="stretch",
        column_config={
            "Paid hours": st.column_config.NumberColumn(format="%.1f"),
            "Overtime hours": st.column_config.NumberColumn(format="%.1f"),
            "overtime_share": st.column_config.NumberColumn("Overtime share", format="percent"),
        },
    )

st.markdown("**Leave: pending requests and their staffing impact**")
if leave.empty:
    st.info("No leave request is pending.", icon=":material/event_available:")
else:
    # the agent's name is shown, so their id and supervisor's id are left out
    st.dataframe(
        labelled(leave.drop(columns=["agent_id", "supervisor_id"], errors="ignore")),
        hide_index=True,
        width="stretch",
        column_config={
            "Starts": st.column_config.DateColumn(format="ddd D MMM YYYY"),
            "Ends": st.column_config.DateColumn(format="ddd D MMM YYYY"),
            "Requested": st.column_config.DatetimeColumn(format="D MMM HH:mm"),
            "Days waiting": st.column_config.NumberColumn(format="%.0f"),
            "On-queue hours requested": st.column_config.NumberColumn(format="%.1f"),
            "Team on-queue hours": st.column_config.NumberColumn(format="%.1f"),
            "Team queue time lost": st.column_config.NumberColumn(format="percent"),
        },
    )
summary = sv.cached("leave_summary", access, f.start_date, f.end_date)
st.dataframe(labelled(summary), hide_index=True, width="stretch")

st.markdown("**Complaints per 1,000 handled contacts**")
by = st.segmented_control(
    "By", ["category", "queue", "team"], default="category", key="workforce_complaints_by"
)
rates = sv.cached("complaint_rates", access, f.start_date, f.end_date, by or "category")
st.dataframe(
    labelled(rates),
    hide_index=True,
    width="stretch",
    column_config={
        "Per 1,000 handled": st.column_config.NumberColumn(format="%.2f"),
        "Mean hours to resolve": st.column_config.NumberColumn(format="%.1f"),
    },
)

with st.expander("Coaching effect estimate and evaluator calibration"):
    st.dataframe(sv.cached("coaching_effects"), hide_index=True, width="stretch")
    st.dataframe(sv.cached("evaluator_calibration"), hide_index=True, width="stretch")
    st.caption(
        "Evaluator deviation: mean (score - other evaluators' mean for the same agent that "
        "month); positive = lenient. Double-graded segments (calibration sessions) are in "
        "fct_qa_calibration_segments."
    )
