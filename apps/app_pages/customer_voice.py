"""Customer voice: CSAT, NPS and survey FCR (semantic layer) by queue, team or agent; the
latest comments, filterable by score; the worst contacts (CSAT 1-2 or NPS detractors) with
their wait and handle time. Agent-level rows follow the signed-in user's access (a
supervisor sees their own team's agents and surveys; an analyst gets no contact ids and comments
with phone numbers and e-mails masked, by the data-access layer). Layout only."""

import pandas as pd
import streamlit as st

from apps.components import formatting as fmt
from apps.components import page_charts as pc
from apps.components import tables
from apps.components.charts import PLOTLY_CONFIG
from apps.components.filters import current_filters, current_options, describe_period
from apps.components.metric_help import chart_toolbar, metric_tooltip
from apps.queries import api, page_api
from apps.queries.voice import VOICE_METRICS

CSAT = pc.MetricSpec("csat_score", "CSAT", "1–5", True)
NPS = pc.MetricSpec("nps", "NPS", "−100 to +100", True)
FCR = pc.MetricSpec("first_contact_resolution_rate_survey", "FCR (survey)", "%", True)
TREND = {"CSAT": CSAT, "NPS": NPS, "FCR": FCR}
# Survey rows (comments, worst contacts) show each response's own answers; the catalog entries
# of the metrics built from them explain the scales. Every chart and table carries the
# definitions and a CSV (apps.components.metric_help.chart_toolbar).
ROW_METRICS = ("csat_score", "nps", "first_contact_resolution_rate_survey")
CSAT_ROW_HELP = metric_tooltip("csat_score", "Here: this response's own score (1–5).")
NPS_ROW_HELP = metric_tooltip(
    "nps", "Here: this response's own answer (0–10; 9–10 promoter, 0–6 detractor)."
)
WORST_NOTES = (
    "Answered surveys with CSAT 1–2 or an NPS detractor answer (0–6), worst first (at most 50). "
    "Wait: total queue time of all the contact's segments. Handle: talk + hold + after-call "
    "work of the contact (m:ss)."
)


def _first(df: pd.DataFrame, column: str):
    if df.empty or column not in df.columns:
        return None
    v = df[column].iloc[0]
    return None if pd.isna(v) else v


f = current_filters()
options = current_options()
access = api.current_access()

head, note = st.columns([2, 3], vertical_alignment="bottom")
head.markdown("## Customer voice")
note.caption(
    f"**{describe_period(f)}** · surveys by the day they were sent, attributed to the surveyed "
    "contact's queue, agent and team"
    + ("" if access.sees_all_agents else " · agent rows and comments: your team only"),
    text_alignment="right",
)

k = page_api.voice_kpis(f)
tiles = st.columns(5)


def _tile(col, label, value, caption, help_text):
    with col.container(border=True):
        st.metric(label, value, help=help_text)
        st.caption(caption)


_tile(tiles[0], "CSAT", fmt.fmt_score(_first(k, "csat_score")),
      f"{fmt.fmt_int(_first(k, 'csat_responses_metric'))} responses (1–5)",
      metric_tooltip("csat_score"))
_tile(tiles[1], "CSAT top-2-box", fmt.fmt_pct(_first(k, "csat_top2box_rate")),
      "Scores 4–5", metric_tooltip("csat_top2box_rate"))
nps = _first(k, "nps")
_tile(tiles[2], "NPS", fmt.DASH if nps is None else f"{nps:+.1f}",
      f"{fmt.fmt_int(_first(k, 'nps_responses_metric'))} answers (−100 to +100)",
      metric_tooltip("nps"))
_tile(tiles[3], "FCR (survey)", fmt.fmt_pct(_first(k, "first_contact_resolution_rate_survey")),
      f"{fmt.fmt_int(_first(k, 'resolution_answers_metric'))} answers",
      metric_tooltip("first_contact_resolution_rate_survey"))
_tile(tiles[4], "Response rate", fmt.fmt_pct(_first(k, "survey_response_rate")),
      f"{fmt.fmt_int(_first(k, 'surveys_sent_metric'))} surveys sent",
      metric_tooltip("survey_response_rate"))

left, right = st.columns([1, 1.25])
with left:
    # Title and toolbar in one row, the control under them (a half-width row cannot hold all
    # three at 1440 px).
    a, c = st.columns([1, 1], vertical_alignment="center")
    trend_name = st.segmented_control("Trend", list(TREND), default="CSAT", key="voice_trend",
                                      label_visibility="collapsed") or "CSAT"
    spec = TREND[trend_name]
    grain = "day" if f.days <= 45 else "week"
    a.markdown(f"**{spec.label} by {grain}**", help=metric_tooltip(spec.column))
    trend = page_api.voice_trend(f, grain)
    chart_toolbar(
        trend, f"customer voice trend by {grain}",
        [spec.column, *(m for m in VOICE_METRICS if m != spec.column)],
        key="voice_trend", container=c,
    )
    if trend.empty:
        st.info("No surveys in the selected period.")
    else:
        trend = trend.assign(period=pd.to_datetime(trend["period"]).dt.strftime("%a %d %b"))
        st.plotly_chart(
            pc.lines(trend, spec, x="period", series=None, x_title=f"Survey sent ({grain})",
                     height=300),
            config=PLOTLY_CONFIG, key="voice_trend_chart",
        )
with right:
    a, c = st.columns([1, 1], vertical_alignment="center")
    by = st.segmented_control("By", ["Queue", "Team", "Agent"], default="Queue",
                              key="voice_by", label_visibility="collapsed") or "Queue"
    a.markdown(f"**By {by.lower()}**", help=metric_tooltip("csat_score"))
    rows = page_api.voice_by(f, by.lower(), access)
    chart_toolbar(rows, f"customer voice by {by}", VOICE_METRICS, key="voice_by", container=c)
    name_col = {"Queue": "queue_name", "Team": "team_name", "Agent": "agent_name"}[by]
    table = pd.DataFrame(
        {
            by: rows[name_col],
            "CSAT": rows["csat_score"],
            "Top-2 %": rows["csat_top2box_rate"] * 100,
            "NPS": rows["nps"],
            "FCR %": rows["first_contact_resolution_rate_survey"] * 100,
            "Responses": rows["csat_responses_metric"],
        }
    )
    if by == "Agent" and "team_id" in rows:
        teams = api.team_options().set_index("team_id")["team_name"]
        table.insert(1, "Team", rows["team_id"].map(teams).fillna(rows["team_id"]))
    st.dataframe(
        table,
        hide_index=True,
        height=tables.fitted_height(len(table)),
        placeholder=fmt.DASH,
        key="voice_by_table",
        column_config={
            "CSAT": st.column_config.NumberColumn(format="%.2f", help=metric_tooltip("csat_score")),
            "Top-2 %": st.column_config.NumberColumn(format="%.1f%%",
                                                     help=metric_tooltip("csat_top2box_rate")),
            "NPS": st.column_config.NumberColumn(format="%+.1f", help=metric_tooltip("nps")),
            "FCR %": st.column_config.NumberColumn(
                format="%.1f%%", help=metric_tooltip("first_contact_resolution_rate_survey")),
            "Responses": st.column_config.NumberColumn(
                format="localized", help=metric_tooltip("csat_responses_metric")),
        },
    )

# --- comments and worst contacts ------------------------------------------------------------------
cl, cr = st.columns(2)
with cl:
    a, c = st.columns([1, 1], vertical_alignment="center")
    a.markdown("**Latest comments**", help=metric_tooltip("csat_score"))
    scores = st.pills("CSAT", [1, 2, 3, 4, 5], selection_mode="multi", key="voice_scores",
                      format_func=lambda s: f"{s}★", label_visibility="collapsed")
    comments = page_api.survey_comments(f, tuple(sorted(scores or ())), access)
    chart_toolbar(comments, "customer voice comments", ROW_METRICS, key="voice_comments",
                  container=c, notes="The latest answered surveys with a comment (at most 200).")
    st.dataframe(
        pd.DataFrame(
            {
                "Answered": comments["responded_at"],
                "CSAT": comments["csat"],
                "NPS": comments["nps"],
                "Comment": comments["comment"],
                "Queue": comments["queue_name"],
                "Agent": comments["agent_name"],
            }
        ),
        hide_index=True,
        height=320,
        placeholder=fmt.DASH,
        key="voice_comments_table",
        column_config={
            "Answered": st.column_config.DatetimeColumn(format="D MMM HH:mm"),
            "CSAT": st.column_config.NumberColumn(format="%d", help=CSAT_ROW_HELP),
            "NPS": st.column_config.NumberColumn(format="%d", help=NPS_ROW_HELP),
            "Comment": st.column_config.TextColumn(width="large"),
        },
    )
with cr:
    a, c = st.columns([1, 1], vertical_alignment="center")
    a.markdown("**Worst contacts**", help=WORST_NOTES)
    # In the row the comments' score filter takes on the left, so both tables line up.
    st.markdown("CSAT 1–2 or NPS detractor (0–6), worst first")
    worst = page_api.worst_contacts(f, access)
    chart_toolbar(worst, "customer voice worst contacts", ROW_METRICS, key="voice_worst",
                  container=c, notes=WORST_NOTES)
    # The customer's words first: at 1440 px the table shows about six columns before it
    # scrolls, and the comment (last, before) was the one left out of view.
    worst_table = pd.DataFrame(
        {
            "Sent": worst["sent_date"],
            "CSAT": worst["csat"],
            "NPS": worst["nps"],
            "Comment": worst["comment"],
            "Agent": worst["agent_name"],
            "Queue": worst["queue_name"],
            "Wait": worst["wait_seconds"].map(fmt.fmt_mmss),
            "Handle": worst["handle_seconds"].map(fmt.fmt_mmss),
        }
    )
    if "contact_id" in worst.columns:  # not for analysts (apps.queries.access)
        worst_table["Contact"] = worst["contact_id"]
    st.dataframe(
        worst_table,
        hide_index=True,
        height=tables.fitted_height(len(worst_table), 320),
        placeholder=fmt.DASH,
        key="voice_worst_table",
        column_config={
            "Sent": st.column_config.DateColumn(format="ddd D MMM"),
            "CSAT": st.column_config.NumberColumn(format="%d", help=CSAT_ROW_HELP),
            "NPS": st.column_config.NumberColumn(format="%d", help=NPS_ROW_HELP),
            "Wait": st.column_config.TextColumn(
                help="Total queue time of all the contact's segments (m:ss)."),
            "Handle": st.column_config.TextColumn(
                help="Talk + hold + after-call work of the contact (m:ss)."),
        },
    )
