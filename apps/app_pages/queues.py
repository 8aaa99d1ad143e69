"""Queues: per queue, service level, ASA, abandonment and volume by 30-minute interval, as a
heat map (day or weekday x interval) and as lines (one per queue), with the target; drill
into one day's intervals. Layout only: every number is a semantic-layer metric
(apps.queries.queues through apps.queries.page_api), and every chart and table carries the
catalog's definitions and a CSV (apps.components.metric_help.chart_toolbar)."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from apps.components import formatting as fmt
from apps.components import page_charts as pc
from apps.components.charts import PLOTLY_CONFIG
from apps.components.filters import current_filters, current_options, describe_period
from apps.components.metric_help import chart_toolbar, metric_tooltip
from apps.queries import api, page_api
from apps.queries.queues import QUEUE_METRICS, scoped, thin_points_note, without_thin_points

SPECS = {
    "Service level": pc.MetricSpec("service_level", "Service level", "%", True),
    "ASA": pc.MetricSpec("average_speed_of_answer", "ASA", "m:ss", False),
    "Abandonment": pc.MetricSpec("abandonment_rate", "Abandonment", "%", False),
    "Offered": pc.MetricSpec("offered_contacts", "Offered", "contacts", None),
}
OFFERED = SPECS["Offered"]
INTERVAL_NOTES = (
    "Intervals are 30 minutes in the queue's site local time; each value is the metric over the "
    "contacts of that interval (a ratio of sums, never an average of intervals)."
)


def _defined(first: str) -> list[str]:
    """The metrics a chart's Definitions list: the one shown first, then the others in its CSV."""
    return [first, *(m for m in QUEUE_METRICS if m != first)]


def _first(df: pd.DataFrame, column: str):
    if df.empty or column not in df.columns:
        return None
    v = df[column].iloc[0]
    return None if pd.isna(v) else v


f = current_filters()
options = current_options()
version = api.snapshot_version()

# --- header and controls ----------------------------------------------------------------------
head, ctl_queue, ctl_metric = st.columns([2.2, 1.6, 2.6], vertical_alignment="bottom")
head.markdown("## Queues")
head.caption(
    f"**{describe_period(f)}** · data through "
    f"{options.last_date:%a %d %b %Y}" if options.last_date else "No queue intervals yet."
)
queues = options.queues
if f.site_ids:
    queues = queues[queues["site_id"].isin(f.site_ids)]
if f.lines_of_business:
    queues = queues[queues["line_of_business"].isin(f.lines_of_business)]
if f.queue_ids:
    queues = queues[queues["queue_id"].isin(f.queue_ids)]
names = dict(zip(queues["queue_id"], queues["queue_name"], strict=True))
choices = [None, *names]
if st.session_state.get("queues_queue") not in choices:
    st.session_state.pop("queues_queue", None)
queue_id = ctl_queue.selectbox(
    "Queue",
    choices,
    format_func=lambda q: "All queues in the filters" if q is None else names.get(q, q),
    key="queues_queue",
)
metric_name = ctl_metric.segmented_control(
    "Metric", list(SPECS), default="Service level", key="queues_metric"
) or "Service level"
spec = SPECS[metric_name]
scope = scoped(f, queue_id)

# --- tiles ------------------------------------------------------------------------------------
kpis = page_api.queue_kpis(scope)
target = _first(kpis, "service_level_target")
sl = _first(kpis, "service_level")
tiles = st.columns(5)


def _tile(col, label, value, note, help_text):
    with col.container(border=True):
        st.metric(label, value, help=help_text)
        st.caption(note)


gap = "" if sl is None or target is None else f" · {(sl - target) * 100:+.1f} pp"
_tile(tiles[0], "Offered", fmt.fmt_int(_first(kpis, "offered_contacts")),
      f"{fmt.fmt_int(_first(kpis, 'answered_contacts'))} answered",
      metric_tooltip("offered_contacts"))
_tile(tiles[1], "Service level", fmt.fmt_pct(sl),
      f"Target {fmt.fmt_pct(target)}{gap}", metric_tooltip("service_level"))
_tile(tiles[2], "ASA", fmt.fmt_mmss(_first(kpis, "average_speed_of_answer")),
      "Speed of answer (m:ss)", metric_tooltip("average_speed_of_answer"))
_tile(tiles[3], "Abandonment", fmt.fmt_pct(_first(kpis, "abandonment_rate")),
      f"{fmt.fmt_int(_first(kpis, 'abandoned_contacts'))} abandoned",
      metric_tooltip("abandonment_rate"))
# Share of the period's 30-minute intervals (with contacts) that met the service-level target.
cells = page_api.queue_heat_map(scope, "day")
cells = cells[cells["offered_contacts"] > 0] if not cells.empty else cells
on_target = (
    None if cells.empty or target is None
    else float((cells["service_level"].fillna(0) >= target).mean())
)
_tile(tiles[4], "Intervals on target", fmt.fmt_pct(on_target),
      f"of {fmt.fmt_int(len(cells))} intervals with contacts",
      "Share of the period's 30-minute intervals (day x interval, the heat map's cells) whose "
      "service level met the target shown. " + metric_tooltip("service_level"))

# --- heat map and lines -------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    # Title and toolbar in one row, the control under them (a half-width row cannot hold all
    # three at 1440 px).
    h1, h3 = st.columns([1.4, 1], vertical_alignment="center")
    by = st.segmented_control(
        "Rows", ["Day", "Weekday"], default="Day", key="queues_heat_rows",
        label_visibility="collapsed",
    ) or "Day"
    h1.markdown(f"**{spec.label} by interval and {by.lower()}**", help=metric_tooltip(spec.column))
    heat = page_api.queue_heat_map(scope, "day" if by == "Day" else "weekday")
    active = heat[heat["offered_contacts"] > 0]
    chart_toolbar(
        heat, f"queues heat map {by} {metric_name}", _defined(spec.column), key="queues_heat",
        container=h3,
        notes=INTERVAL_NOTES + " Weekday rows: the period's days of that weekday together.",
    )
    if active.empty:
        st.info("No contacts offered in the selected queues and period.")
    else:
        shown = heat[heat["interval"].isin(active["interval"].unique())]
        if by == "Day":
            shown = shown.assign(row=[f"{d:%a %d %b}" for d in shown["row"]])
        st.plotly_chart(
            pc.heat_map(shown, spec, row_label=by,
                        target=target if spec.column == "service_level" else None, height=330),
            config=PLOTLY_CONFIG, key="queues_heat_chart",
        )
with right:
    r1, r3 = st.columns([1.4, 1], vertical_alignment="center")
    r1.markdown(f"**{spec.label} by interval of day**", help=metric_tooltip(spec.column))
    # In the row the heat map's Day/Weekday control takes on the left, so both charts line up.
    st.markdown("One line per queue, whole period")
    profile = page_api.queue_interval_profile(scope)
    chart_toolbar(profile, f"queues interval profile {metric_name}", _defined(spec.column),
                  key="queues_profile", container=r3,
                  notes=INTERVAL_NOTES + " Each line: one queue over the whole period.")
    profile = profile[profile["interval"].isin(active["interval"].unique())] if not active.empty else profile.iloc[0:0]
    if profile.empty:
        st.info("No contacts offered in the selected queues and period.")
    else:
        drawn, thin = without_thin_points(profile, spec.column)
        st.plotly_chart(
            pc.lines(drawn, spec, x="interval", series="queue_name",
                     x_title="Interval start (site local time)",
                     target=target if spec.column == "service_level" else None, height=330),
            config=PLOTLY_CONFIG, key="queues_lines_chart",
        )
        if not thin.empty:
            st.caption(thin_points_note(thin, spec.column))

# --- drill into a day -------------------------------------------------------------------------
days = [f.end_date - timedelta(days=n) for n in range(f.days)]
if st.session_state.get("queues_day") not in days:
    st.session_state.pop("queues_day", None)
d1, d2, d3 = st.columns([3.4, 1.2, 1.4], vertical_alignment="bottom")
day = d2.selectbox("Day", days, format_func=lambda d: f"{d:%a %d %b %Y}", key="queues_day")
day_kpis = page_api.queue_kpis(scope.for_day(day))
d1.markdown(
    f"**{day:%a %d %b %Y}: {spec.label.lower()} and offered by 30-minute interval** · day "
    f"service level {fmt.fmt_pct(_first(day_kpis, 'service_level'))} (target "
    f"{fmt.fmt_pct(_first(day_kpis, 'service_level_target'))}), "
    f"{fmt.fmt_int(_first(day_kpis, 'offered_contacts'))} offered",
    help=metric_tooltip(spec.column),
)
intervals = page_api.queue_day_intervals(scope, day)
chart_toolbar(intervals, f"queues {day} intervals", _defined(spec.column), key="queues_day",
              container=d3, notes=INTERVAL_NOTES)
if intervals.empty or intervals["offered_contacts"].sum() == 0:
    st.info("No contacts in the selected queues on this day.")
else:
    on = intervals.index[intervals["offered_contacts"] > 0]
    part = intervals.loc[on[0] : on[-1]]
    line_spec = spec if spec is not OFFERED else SPECS["Service level"]
    st.plotly_chart(
        pc.bars_with_line(
            part, OFFERED, line_spec, x="interval", x_title="Interval start (site local time)",
            target=_first(day_kpis, "service_level_target")
            if line_spec.column == "service_level" else None,
            height=290,
        ),
        config=PLOTLY_CONFIG, key="queues_day_chart",
    )

# --- per queue table ----------------------------------------------------------------------------
t1, t3 = st.columns([4.6, 1.4], vertical_alignment="center")
t1.markdown("**By queue** (whole period)")
table_raw = page_api.queue_period_table(scope)
chart_toolbar(table_raw, "queues by queue", QUEUE_METRICS, key="queues_table", container=t3)
table = pd.DataFrame(
    {
        "Queue": table_raw["queue_name"],
        "Offered": table_raw["offered_contacts"],
        "Answered": table_raw["answered_contacts"],
        "Abandoned": table_raw["abandoned_contacts"],
        "SL %": table_raw["service_level"] * 100,
        "SL target %": table_raw["service_level_target"] * 100,
        "ASA": table_raw["average_speed_of_answer"].map(fmt.fmt_mmss),
        "Abandon %": table_raw["abandonment_rate"] * 100,
    }
)
st.dataframe(
    table,
    hide_index=True,
    placeholder=fmt.DASH,
    key="queues_table",
    column_config={
        "Offered": st.column_config.NumberColumn(format="localized",
                                                 help=metric_tooltip("offered_contacts")),
        "Answered": st.column_config.NumberColumn(format="localized",
                                                  help=metric_tooltip("answered_contacts")),
        "Abandoned": st.column_config.NumberColumn(format="localized",
                                                   help=metric_tooltip("abandoned_contacts")),
        "SL %": st.column_config.NumberColumn(format="%.1f%%",
                                              help=metric_tooltip("service_level")),
        "SL target %": st.column_config.NumberColumn(
            format="%.1f%%", help=metric_tooltip("service_level_target")),
        "ASA": st.column_config.TextColumn(help=metric_tooltip("average_speed_of_answer")),
        "Abandon %": st.column_config.NumberColumn(format="%.1f%%",
                                                   help=metric_tooltip("abandonment_rate")),
    },
)
