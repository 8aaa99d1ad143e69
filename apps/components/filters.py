"""The shared sidebar filters: date range with presets, site, line of business, queue, team.

Rendered once per run by the entrypoint (so they persist across pages) under global,
un-prefixed session-state keys; pages read the result with :func:`current_filters`.

Presets end on the last day in the snapshot ("Latest day" is yesterday when the pipeline ran
this morning), not on the wall-clock date, so a snapshot that is a few days old still shows
data instead of an empty page; the freshness line on each page says how old it is.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from apps.queries.filters import ServiceFilters
from apps.queries.service import FilterOptions

PRESETS: dict[str, int | None] = {
    "Latest day": 1,
    "Last 7 days": 7,
    "Last 30 days": 30,
    "Last 90 days": 90,
    "Custom": None,
}
DEFAULT_PRESET = "Last 7 days"

# Global session-state keys (shared by every page).
KEY_PRESET = "date_preset"
KEY_RANGE = "date_range"
KEY_SITE = "site"
KEY_LOB = "line_of_business"
KEY_QUEUE = "queue"
KEY_TEAM = "team"
KEY_FILTERS = "service_filters"
KEY_OPTIONS = "filter_options"


def preset_range(preset: str, last_date: date) -> tuple[date, date]:
    days = PRESETS[preset]
    if days is None:
        raise ValueError("the Custom preset has no fixed range")
    return last_date - timedelta(days=days - 1), last_date


def _prune(key: str, allowed: list[str]) -> None:
    """Drop remembered selections that are no longer options (e.g. after a site change)."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in allowed]


def render_sidebar_filters(
    options: FilterOptions, teams: pd.DataFrame | None = None
) -> ServiceFilters:
    """Render the filters; ``teams`` (team_id, team_name, site_id, line_of_business) adds the
    team filter, narrowed by the chosen sites and lines of business. The team filter applies to
    agent-level views (agents, quality, customer voice by agent), not to queue metrics."""
    today = date.today()
    last = options.last_date or today - timedelta(days=1)
    first = options.first_date or last

    with st.sidebar:
        st.markdown("**Filters**")
        preset = st.selectbox(
            "Date range",
            list(PRESETS),
            index=list(PRESETS).index(DEFAULT_PRESET),
            key=KEY_PRESET,
            help=f"Presets end on the last day in the snapshot ({last:%d %b %Y}).",
        )
        if preset == "Custom":
            picked = st.date_input(
                "From – to",
                value=(max(first, last - timedelta(days=6)), last),
                min_value=first,
                max_value=last,
                key=KEY_RANGE,
                # Keep the custom range when the user flips to a preset and back.
                persist_state="session",
            )
            # While the user is picking, the widget briefly holds only the start date.
            if isinstance(picked, (tuple, list)):
                start = picked[0] if picked else last
                end = picked[1] if len(picked) > 1 else start
            else:
                start = end = picked
        else:
            start, end = preset_range(preset, last)

        queues = options.queues
        _prune(KEY_SITE, options.site_ids)
        sites = st.multiselect("Site", options.site_ids, key=KEY_SITE, placeholder="All sites")
        _prune(KEY_LOB, options.lines_of_business)
        lobs = st.multiselect(
            "Line of business",
            options.lines_of_business,
            key=KEY_LOB,
            placeholder="All lines of business",
        )
        visible = queues
        if sites:
            visible = visible[visible["site_id"].isin(sites)]
        if lobs:
            visible = visible[visible["line_of_business"].isin(lobs)]
        names = dict(zip(visible["queue_id"], visible["queue_name"], strict=True))
        _prune(KEY_QUEUE, list(names))
        queue_ids = st.multiselect(
            "Queue",
            list(names),
            format_func=lambda q: names.get(q, q),
            key=KEY_QUEUE,
            placeholder="All queues",
        )
        team_ids: list[str] = []
        if teams is not None and not teams.empty:
            shown = teams
            if sites:
                shown = shown[shown["site_id"].isin(sites) | shown["site_id"].isna()]
            if lobs:
                shown = shown[
                    shown["line_of_business"].isin(lobs) | shown["line_of_business"].isna()
                ]
            team_names = dict(zip(shown["team_id"], shown["team_name"], strict=True))
            _prune(KEY_TEAM, list(team_names))
            team_ids = st.multiselect(
                "Team",
                list(team_names),
                format_func=lambda t: team_names.get(t) or t,
                key=KEY_TEAM,
                placeholder="All teams",
                help="Agent views (Agents, Quality, Customer voice by agent). Queue metrics "
                "have no team.",
            )

    filters = ServiceFilters(
        start_date=start,
        end_date=end,
        site_ids=tuple(sites),
        queue_ids=tuple(queue_ids),
        lines_of_business=tuple(lobs),
        team_ids=tuple(team_ids),
    )
    st.session_state[KEY_FILTERS] = filters
    st.session_state[KEY_OPTIONS] = options
    return filters


def current_filters() -> ServiceFilters:
    return st.session_state[KEY_FILTERS]


def current_options() -> FilterOptions:
    return st.session_state[KEY_OPTIONS]


def describe_period(f: ServiceFilters) -> str:
    """'Thu 28 Mar 2024' for one day, '22 Mar – 28 Mar 2024' for a range."""
    if f.start_date == f.end_date:
        return f"{f.start_date:%a %d %b %Y}"
    start_fmt = "%d %b" if f.start_date.year == f.end_date.year else "%d %b %Y"
    return f"{f.start_date:{start_fmt}} – {f.end_date:%d %b %Y}"
