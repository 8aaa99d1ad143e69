"""Quality: QA score and critical failures over time, by form section, by team and by agent
(semantic layer), and the latest evaluations with a critical failure. QA is per agent: the date,
site and team filters apply; queue and line-of-business filters do not. Agent rows follow the
signed-in user's access. Every chart and table carries the catalog's definitions and a CSV
(apps.components.metric_help.chart_toolbar). Layout only."""

import pandas as pd
import streamlit as st

from apps.components import formatting as fmt
from apps.components import page_charts as pc
from apps.components import tables
from apps.components.charts import PLOTLY_CONFIG
from apps.components.filters import current_filters, describe_period
from apps.components.metric_help import chart_toolbar, metric_tooltip
from apps.queries import api, page_api
from apps.queries.quality import QA_METRICS, SECTION_METRICS, still_being_evaluated

QA = pc.MetricSpec("qa_score", "QA score", "%", True)
CRIT_RATE = pc.MetricSpec("qa_critical_failure_rate", "Critical-failure rate", "%", False)
EVALS = pc.MetricSpec("qa_evaluations", "Evaluations", "evaluations", None)
SECTION = pc.MetricSpec("qa_section_score", "Section score", "%", True)


FAILURE_NOTES = (
    "One row per evaluation with a failed critical question, newest first (at most 100). "
    "Critical failed: how many critical questions of the evaluation failed. Score before "
    "critical: the evaluation's score before the critical-failure rule set it to 0 "
    "(fct_qa_evaluations.score_pct_before_critical)."
)


def _first(df: pd.DataFrame, column: str):
    if df.empty or column not in df.columns:
        return None
    v = df[column].iloc[0]
    return None if pd.isna(v) else v


f = current_filters()
access = api.current_access()

head, note = st.columns([2, 3], vertical_alignment="bottom")
head.markdown("## Quality")
ignored = " · queue and line-of-business filters do not apply (QA is per agent)" if (
    f.queue_ids or f.lines_of_business) else ""
note.caption(
    f"**{describe_period(f)}** · evaluations by the day of the evaluated contact{ignored}"
    + ("" if access.sees_all_agents else " · agent rows: your team only"),
    text_alignment="right",
)

k = page_api.qa_kpis(f)
tiles = st.columns(4)


def _tile(col, label, value, caption, help_text):
    with col.container(border=True):
        st.metric(label, value, help=help_text)
        st.caption(caption)


_tile(tiles[0], "QA score", fmt.fmt_pct(_first(k, "qa_score") / 100 if _first(k, "qa_score")
                                        is not None else None),
      "Mean of evaluation scores (0–100%)", metric_tooltip("qa_score"))
_tile(tiles[1], "Evaluations", fmt.fmt_int(_first(k, "qa_evaluations")), "Completed",
      metric_tooltip("qa_evaluations"))
_tile(tiles[2], "Critical failures", fmt.fmt_int(_first(k, "qa_critical_failures_metric")),
      "Evaluations zeroed by a critical item", metric_tooltip("qa_critical_failures_metric"))
_tile(tiles[3], "Critical-failure rate", fmt.fmt_pct(_first(k, "qa_critical_failure_rate")),
      "Of evaluations", metric_tooltip("qa_critical_failure_rate"))

left, right = st.columns([1.3, 1])
with left:
    a, c = st.columns([3, 2], vertical_alignment="center")
    grain = "day" if f.days <= 45 else "week"
    a.markdown(f"**QA score and evaluations by {grain}**", help=metric_tooltip("qa_score"))
    trend = page_api.qa_trend(f, grain)
    chart_toolbar(trend, f"quality trend by {grain}", QA_METRICS, key="quality_trend",
                  container=c)
    if trend.empty or trend["qa_evaluations"].sum() == 0:
        st.info("No QA evaluations in the selected period.")
    else:
        shown = trend.assign(
            period=pd.to_datetime(trend["period"]).dt.strftime("%a %d %b"),
            qa_score=trend["qa_score"] / 100,  # the metric is in percent points already
        )
        st.plotly_chart(
            pc.bars_with_line(shown, EVALS, QA, x="period", x_title=f"Activity {grain}",
                              height=300),
            config=PLOTLY_CONFIG, key="quality_trend_chart",
        )
        thin, median = still_being_evaluated(trend)
        if not thin.empty:
            counts = [int(n) for n in thin["qa_evaluations"]]
            # the first count says what it counts, the next ones are bare numbers
            first = next((i for i, n in enumerate(counts) if n), None)
            days = ", ".join(
                f"{pd.Timestamp(p):%a %d %b} ("
                + ("none yet" if n == 0 else f"{n:,} evaluation{'' if n == 1 else 's'} so far"
                   if i == first else f"{n:,}")
                + ")"
                for i, (p, n) in enumerate(zip(thin["period"], counts, strict=True))
            )
            st.caption(
                f"Still being evaluated: {days}, against {median:,.0f} in the median {grain}. "
                "QA reviews a contact some days after it and counts it on the contact's day, so "
                f"the latest {grain}s' scores rest on few evaluations."
            )
with right:
    a, c = st.columns([3, 2], vertical_alignment="center")
    a.markdown("**By form section** · section score", help=metric_tooltip("qa_section_score"))
    sections = page_api.qa_sections(f)
    chart_toolbar(sections, "quality by form section", SECTION_METRICS, key="quality_sections",
                  container=c)
    if sections.empty:
        st.info("No evaluated sections in the selected period.")
    else:
        shown = sections.assign(
            label=sections["form_id"].astype(str) + " · " + sections["section"].astype(str),
            qa_section_score=sections["qa_section_score"] / 100,  # percent points already
        )
        st.plotly_chart(
            pc.hbar(shown, SECTION, y="label", y_title="Form · section",
                    height=max(300, 28 * len(shown) + 80)),
            config=PLOTLY_CONFIG, key="quality_sections_chart",
        )

bl, br = st.columns([1, 1])
with bl:
    a, b, c = st.columns([1.3, 1.9, 1.8], vertical_alignment="center")
    by = b.segmented_control("By", ["Team", "Agent"], default="Team", key="quality_by",
                             label_visibility="collapsed") or "Team"
    a.markdown(f"**By {by.lower()}**", help=metric_tooltip("qa_score"))
    rows = page_api.qa_by(f, by.lower(), access)
    chart_toolbar(rows, f"quality by {by}", QA_METRICS, key="quality_by", container=c)
    name_col = "team_name" if by == "Team" else "agent_name"
    table = pd.DataFrame(
        {
            by: rows[name_col],
            "QA %": rows["qa_score"],
            "Evaluations": rows["qa_evaluations"],
            "Critical failures": rows["qa_critical_failures_metric"],
            "Critical %": rows["qa_critical_failure_rate"] * 100,
        }
    )
    if by == "Agent":
        table.insert(1, "Team", rows["team_id"])
    st.dataframe(
        table, hide_index=True, height=tables.fitted_height(len(table)), placeholder=fmt.DASH,
        key="quality_by_table",
        column_config={
            "QA %": st.column_config.NumberColumn(format="%.1f%%", help=metric_tooltip("qa_score")),
            "Evaluations": st.column_config.NumberColumn(format="localized",
                                                         help=metric_tooltip("qa_evaluations")),
            "Critical failures": st.column_config.NumberColumn(
                format="localized", help=metric_tooltip("qa_critical_failures_metric")),
            "Critical %": st.column_config.NumberColumn(
                format="%.1f%%", help=metric_tooltip("qa_critical_failure_rate")),
        },
    )
with br:
    a, c = st.columns([3, 2], vertical_alignment="center")
    failures = page_api.qa_critical_failures(f, access)
    # one form in the list (the usual case): named in the heading, so the table keeps its width
    # for the failure counts and scores instead of repeating the form on every row
    forms = failures["form_id"].dropna().unique()
    a.markdown(
        "**Latest critical failures**" + (f" · form {forms[0]}" if len(forms) == 1 else ""),
        help=metric_tooltip("qa_critical_failures_metric"),
    )
    chart_toolbar(
        failures, "quality critical failures", ["qa_critical_failures_metric", "qa_score"],
        key="quality_failures", container=c, notes=FAILURE_NOTES,
    )
    failure_table = pd.DataFrame(
        {
            "Date": failures["activity_date"],
            "Agent": failures["agent_name"],
            "Team": failures["team_name"],
            "Form": failures["form_id"],
            "Critical": failures["critical_failure_count"],
            "Score before %": failures["score_pct_before_critical"],
        }
    )
    if len(forms) == 1:
        failure_table = failure_table.drop(columns=["Form"])
    st.dataframe(
        failure_table,
        hide_index=True, height=tables.fitted_height(len(failure_table)), placeholder=fmt.DASH,
        key="quality_failures_table",
        column_config={
            # narrow enough for the two numbers to show beside them without scrolling
            "Date": st.column_config.DateColumn(format="ddd D MMM", width=88),
            "Agent": st.column_config.TextColumn(width=118),
            "Team": st.column_config.TextColumn(width=140),
            "Critical": st.column_config.NumberColumn(
                format="localized",
                help=metric_tooltip("qa_critical_failures_metric",
                                    "Here: the evaluation's failed critical questions."),
            ),
            "Score before %": st.column_config.NumberColumn(
                format="%.1f%%",
                help=metric_tooltip("qa_score", "Here: the evaluation's score before the "
                                    "critical-failure rule set it to 0."),
            ),
        },
    )
