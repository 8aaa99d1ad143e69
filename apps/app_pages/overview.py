"""Overview: the leadership page. KPI tiles against target and the previous period, a daily
trend of the headline KPIs, what changed per queue, service level by interval for one day and
the per-queue table. Layout only: every number is a semantic-layer metric (apps.queries.api ->
apps.queries.semantic / apps.queries.queues); every tile's `?` and every chart's or table's
Definitions popover show the metric's catalog entry, and CSV downloads the data behind it."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from apps.components import charts
from apps.components import formatting as fmt
from apps.components import page_charts as pc
from apps.components.charts import PLOTLY_CONFIG
from apps.components.filters import current_filters, current_options, describe_period
from apps.components.metric_help import chart_toolbar, metric_tooltip
from apps.queries import api

NBSP = "\u00a0"  # keeps "12.9 pp" and "71.8% → 70.5%" on one line in the narrow column
# The target line's label sits over the bars/line: give it a background so it stays legible.
LABEL_BACKGROUND = "rgba(255, 255, 255, 0.85)"
TARGET_NOTE = (
    "Target: the queue's own; for several queues, the offered-weighted mean of their targets "
    "(`service_level_target`)."
)
TREND = [
    (pc.MetricSpec("service_level", "Service level", "%", True), True),
    (pc.MetricSpec("average_speed_of_answer", "ASA", "m:ss", False), False),
    (pc.MetricSpec("abandonment_rate", "Abandonment", "%", False), False),
    (pc.MetricSpec("offered_contacts", "Offered", "contacts", None), False),
]
QUEUE_TABLE_METRICS = [
    "offered_contacts",
    "answered_contacts",
    "abandoned_contacts",
    "abandonment_rate",
    "service_level",
    "service_level_target",
    "average_speed_of_answer",
    "average_handle_time",
    "csat_score",
    "csat_responses_metric",
]

f = current_filters()
options = current_options()
version = api.snapshot_version()
previous = f.previous_period()

head_left, head_right = st.columns([1, 2], vertical_alignment="center")
head_left.markdown("## Service overview")
freshness = (
    f"Data through **{options.last_date:%a %d %b %Y}** · snapshot published "
    f"{version.published_at:%Y-%m-%d %H:%M} UTC"
    if options.last_date
    else "The snapshot holds no queue intervals yet."
)
head_right.markdown(
    f"**{describe_period(f)}**"
    + (f" ({f.days} days)" if f.days > 1 else "")
    + f" · compared with {describe_period(previous)}  \n:gray[{freshness}]",
    text_alignment="right",
)

cur = api.kpi_summary(f)
prev = api.kpi_summary(previous)


def _tile(column, label, value, delta, note, *, help, delta_color="normal"):
    """A bordered KPI tile: the metric with its change, and one line of context below."""
    with column.container(border=True, height="stretch"):
        st.metric(label, value, delta, delta_color=delta_color, help=help)
        st.caption(note)


def _sl_note(kpis: api.KpiSummary) -> str:
    if kpis.sl_target is None:
        return "No target (nothing offered)"
    text = f"Target {fmt.fmt_pct(kpis.sl_target)}"
    if kpis.service_level is None:
        return text
    gap = kpis.service_level - kpis.sl_target
    # The gap on its own line: in a sixth of 1440 px the two do not fit on one.
    if gap >= 0:
        return f"{text}  \n:blue[{gap * 100:.1f} pp above]"
    return f"{text}  \n:orange[**{-gap * 100:.1f} pp below**]"


tiles = st.columns(6)
_tile(
    tiles[0],
    "Offered",
    fmt.fmt_int(cur.offered),
    fmt.delta_int(cur.offered, prev.offered),
    f"{fmt.fmt_int(cur.answered)} answered",
    help=metric_tooltip("offered_contacts"),
    delta_color="off",
)
_tile(
    tiles[1],
    "Service level",
    fmt.fmt_pct(cur.service_level),
    fmt.delta_pp(cur.service_level, prev.service_level),
    _sl_note(cur),
    help=metric_tooltip("service_level", TARGET_NOTE),
)
_tile(
    tiles[2],
    "Abandon rate",
    fmt.fmt_pct(cur.abandonment_rate),
    fmt.delta_pp(cur.abandonment_rate, prev.abandonment_rate),
    f"{fmt.fmt_int(cur.abandoned)} abandoned",
    help=metric_tooltip("abandonment_rate"),
    delta_color="inverse",
)
_tile(
    tiles[3],
    "ASA",
    fmt.fmt_mmss(cur.asa_seconds),
    fmt.delta_mmss(cur.asa_seconds, prev.asa_seconds),
    "Speed of answer (m:ss)",
    help=metric_tooltip("average_speed_of_answer"),
    delta_color="inverse",
)
_tile(
    tiles[4],
    "AHT",
    fmt.fmt_mmss(cur.aht_seconds),
    fmt.delta_mmss(cur.aht_seconds, prev.aht_seconds),
    f"Over {fmt.fmt_int(cur.handled)} handled",
    help=metric_tooltip("average_handle_time"),
    delta_color="inverse",
)
_tile(
    tiles[5],
    "CSAT",
    fmt.fmt_score(cur.csat),
    fmt.delta_score(cur.csat, prev.csat),
    f"{fmt.fmt_int(cur.csat_responses)} responses (1–5)",
    help=metric_tooltip("csat_score"),
)
st.caption(
    f"Arrows: change against the previous {f.days} day{'s' if f.days > 1 else ''} "
    f"({describe_period(previous)}); blue is better, orange is worse (for abandonment, ASA "
    "and AHT a fall is better). pp = percentage points."
)

# --- daily trend of the headline KPIs ---------------------------------------------------------
trend = api.daily_trend(f)
trend_head, trend_bar = st.columns([4, 1], vertical_alignment="center")
trend_head.markdown(
    f"**Daily trend** · {describe_period(f)} · service level against target "
    f"{fmt.fmt_pct(cur.sl_target)} (dashed), ASA, abandonment and offered per local day"
)
chart_toolbar(
    trend,
    "Overview daily trend",
    [spec.column for spec, _ in TREND] + ["service_level_target"],
    key="overview_trend",
    container=trend_bar,
    notes="One point per local day (site time) with contacts. " + TARGET_NOTE,
)
if trend["offered_contacts"].fillna(0).gt(0).sum() < 2:
    st.caption("A daily trend needs two or more days with contacts: choose a longer date range.")
else:
    for column, (spec, with_target) in zip(st.columns(len(TREND)), TREND, strict=True):
        fig = pc.lines(
            trend,
            spec,
            x="day",
            series=None,
            x_title="",
            target=cur.sl_target if with_target else None,
            height=200,
            category_x=False,
        )
        fig.update_xaxes(tickformat="%d %b", nticks=5 if f.days > 5 else None)
        # From zero: small moves are not magnified, and the m:ss ticks start at 0:00.
        fig.update_yaxes(rangemode="tozero", **({"tickformat": ",d"} if spec.is_count else {}))
        fig.update_traces(xhoverformat="%a %d %b %Y")
        fig.update_layout(margin={"l": 10, "r": 10, "t": 24, "b": 10})
        fig.update_annotations(bgcolor=LABEL_BACKGROUND)
        column.plotly_chart(fig, config=PLOTLY_CONFIG, key=f"overview_trend_{spec.column}")

# --- service level by interval for one day, and what changed ------------------------------------
left, right = st.columns([2.1, 1], gap="medium")
days = [f.end_date - timedelta(days=n) for n in range(f.days)]
if st.session_state.get("overview_day") not in days:
    st.session_state.pop("overview_day", None)
with left:
    chart_head, bar_col = st.columns([2, 1], vertical_alignment="center")
    chart_head.markdown("**Service level by 30-minute interval**")
    day_col, day_note = st.columns([1, 2], vertical_alignment="center")
    day = day_col.selectbox(
        "Day",
        days,
        format_func=lambda d: f"{d:%a %d %b %Y}",
        key="overview_day",
        label_visibility="collapsed",
    )
    intervals = api.service_level_by_interval(f, day)
    chart_toolbar(
        intervals,
        f"Overview intervals {day}",
        [
            "service_level",
            "service_level_target",
            "offered_contacts",
            "answered_contacts",
            "abandoned_contacts",
        ],
        key="overview_intervals",
        container=bar_col,
        notes="Intervals are 30 minutes of site local time; queues are summed per interval.",
    )
    day_kpis = api.kpi_summary(f.for_day(day))
    day_note.caption(
        f"Day total {fmt.fmt_pct(day_kpis.service_level)} against target "
        f"{fmt.fmt_pct(day_kpis.sl_target)} · {fmt.fmt_int(day_kpis.offered)} offered"
    )
    if intervals.empty or intervals["offered_contacts"].sum() == 0:
        st.info("No contacts in the selected queues on this day.")
    else:
        fig = charts.service_level_by_interval(
            intervals.rename(
                columns={
                    "offered_contacts": "offered",
                    "answered_contacts": "answered",
                    "abandoned_contacts": "abandoned",
                }
            ).assign(local_repeat=0),
            day_kpis.sl_target,
            height=270,
        )
        # Label the full hours only: 24+ "HH:MM" labels overlap in this width.
        hours = [x for x in fig.layout.xaxis.categoryarray or () if x.endswith(":00")]
        fig.update_xaxes(tickvals=hours)
        fig.update_annotations(bgcolor=LABEL_BACKGROUND)
        st.plotly_chart(fig, config=PLOTLY_CONFIG, key="overview_interval_chart")

with right:
    changes = api.queue_changes(f)
    what_head, what_bar = st.columns([0.9, 1.3], vertical_alignment="center")
    what_head.markdown("**What changed**")
    chart_toolbar(
        changes,
        "Overview what changed",
        ["service_level", "offered_contacts"],
        key="overview_changes",
        container=what_bar,
        notes="Per queue, against the previous period: the largest service-level moves of 1 pp "
        "or more, and the largest volume moves of 5% or more (at most 3 of each).",
    )
    st.caption(f"Per queue, against {describe_period(previous)}")

    def _sl_line(r) -> str:
        verb = "rose" if r.change > 0 else "fell"
        colour = "blue" if r.change > 0 else "orange"
        where = ""
        if pd.notna(r.target):
            where = " · above target" if r.current >= r.target else " · below target"
        return (
            f"**{r.queue_name}**: service level {verb} "
            f":{colour}[{abs(r.change) * 100:.1f}{NBSP}pp], "
            f"{fmt.fmt_pct(r.previous)}{NBSP}→{NBSP}{fmt.fmt_pct(r.current)}{where}"
        )

    def _volume_line(r) -> str:
        if r.previous == 0:
            return f"**{r.queue_name}**: {fmt.fmt_int(r.current)} offered, none the period before"
        if r.current == 0:
            return f"**{r.queue_name}**: no contacts, {fmt.fmt_int(r.previous)} the period before"
        verb = "up" if r.change > 0 else "down"
        return (
            f"**{r.queue_name}**: offered {verb} {abs(r.change_share) * 100:.0f}%, "
            f"{fmt.fmt_int(r.previous)}{NBSP}→{NBSP}{fmt.fmt_int(r.current)}"
        )

    if prev.offered == 0:
        st.markdown("No contacts in the previous period to compare with.")
    elif changes.empty:
        st.markdown(
            "No queue's service level moved by 1 pp or more, and no queue's volume by 5% or more."
        )
    else:
        lines = [
            _sl_line(r) if r.kind == "service_level" else _volume_line(r)
            for r in changes.itertuples()
        ]
        st.markdown("\n".join(f"- {line}" for line in lines))

# --- per-queue table ------------------------------------------------------------------------------
table_head, table_bar = st.columns([4, 1], vertical_alignment="center")
table_head.markdown(f"**By queue** · {describe_period(f)}")
queues = api.queue_table(f)
chart_toolbar(
    queues,
    "Overview by queue",
    QUEUE_TABLE_METRICS,
    key="overview_queues",
    container=table_bar,
    notes="A queue the filters allow with no contacts in the period shows 0 offered and no "
    "ratios or target.",
)
table = pd.DataFrame(
    {
        "Queue": queues["queue_name"],
        "Line of business": queues["line_of_business"],
        "Offered": queues["offered_contacts"],
        "Answered": queues["answered_contacts"],
        "Abandoned": queues["abandoned_contacts"],
        "Abandon %": queues["abandonment_rate"] * 100,
        "SL %": queues["service_level"] * 100,
        "SL target %": queues["service_level_target"] * 100,
        "SL vs target": (queues["service_level"] - queues["service_level_target"]) * 100,
        "ASA": queues["average_speed_of_answer"].map(fmt.fmt_mmss),
        "AHT": queues["average_handle_time"].map(fmt.fmt_mmss),
        "CSAT": queues["csat_score"],
        "Responses": queues["csat_responses_metric"],
    }
)
st.dataframe(
    table,
    hide_index=True,
    placeholder=fmt.DASH,
    key="overview_queue_table",
    column_config={
        "Offered": st.column_config.NumberColumn(
            format="localized", help=metric_tooltip("offered_contacts")
        ),
        "Answered": st.column_config.NumberColumn(
            format="localized", help=metric_tooltip("answered_contacts")
        ),
        "Abandoned": st.column_config.NumberColumn(
            format="localized", help=metric_tooltip("abandoned_contacts")
        ),
        "Abandon %": st.column_config.NumberColumn(
            format="%.1f%%", help=metric_tooltip("abandonment_rate")
        ),
        "SL %": st.column_config.NumberColumn(
            format="%.1f%%", help=metric_tooltip("service_level")
        ),
        "SL target %": st.column_config.NumberColumn(
            format="%.1f%%", help=metric_tooltip("service_level_target")
        ),
        "SL vs target": st.column_config.NumberColumn(
            format="%+.1f pp", help="Service level minus target, in percentage points."
        ),
        "ASA": st.column_config.TextColumn(
            help=metric_tooltip("average_speed_of_answer", "Shown as m:ss.")
        ),
        "AHT": st.column_config.TextColumn(
            help=metric_tooltip("average_handle_time", "Shown as m:ss.")
        ),
        "CSAT": st.column_config.NumberColumn(format="%.2f", help=metric_tooltip("csat_score")),
        "Responses": st.column_config.NumberColumn(
            format="localized", help=metric_tooltip("csat_responses_metric")
        ),
    },
)
