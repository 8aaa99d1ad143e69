"""Agents: scorecards per agent (AHT and its components, occupancy, adherence, FCR, CSAT, QA,
sales conversion, handled), ranked against the team and the center, and one agent's daily trend
against the center. Layout only: every number is a semantic-layer metric from apps.queries.api
(apps.queries.agents); what the signed-in user may see is enforced there (a supervisor gets
only their own team's agents)."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from apps.components import charts, tables
from apps.components import formatting as fmt
from apps.components.charts import PLOTLY_CONFIG
from apps.components.filters import current_filters, describe_period
from apps.components.metric_help import chart_toolbar, metric_tooltip
from apps.queries import api
from apps.queries.agents import AGENT_METRICS, BY_KEY, RANKED, TREND_KEYS

f = current_filters()
access = api.current_access()

NOTES = (
    "Each metric is dated by its own day: agent activity day (handled, AHT, occupancy, "
    "adherence), the contact's first queue day (FCR, sales conversion), the survey's sent day "
    "(CSAT) and the QA activity day. Agents are counted on their team of that day. Team and "
    "center values are the same metric over the team's or center's sums, not averages of agents. "
    "Site and line-of-business filters apply through the agent's site and the team's line of "
    "business; queue filters do not apply to agent metrics."
)


def show(key: str, value) -> str:
    """A metric value in the page's formats (percent 1 decimal, seconds m:ss)."""
    kind = BY_KEY[key].kind
    if kind == "int":
        return fmt.fmt_int(value)
    if kind == "seconds":
        return fmt.fmt_mmss(value)
    if kind == "fraction":
        return fmt.fmt_pct(value)
    if kind == "points":
        return fmt.DASH if value is None or pd.isna(value) else f"{value:.1f}%"
    return fmt.fmt_score(value)


def first(df: pd.DataFrame, key: str):
    if df.empty or key not in df.columns:
        return None
    v = df[key].iloc[0]
    return None if pd.isna(v) else v


scorecard = api.agent_scorecard(f)
center = api.agent_center_summary(f)
scope = api.agent_scope_summary(f)
teams = api.agent_team_summary(f)

narrowed = bool(f.team_ids) or access.agent_team_ids is not None
if access.agent_team_ids is not None:
    scope_name = "Your team" + ("s" if len(access.agent_team_ids) > 1 else "")
elif f.team_ids:
    scope_name = "Selected team" + ("s" if len(f.team_ids) > 1 else "")
else:
    scope_name = "Center"

head_left, head_right = st.columns([1, 2], vertical_alignment="center")
head_left.markdown("## Agents")
team_names = (
    ", ".join(sorted(scorecard["team_name"].dropna().unique())) if narrowed else "all teams"
)
head_right.markdown(
    f"**{describe_period(f)}**"
    + (f" ({f.days} days)" if f.days > 1 else "")
    + f" · {scope_name.lower()}: {team_names or 'none'}  \n"
    f":gray[{scorecard['agent_id'].nunique()} agents · ranks against the team and the whole "
    "center in the sidebar's sites and lines of business]",
    text_alignment="right",
)

if access.agent_team_ids is not None and not access.agent_team_ids:
    st.info(
        "Your user is a supervisor without a team in this snapshot, so no agent detail is "
        "shown. Ask an administrator to set your `teams` in the users file.",
        icon=":material/lock:",
    )

# --- Headline tiles: the agents in view against the center -----------------------------------
# The only page with seven tiles in a row (the others have at most five, at Streamlit's default
# 2.25rem). At 1440x900 each value box is 106 px wide and "100.0%" (a real FCR or adherence)
# takes 110 px at 2.25rem, so Streamlit would cut it to "100.…"; at 1.95rem it takes 95 px.
# Scoped to this row (keyed container), so no other element or page is affected.
st.html("<style>.st-key-agents_tiles [data-testid='stMetricValue']{font-size:1.95rem}</style>")
TILES = ("aht", "occupancy", "adherence", "fcr", "csat", "qa", "sales_conversion")
tiles = st.container(key="agents_tiles").columns(len(TILES))
# FCR counts a contact once its repeat window has closed, so the latest days never have one
# (the default range, the last 7 days, none at all): the tile, the scorecard and the Teams tab
# then show FCR over the latest period of the range's length whose windows have closed, and
# name it (the other metrics stay on the range).
closed_fcr = api.agent_closed_fcr(f) if first(scope, "fcr") is None else None
fcr_f = (
    replace(f, start_date=closed_fcr.start, end_date=closed_fcr.end)
    if closed_fcr is not None and closed_fcr.end < f.start_date
    else None
)
FCR_COLUMNS = ["fcr", "team_rank__fcr", "center_rank__fcr", "team_n__fcr", "center_n__fcr"]
if fcr_f is None:
    fcr_label = BY_KEY["fcr"].label
else:
    fcr_label = f"FCR {fcr_f.start_date:%d %b}" + (
        f"–{fcr_f.end_date:%d %b}" if fcr_f.end_date != fcr_f.start_date else ""
    )
    fcr_of = {"fcr_from": fcr_f.start_date, "fcr_to": fcr_f.end_date}
    if not scorecard.empty:
        lagged = api.agent_scorecard(fcr_f, keys=("fcr",))[["agent_id", "team_id", *FCR_COLUMNS]]
        scorecard = (
            scorecard.drop(columns=FCR_COLUMNS)
            .merge(lagged, on=["agent_id", "team_id"], how="left")
            .assign(**fcr_of)
        )
    if not teams.empty:
        lagged = api.agent_team_summary(fcr_f, keys=("fcr",))[["team_id", "fcr"]]
        teams = teams.drop(columns=["fcr"]).merge(lagged, on="team_id", how="left").assign(**fcr_of)
    center = center.assign(fcr=closed_fcr.center, **fcr_of)
FCR_NOTE = (
    None
    if fcr_f is None
    else f"{fcr_label}: FCR over the latest {f.days} day{'s' if f.days > 1 else ''} whose repeat "
    f"windows have closed ({describe_period(fcr_f)}); the selected days' contacts are still inside "
    "theirs. The other columns are the selected days."
)
FCR_HELP = metric_tooltip("first_contact_resolution_rate") + (f" {FCR_NOTE}" if FCR_NOTE else "")


def label(key: str) -> str:
    """A metric's column label (FCR's names its closed days when they are not the range)."""
    return fcr_label if key == "fcr" else BY_KEY[key].label


def tile_note(key: str, ref) -> str:
    """The caption under a tile: the center (when the view is narrowed), AHT's components, or
    the middle half of the agents."""
    if narrowed:
        return f"Center {show(key, ref)}"
    if key == "aht":
        return " · ".join(
            f"{BY_KEY[k].label} {show(k, first(center, k))}" for k in ("talk", "hold", "acw")
        )
    ranked = scorecard[key].dropna() if key in scorecard else pd.Series(dtype=float)
    if len(ranked) < 4:
        return "All teams"
    return f"Middle half of agents {show(key, ranked.quantile(0.25))}–{show(key, ranked.quantile(0.75))}"


for column, key in zip(tiles, TILES, strict=True):
    m = BY_KEY[key]
    value, ref = first(scope, key), first(center, key)
    if key == "fcr" and value is None and closed_fcr is None:
        note = "Repeat window still open for these days"
    elif key == "fcr" and value is None and fcr_f is None:
        note = "No eligible contact with a closed repeat window"
    elif key == "fcr" and value is None:
        value = closed_fcr.scope
        note = f"{describe_period(fcr_f)} (repeat window closed)" + (
            f" · center {show(key, closed_fcr.center)}" if narrowed else ""
        )
    else:
        note = tile_note(key, ref)
    with column.container(border=True, height="stretch"):
        st.metric(m.label, show(key, value), help=metric_tooltip(m.metric))
        st.caption(note)

tab_cards, tab_trend, tab_teams = st.tabs(
    [
        ":material/leaderboard: Scorecards",
        ":material/show_chart: Agent trend",
        ":material/groups: Teams",
    ]
)

# --- Scorecards ------------------------------------------------------------------------------
with tab_cards:
    bar_left, bar_right = st.columns([1, 2], vertical_alignment="bottom")
    rank_key = bar_left.selectbox(
        "Rank by",
        [m.key for m in RANKED],
        index=[m.key for m in RANKED].index("aht"),
        format_func=lambda k: (
            label(k) + (" (lower is better)" if BY_KEY[k].higher_is_better is False else "")
        ),
        key="agents_rank_by",
    )
    chart_toolbar(
        scorecard,
        "Agent scorecard",
        [m.metric for m in AGENT_METRICS],
        key="agents_scorecard",
        container=bar_right,
        notes=NOTES,
    )
    if scorecard.empty:
        st.info("No agent activity in the selected period and filters.")
    else:
        sc = scorecard.sort_values([f"center_rank__{rank_key}", "agent_name"], na_position="last")
        n_team = sc[f"team_n__{rank_key}"]
        n_center = sc[f"center_n__{rank_key}"]
        team_rank = sc[f"team_rank__{rank_key}"]
        center_rank = sc[f"center_rank__{rank_key}"]
        table = pd.DataFrame(
            {
                "Agent": sc["agent_name"].fillna(sc["agent_id"]),
                "Team": sc["team_name"].fillna(sc["team_id"]),
                "Handled": sc["handled"],
                "AHT": sc["aht"].map(fmt.fmt_mmss),
                "Talk": sc["talk"].map(fmt.fmt_mmss),
                "Hold": sc["hold"].map(fmt.fmt_mmss),
                "ACW": sc["acw"].map(fmt.fmt_mmss),
                "Occupancy": sc["occupancy"] * 100,
                "Adherence": sc["adherence"] * 100,
                fcr_label: sc["fcr"] * 100,
                "CSAT": sc["csat"],
                "QA": sc["qa"],
                "Sales conv.": sc["sales_conversion"] * 100,
                "Team rank": [
                    fmt.DASH if pd.isna(r) else f"{int(r)} / {int(n)}"
                    for r, n in zip(team_rank, n_team, strict=True)
                ],
                "Center rank": [
                    fmt.DASH if pd.isna(r) else f"{int(r)} / {int(n)}"
                    for r, n in zip(center_rank, n_center, strict=True)
                ],
            }
        )
        if table["Team"].nunique() <= 1:
            table = table.drop(columns=["Team"])  # one team in view: its name is in the header
        pct = {"format": "%.1f%%"}
        st.dataframe(
            table,
            hide_index=True,
            height=tables.fitted_height(len(table), 390),
            placeholder=fmt.DASH,
            column_config={
                "Agent": st.column_config.TextColumn(pinned=True),
                "Team": st.column_config.TextColumn(width=150),
                "Handled": st.column_config.NumberColumn(
                    format="localized", help=metric_tooltip("agent_handled_contacts")
                ),
                "AHT": st.column_config.TextColumn(
                    help=metric_tooltip("agent_average_handle_time", "m:ss; talk + hold + ACW.")
                ),
                "Talk": st.column_config.TextColumn(
                    width=52, help=metric_tooltip("agent_average_talk_time")
                ),
                "Hold": st.column_config.TextColumn(
                    width=52, help=metric_tooltip("agent_average_hold_time")
                ),
                "ACW": st.column_config.TextColumn(
                    width=52, help=metric_tooltip("agent_average_acw_time")
                ),
                "Occupancy": st.column_config.NumberColumn(**pct, help=metric_tooltip("occupancy")),
                "Adherence": st.column_config.NumberColumn(**pct, help=metric_tooltip("adherence")),
                fcr_label: st.column_config.NumberColumn(**pct, help=FCR_HELP),
                "CSAT": st.column_config.NumberColumn(
                    format="%.2f", help=metric_tooltip("csat_score")
                ),
                "QA": st.column_config.NumberColumn(**pct, help=metric_tooltip("qa_score")),
                "Sales conv.": st.column_config.NumberColumn(
                    **pct, help=metric_tooltip("sales_conversion_rate")
                ),
                "Team rank": st.column_config.TextColumn(
                    help=f"Rank by {label(rank_key)} within the agent's team "
                    "(1 = best; agents with a value)."
                ),
                "Center rank": st.column_config.TextColumn(
                    help=f"Rank by {label(rank_key)} among all agents of the center in "
                    "the sidebar's sites and lines of business (1 = best)."
                ),
            },
        )
        if FCR_NOTE:
            st.caption(FCR_NOTE)

# --- One agent's trend -----------------------------------------------------------------------
with tab_trend:
    if scorecard.empty:
        st.info("No agent activity in the selected period and filters.")
    else:
        agents = (
            scorecard.sort_values("agent_name")
            .drop_duplicates("agent_id")
            .set_index("agent_id")["agent_name"]
        )
        if st.session_state.get("agents_trend_agent") not in agents.index:
            st.session_state.pop("agents_trend_agent", None)
        pick_col, bar_col = st.columns([2, 3], vertical_alignment="bottom")
        agent_id = pick_col.selectbox(
            "Agent",
            list(agents.index),
            format_func=lambda a: f"{agents.get(a) or a} ({a})",
            key="agents_trend_agent",
        )
        trend = api.agent_trend(f, agent_id)
        ref = api.agent_center_trend(f)
        panels = [(k, f"{BY_KEY[k].label}", BY_KEY[k].kind) for k in TREND_KEYS]
        merged = ref.merge(trend, on="day", how="left", suffixes=("_center", ""))
        chart_toolbar(
            merged,
            f"Agent trend {agent_id}",
            [BY_KEY[k].metric for k in TREND_KEYS],
            key="agents_trend",
            container=bar_col,
            notes="Solid line: the agent; dashed: the center (same filters). A gap is a day "
            "without a value (no handled contact, schedule, survey or evaluation).",
        )
        st.plotly_chart(
            charts.agent_trend_panels(
                trend, ref, panels, agent_label=agents.get(agent_id) or agent_id, height=360
            ),
            config=PLOTLY_CONFIG,
            key="agents_trend_chart",
        )

# --- Team and center averages ----------------------------------------------------------------
with tab_teams:
    rows = pd.concat(
        [
            teams.assign(Team=teams["team_name"].fillna(teams["team_id"])),
            center.assign(Team="Center (all teams)"),
        ],
        ignore_index=True,
    )
    team_table = pd.DataFrame(
        {
            "Team": rows["Team"],
            **{
                label(k): rows[k].map(lambda v, k=k: show(k, v))
                for k in (
                    "handled",
                    "aht",
                    "talk",
                    "hold",
                    "acw",
                    "occupancy",
                    "adherence",
                    "fcr",
                    "csat",
                    "qa",
                    "sales_conversion",
                )
            },
        }
    )
    chart_toolbar(
        rows.drop(columns=["Team"]),
        "Team and center averages",
        [m.metric for m in AGENT_METRICS],
        key="agents_teams",
        notes=NOTES,
    )
    st.dataframe(team_table, hide_index=True)
    st.caption(NOTES + (f" {FCR_NOTE}" if FCR_NOTE else ""))
