"""Overview: the leadership page. KPI tiles vs the previous period, service level by interval
for one day, and the per-queue table. Layout only: numbers come from apps.queries.api; the KPI
tiles are semantic-layer metrics (offered_contacts, service_level, abandonment_rate,
average_speed_of_answer, average_handle_time, csat_score - see the Metric catalog page)."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from apps.components import charts
from apps.components import formatting as fmt
from apps.components.filters import current_filters, current_options, describe_period
from apps.queries import api

HELP = {
    "offered": "Contacts that entered a queue (a transfer counts once per queue entered).",
    "service_level": (
        "Metric service_level: under each queue's service-level policy; by default answered "
        "within the queue's threshold / (answered + abandoned − short abandons). "
        "Target: the queue's own; for several queues, the offered-weighted mean of their targets."
    ),
    "abandonment": "Abandoned / offered.",
    "asa": "Average speed of answer: total queue wait of answered contacts / answered.",
    "aht": "Average handle time: (talk + hold + after-call work) / handled.",
    "csat": "Mean survey score (1–5) of surveys answered, by the day the survey was sent.",
}

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
    if gap >= 0:
        return f"{text} · :blue[{gap * 100:.1f} pp above]"
    return f"{text} · :orange[**{-gap * 100:.1f} pp below**]"


tiles = st.columns(6)
_tile(
    tiles[0],
    "Offered",
    fmt.fmt_int(cur.offered),
    fmt.delta_int(cur.offered, prev.offered),
    f"{fmt.fmt_int(cur.answered)} answered",
    help=HELP["offered"],
    delta_color="off",
)
_tile(
    tiles[1],
    "Service level",
    fmt.fmt_pct(cur.service_level),
    fmt.delta_pp(cur.service_level, prev.service_level),
    _sl_note(cur),
    help=HELP["service_level"],
)
_tile(
    tiles[2],
    "Abandon rate",
    fmt.fmt_pct(cur.abandonment_rate),
    fmt.delta_pp(cur.abandonment_rate, prev.abandonment_rate),
    f"{fmt.fmt_int(cur.abandoned)} abandoned",
    help=HELP["abandonment"],
    delta_color="inverse",
)
_tile(
    tiles[3],
    "ASA",
    fmt.fmt_mmss(cur.asa_seconds),
    fmt.delta_mmss(cur.asa_seconds, prev.asa_seconds),
    "Speed of answer",
    help=HELP["asa"],
    delta_color="inverse",
)
_tile(
    tiles[4],
    "AHT",
    fmt.fmt_mmss(cur.aht_seconds),
    fmt.delta_mmss(cur.aht_seconds, prev.aht_seconds),
    f"Over {fmt.fmt_int(cur.handled)} handled",
    help=HELP["aht"],
    delta_color="inverse",
)
_tile(
    tiles[5],
    "CSAT",
    fmt.fmt_score(cur.csat),
    fmt.delta_score(cur.csat, prev.csat),
    f"{fmt.fmt_int(cur.csat_responses)} responses (1–5)",
    help=HELP["csat"],
)
st.caption(
    f"Arrows: change against the previous {f.days} day{'s' if f.days > 1 else ''} "
    f"({describe_period(previous)}); blue is better, orange is worse (for abandonment, ASA "
    "and AHT a fall is better). pp = percentage points."
)

# Service level by interval for one day of the chosen range (latest first).
days = [f.end_date - timedelta(days=n) for n in range(f.days)]
if st.session_state.get("overview_day") not in days:
    st.session_state.pop("overview_day", None)
chart_head, day_col = st.columns([4, 1], vertical_alignment="bottom")
day = day_col.selectbox(
    "Day",
    days,
    format_func=lambda d: f"{d:%a %d %b %Y}",
    key="overview_day",
    label_visibility="collapsed",
)
day_kpis = api.kpi_summary(f.for_day(day))
chart_head.markdown(
    f"**Service level by 30-minute interval** · {day:%a %d %b %Y} · day total "
    f"{fmt.fmt_pct(day_kpis.service_level)} (target {fmt.fmt_pct(day_kpis.sl_target)}), "
    f"{fmt.fmt_int(day_kpis.offered)} offered"
)
intervals = api.service_level_by_interval(f, day)
if intervals.empty or intervals["offered"].sum() == 0:
    st.info("No contacts in the selected queues on this day.")
else:
    st.plotly_chart(
        charts.service_level_by_interval(intervals, day_kpis.sl_target, height=260),
        config={"displayModeBar": False},
    )

st.markdown("**By queue**")
queues = api.queue_table(f)
table = pd.DataFrame(
    {
        "Queue": queues["queue_name"],
        "Line of business": queues["line_of_business"],
        "Offered": queues["offered"],
        "Answered": queues["answered"],
        "Abandoned": queues["abandoned"],
        "Abandon %": queues["abandonment_rate"] * 100,
        "SL %": queues["service_level"] * 100,
        "SL target %": queues["sl_target"] * 100,
        "SL vs target": (queues["service_level"] - queues["sl_target"]) * 100,
        "ASA": queues["asa_seconds"].map(fmt.fmt_mmss),
        "AHT": queues["aht_seconds"].map(fmt.fmt_mmss),
        "CSAT": queues["csat"],
        "Responses": queues["csat_responses"],
    }
)
st.dataframe(
    table,
    hide_index=True,
    placeholder=fmt.DASH,
    column_config={
        "Offered": st.column_config.NumberColumn(format="localized"),
        "Answered": st.column_config.NumberColumn(format="localized"),
        "Abandoned": st.column_config.NumberColumn(format="localized"),
        "Abandon %": st.column_config.NumberColumn(format="%.1f%%", help=HELP["abandonment"]),
        "SL %": st.column_config.NumberColumn(format="%.1f%%", help=HELP["service_level"]),
        "SL target %": st.column_config.NumberColumn(format="%.1f%%"),
        "SL vs target": st.column_config.NumberColumn(
            format="%+.1f pp", help="Service level minus target, in percentage points."
        ),
        "ASA": st.column_config.TextColumn(help=HELP["asa"]),
        "AHT": st.column_config.TextColumn(help=HELP["aht"]),
        "CSAT": st.column_config.NumberColumn(format="%.2f", help=HELP["csat"]),
        "Responses": st.column_config.NumberColumn(format="localized"),
    },
)
