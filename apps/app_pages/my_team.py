"""My team: a supervisor's day - who needs coaching and on what (with the evidence), coaching
follow-ups due and commitments broken, timesheets and leave waiting for approval, open
complaints. Layout only: numbers come from apps.queries.supervision, which restricts every
agent-level row to the signed-in user's teams (a director sees all teams)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from apps.components import formatting as fmt
from apps.components import tables
from apps.components.charts import PLOTLY_CONFIG
from apps.components.download import csv_download_button
from apps.components.filters import current_filters, describe_period
from apps.queries import api
from apps.queries import supervision as sv

f = current_filters()
access = api.current_access()


def show_value(metric: str, value) -> str:
    if value is None or pd.isna(value):
        return fmt.DASH
    kind = sv.FOCUS_BY_NAME[metric].kind
    if kind == "seconds":
        return fmt.fmt_mmss(value)
    if kind == "fraction":
        return fmt.fmt_pct(value)
    if kind == "points":
        return f"{value:.1f}%"
    return fmt.fmt_score(value)


if access.agent_team_ids is not None:
    scope = "your team" + ("s" if len(access.agent_team_ids) != 1 else "")
else:
    scope = "all teams"

as_of = sv.cached("as_of_date")
head_left, head_right = st.columns([1, 2], vertical_alignment="center")
head_left.markdown("## My team")
head_right.markdown(
    f"**{describe_period(f)}** · {scope}  \n"
    f":gray[follow-ups, approvals and open complaints as of {as_of or fmt.DASH}]",
    text_alignment="right",
)

if access.agent_team_ids is not None and not access.agent_team_ids:
    st.info(
        "Your user is a supervisor without a team in this snapshot, so no team detail is shown.",
        icon=":material/info:",
    )
    st.stop()

suggestions = sv.cached("coaching_suggestions", access, f.start_date, f.end_date)
follow = sv.cached("follow_ups", access)
accountability = sv.cached("accountability", access)
timesheets = sv.cached("pending_timesheets", access)
leave = sv.cached("pending_leave", access)
complaints = sv.cached("open_complaints", access)

flagged = accountability[accountability["is_flagged_for_correction"].fillna(False).astype(bool)]
overdue = follow[follow["follow_up_status"] == "overdue"]
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(
    "Coaching suggested",
    fmt.fmt_int(len(suggestions)),
    help="Agents in the center's worst quarter on a focus metric over the period.",
)
c2.metric(
    "Follow-ups overdue",
    fmt.fmt_int(len(overdue)),
    help="Follow-up date + grace passed without a later session with the agent.",
)
c3.metric(
    "Correction process",
    fmt.fmt_int(len(flagged)),
    help="Agents with 2+ unmet coaching commitments in 90 days (vars).",
)
c4.metric(
    "Approvals waiting",
    fmt.fmt_int(len(timesheets) + len(leave)),
    help="Pending timesheets + pending leave requests.",
)
c5.metric("Open complaints", fmt.fmt_int(len(complaints)))

tab_coach, tab_follow, tab_approve, tab_complaints, tab_quality = st.tabs(
    ["Who needs coaching", "Follow-ups", "Approvals", "Open complaints", "Quality"]
)

with tab_coach:
    lo, hi = sv.coaching_window(f.start_date, f.end_date)
    st.caption(
        "Each agent's worst-ranked focus metric when it is in the worst quarter of the center's "
        "agents with enough volume and at least 5% worse than the center, over "
        f"{lo:%d %b} - {hi:%d %b} (the sidebar period, widened to 28 days). Evidence: the "
        "agent's value against their team and the whole center (ratios of sums, "
        "semantic-layer definitions)."
    )
    if suggestions.empty:
        st.success("Nobody is in the center's worst quarter on any focus metric.")
    else:
        metrics = suggestions["focus_metric"]

        def column(name: str) -> list[str]:
            return [show_value(m, v) for m, v in zip(metrics, suggestions[name], strict=True)]

        def volume(m: str, v: float) -> str:
            if m == "adherence":
                return f"{v / 3600:,.0f} scheduled h"
            return f"{v:,.0f} {sv.FOCUS_BY_NAME[m].volume_label}"

        table = pd.DataFrame(
            {
                "Agent": suggestions["agent_name"].fillna(suggestions["agent_id"]),
                "Team": suggestions["team_name"],
                "Coach on": suggestions["label"],
                "Agent value": column("value"),
                "Team value": column("team_value"),
                "Center value": column("center_value"),
                "Agents doing better": [fmt.fmt_pct(v, 0) for v in suggestions["worse_share"]],
                "Volume": [
                    volume(m, v) for m, v in zip(metrics, suggestions["volume"], strict=True)
                ],
                "Last coached on it": suggestions["last_coached_on"]
                .astype("string")
                .fillna(fmt.DASH),
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        csv_download_button(suggestions, "coaching_suggestions", key="my_team_dl_suggestions")
    with st.expander("Did coaching move the metric? (all sessions, center-wide)"):
        effects = sv.cached("coaching_effects")
        st.caption(
            "Mean improvement per session (positive = better) with a 95% t-interval across "
            "sessions; diff-in-diff subtracts the change of agents not coached on that metric "
            "over the same windows. Sessions are not randomized: read 'inconclusive' literally."
        )
        tables.show_coaching_effects(effects)

with tab_follow:
    st.caption(
        "Open follow-ups (overdue, due, or due within 14 days), oldest first. Follow-up value: "
        "the focus metric from the day after the session to today or the due date."
    )
    if follow.empty:
        st.success("No follow-ups open.")
    else:
        view = follow.assign(
            before=[
                show_value(m, v)
                for m, v in zip(follow["focus_metric"], follow["before_value"], strict=True)
            ],
            target=[
                show_value(m, v)
                for m, v in zip(follow["focus_metric"], follow["target_value"], strict=True)
            ],
            so_far=[
                show_value(m, v)
                for m, v in zip(follow["focus_metric"], follow["follow_up_value"], strict=True)
            ],
        )[
            [
                "agent_name",
                "focus_metric",
                "held_date",
                "follow_up_due_on",
                "follow_up_status",
                "commitment_status",
                "before",
                "target",
                "so_far",
                "commitment",
            ]
        ]
        tables.show(view)
        csv_download_button(follow, "coaching_follow_ups", key="my_team_dl_follow")
    st.markdown("**Commitments kept and broken** (flagged: formal correction process)")
    tables.show(
        accountability[
                [
                    "full_name",
                    "sessions",
                    "commitments_met",
                    "commitments_not_met",
                    "commitments_pending",
                    "not_met_in_lookback",
                    "unmet_focus_metrics",
                    "overdue_follow_ups",
                    "is_flagged_for_correction",
                ]
            ]
    )

with tab_approve:
    left, right = st.columns(2)
    left.markdown(f"**Timesheets waiting for approval** ({len(timesheets)}, oldest first)")
    # a timesheet's own hours to the quarter hour (the aggregates elsewhere to one decimal)
    quarter_hours = st.column_config.NumberColumn(format="%.2f")
    tables.show(
        timesheets.drop(columns=["supervisor_id", "agent_id", "team_id"], errors="ignore"),
        container=left,
        column_config={"Paid hours": quarter_hours, "Overtime hours": quarter_hours},
    )
    csv_download_button(timesheets, "pending_timesheets", key="my_team_dl_ts", container=left)
    right.markdown(f"**Leave requests pending** ({len(leave)})")
    if leave.empty:
        right.info("No leave request is pending.", icon=":material/event_available:")
    else:
        tables.show(
            leave[
                    [
                        "agent_name",
                        "leave_type",
                        "starts_on",
                        "ends_on",
                        "leave_days",
                        "requested_on_queue_hours",
                        "team_on_queue_hours",
                        "impact_share",
                    ]
                ],
            container=right,
        )

with tab_complaints:
    if complaints.empty:
        st.success("No open complaints.")
    else:
        buckets = ["0-2 days", "3-7 days", "8-14 days", "15-30 days", "31+ days"]
        counts = complaints["age_bucket"].value_counts().reindex(buckets, fill_value=0)
        fig = go.Figure(go.Bar(x=buckets, y=counts.values, marker_color="#c0504d"))
        fig.update_layout(
            height=220, margin=dict(l=10, r=10, t=10, b=10), yaxis_title="open complaints"
        )
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)
        tables.show(complaints.drop(columns=["agent_id", "team_id"], errors="ignore"))
    by_agent = sv.cached("complaint_rates", access, f.start_date, f.end_date, "agent")
    st.markdown("**Complaints per 1,000 handled contacts, by agent** (sidebar period)")
    tables.show_complaint_rates(by_agent)

with tab_quality:
    weekly = sv.cached("qa_weekly", access, f.start_date, f.end_date)
    if weekly.empty:
        st.info("No QA evaluations in the period.")
    else:
        per_agent = (
            weekly.groupby("agent_name", dropna=False)
            .agg(
                evaluations=("qa_evaluations", "sum"),
                scored=("qa_scored_evaluations", "sum"),
                score_sum=("qa_score_pct_sum", "sum"),
                evaluated=("evaluated_segments", "sum"),
                handled=("handled", "sum"),
            )
            .reset_index()
        )
        per_agent["qa_score_pct"] = per_agent["score_sum"] / per_agent["scored"].where(
            per_agent["scored"] > 0
        )
        per_agent["evaluated_share"] = per_agent["evaluated"] / per_agent["handled"].where(
            per_agent["handled"] > 0
        )
        tables.show(
            per_agent[["agent_name", "evaluations", "qa_score_pct", "evaluated_share"]],
            column_config={
                "qa_score_pct": st.column_config.NumberColumn("QA score", format="%.1f"),
                "evaluated_share": st.column_config.NumberColumn(
                    "Handled contacts evaluated", format="percent"
                ),
            },
        )
        fig = go.Figure()
        for name, g in weekly.dropna(subset=["qa_score_pct"]).groupby("agent_name"):
            fig.add_trace(
                go.Scatter(
                    x=g["week_start"], y=g["qa_score_pct"], mode="lines+markers", name=str(name)
                )
            )
        fig.update_layout(
            height=300, margin=dict(l=10, r=10, t=10, b=10), yaxis_title="QA score (%)"
        )
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)
