"""Agents page: per-agent scorecards, ranks against team and center, and an agent's trend.

Every number is a semantic-layer metric (dbt_project/models/semantic): MetricFlow compiles the
request (metrics x group by agent / team / day, where on date, site, line of business and team)
and the SQL runs read-only on the snapshot. Ratios are therefore ratios of sums at every level:
the team and center averages are the same metric grouped by team or not grouped at all, never
an average of the agents' ratios.

Metrics (sem_agent_days.yml, sem_contacts.yml, sem_qa_evaluations.yml):
handled = agent_handled_contacts; AHT = agent_average_handle_time with its components
agent_average_talk_time / _hold_time / _acw_time (talk + hold + ACW = AHT); occupancy;
adherence; FCR = first_contact_resolution_rate; CSAT = csat_score; QA = qa_score (percent
points, 0-100); sales conversion = sales_conversion_rate. Each metric is dated by its own
model's day (activity day, contact day, survey sent day, QA activity day) and attributed to the
agent's team of that day.

Sidebar filters on this page: date range; site = the agent's roster site (``agent__site_id``);
line of business = the team's (``team__line_of_business``); team = the team of the day. Queue
filters do not apply to agent metrics.

Access (apps.queries.access): every function here that returns agent-level rows takes an
:class:`AccessContext`. The scorecard ranks each agent against the whole center, then keeps only
the rows of the teams the context allows, in SQL with ``?`` parameters; the trend adds a
``team`` where constraint to the MetricFlow request. A supervisor never receives another team's
agent rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from apps.queries.access import AccessContext, secure_metric_query, team_clause
from apps.queries.filters import ServiceFilters
from apps.queries.semantic import (
    MetricQuery,
    SemanticLayer,
    connect_for_catalogs,
    date_range_filter,
    in_list,
    sql_literal,
)


@dataclass(frozen=True)
class AgentMetric:
    key: str  # column name in the results
    metric: str  # semantic-layer metric name
    label: str
    kind: str  # "int" | "seconds" | "fraction" | "points" (0-100) | "score" (1-5)
    higher_is_better: bool | None  # None: not ranked (AHT components)


AGENT_METRICS: tuple[AgentMetric, ...] = (
    AgentMetric("handled", "agent_handled_contacts", "Handled", "int", True),
    AgentMetric("aht", "agent_average_handle_time", "AHT", "seconds", False),
    AgentMetric("talk", "agent_average_talk_time", "Talk", "seconds", None),
    AgentMetric("hold", "agent_average_hold_time", "Hold", "seconds", None),
    AgentMetric("acw", "agent_average_acw_time", "ACW", "seconds", None),
    AgentMetric("occupancy", "occupancy", "Occupancy", "fraction", True),
    AgentMetric("adherence", "adherence", "Adherence", "fraction", True),
    AgentMetric("fcr", "first_contact_resolution_rate", "FCR", "fraction", True),
    AgentMetric("csat", "csat_score", "CSAT", "score", True),
    AgentMetric("qa", "qa_score", "QA", "points", True),
    AgentMetric("sales_conversion", "sales_conversion_rate", "Sales conv.", "fraction", True),
)
BY_KEY = {m.key: m for m in AGENT_METRICS}
RANKED = tuple(m for m in AGENT_METRICS if m.higher_is_better is not None)
TREND_KEYS = ("aht", "adherence", "qa", "csat")

_RENAME = {
    "agent": "agent_id",
    "agent__full_name": "agent_name",
    "team": "team_id",
    "team__team_name": "team_name",
    "metric_time__day": "day",
}


def agent_where(f: ServiceFilters, *, with_teams: bool = True) -> tuple[str, ...]:
    """The sidebar filters as MetricFlow where constraints for agent metrics."""
    clauses = [date_range_filter(f.start_date, f.end_date)]
    if f.site_ids:
        clauses.append(f"{{{{ Dimension('agent__site_id') }}}} in {in_list(f.site_ids)}")
    if f.lines_of_business:
        clauses.append(
            f"{{{{ Dimension('team__line_of_business') }}}} in {in_list(f.lines_of_business)}"
        )
    if with_teams and f.team_ids:
        clauses.append(f"{{{{ Entity('team') }}}} in {in_list(f.team_ids)}")
    return tuple(clauses)


def _metric_names(keys=None) -> tuple[str, ...]:
    chosen = AGENT_METRICS if keys is None else [BY_KEY[k] for k in keys]
    return tuple(m.metric for m in chosen)


def _tidy(df: pd.DataFrame, keys=None) -> pd.DataFrame:
    chosen = AGENT_METRICS if keys is None else [BY_KEY[k] for k in keys]
    df = df.rename(columns={**_RENAME, **{m.metric: m.key for m in chosen}})
    for m in chosen:
        if m.key in df.columns:
            if m.kind == "int":
                df[m.key] = pd.to_numeric(df[m.key]).fillna(0).astype("int64")
            else:
                df[m.key] = pd.to_numeric(df[m.key], errors="coerce").astype("float64")
    return df


def scorecard_request(f: ServiceFilters, keys=None) -> MetricQuery:
    """Per agent and team of the day, over the whole center (site / LOB filters, no team)."""
    return MetricQuery(
        metrics=_metric_names(keys),
        group_by=("agent", "agent__full_name", "team", "team__team_name"),
        where=agent_where(f, with_teams=False),
    )


def _rank_columns(keys=None) -> str:
    cols = []
    for m in RANKED:
        if keys is not None and m.key not in keys:
            continue
        order = "desc" if m.higher_is_better else "asc"
        c = f'm."{m.metric}"'
        for scope, part in (("team", 'partition by m."team" '), ("center", "")):
            cols.append(
                f"case when {c} is null then null else rank() over ({part}order by {c} {order} "
                f'nulls last) end as "{scope}_rank__{m.key}"'
            )
            cols.append(f'count({c}) over ({part.strip()}) as "{scope}_n__{m.key}"')
    return ",\n       ".join(cols)


def agent_scorecard(
    layer: SemanticLayer,
    f: ServiceFilters,
    access: AccessContext,
    snapshot_path: Path | str | None = None,
    keys: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """One row per agent (and team of the day) with every metric (or those of ``keys``) and its
    team/center rank.

    Ranks: 1 = best (lowest AHT, highest of the others) among the agents with a value, over the
    whole center in scope (site / line of business) and within the agent's team;
    ``<scope>_n__<key>`` is the number of ranked agents. Only the rows of the teams the access
    context allows, further narrowed to the sidebar's team selection, are returned.
    """
    sql = layer.compile(scorecard_request(f, keys))
    allowed, params = team_clause(access, 'r."team"')
    chosen = ""
    if f.team_ids:
        chosen = f' and r."team" in ({", ".join("?" for _ in f.team_ids)})'
        params = [*params, *f.team_ids]
    wrapped = f"""
select * from (
    select m.*,
       {_rank_columns(keys)}
    from ({sql}) as m
    where m."agent" is not null
) as r
where ({allowed}){chosen}
order by r."team__team_name", r."agent__full_name", r."agent"
"""
    with connect_for_catalogs(snapshot_path, layer.catalogs) as con:
        df = con.execute(wrapped, params).df()
    df = _tidy(df, keys)
    for col in df.columns:
        if "_rank__" in col or "_n__" in col:
            df[col] = df[col].astype("Int64")
    return df.reset_index(drop=True)


def team_summary(
    layer: SemanticLayer,
    f: ServiceFilters,
    access: AccessContext,
    snapshot_path: Path | str | None = None,
    keys: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The same metrics (or those of ``keys``) per team (ratios of the team's sums), for the
    teams the context sees."""
    sql = layer.compile(
        MetricQuery(
            metrics=_metric_names(keys),
            group_by=("team", "team__team_name"),
            where=agent_where(f),
        )
    )
    allowed, params = team_clause(access, 't."team"')
    with connect_for_catalogs(snapshot_path, layer.catalogs) as con:
        df = con.execute(
            f'select * from ({sql}) as t where t."team" is not null and {allowed} '
            'order by t."team__team_name"',
            params,
        ).df()
    return _tidy(df, keys).reset_index(drop=True)


def scope_summary(
    layer: SemanticLayer,
    f: ServiceFilters,
    access: AccessContext,
    snapshot_path: Path | str | None = None,
) -> pd.DataFrame:
    """The metrics over the agents in view: the sidebar's teams, within the teams the access
    context allows (one row; equals the center when nothing narrows it)."""
    scoped = _in_view(f, access)
    if scoped is None:
        return _tidy(pd.DataFrame({m.metric: [None] for m in AGENT_METRICS}))
    q = MetricQuery(metrics=_metric_names(), where=agent_where(scoped))
    return _tidy(layer.query(q, snapshot_path))


def _in_view(f: ServiceFilters, access: AccessContext) -> ServiceFilters | None:
    """``f`` narrowed to the agents in view: the sidebar's teams within the teams the access
    context allows (None: the context allows none of them)."""
    teams = f.team_ids
    if access.agent_team_ids is not None:
        teams = tuple(t for t in (teams or access.agent_team_ids) if access.allows_team(t))
        if not teams:
            return None
    return replace(f, team_ids=teams)


def center_summary(
    layer: SemanticLayer, f: ServiceFilters, snapshot_path: Path | str | None = None
) -> pd.DataFrame:
    """The metrics over the whole center in scope (one row; no agent detail, no team choice)."""
    df = layer.query(
        MetricQuery(metrics=_metric_names(), where=agent_where(f, with_teams=False)),
        snapshot_path,
    )
    return _tidy(df)


# Repeat-contact FCR counts a contact only once its repeat window (dbt var fcr_window_days, 7 by
# default) has closed, so the last days of the data never have a value: the default range, the
# last 7 days, shows none. The page then shows FCR (tile, scorecard, teams) over the latest
# period of the same length whose windows have closed (latest_closed_fcr names it). The search
# reaches this many days before the range (windows up to 31 days: SQM's 30-day FCR included).
FCR_LOOKBACK_DAYS = 31
FCR_PARTS = ("fcr_resolved_contacts_metric", "fcr_contacts_metric")


@dataclass(frozen=True)
class ClosedFcr:
    """FCR (first_contact_resolution_rate: resolved / eligible contacts with a closed window)
    over ``start``..``end``, the latest days as many as the range's whose windows have closed:
    of the agents in view (``scope``) and of the center in scope (``center``)."""

    start: date
    end: date
    scope: float | None
    center: float | None


def _fcr_by_day(layer: SemanticLayer, f: ServiceFilters, snapshot_path) -> pd.DataFrame:
    df = layer.query(
        MetricQuery(metrics=FCR_PARTS, group_by=("metric_time__day",), where=agent_where(f)),
        snapshot_path,
    )
    df["day"] = pd.to_datetime(df["metric_time__day"]).dt.date
    return df


def _fcr_over(by_day: pd.DataFrame, start: date, end: date) -> float | None:
    """The ratio metric over the days' sums (its numerator and denominator metrics by day)."""
    days = by_day[(by_day["day"] >= start) & (by_day["day"] <= end)]
    eligible = pd.to_numeric(days["fcr_contacts_metric"]).sum()
    return float(pd.to_numeric(days["fcr_resolved_contacts_metric"]).sum() / eligible) if eligible else None


def latest_closed_fcr(
    layer: SemanticLayer,
    f: ServiceFilters,
    access: AccessContext,
    snapshot_path: Path | str | None = None,
) -> ClosedFcr | None:
    """FCR over the latest ``f.days`` days up to ``f.end_date`` whose repeat windows have closed
    (the last day with an eligible contact of closed window in the center is the period's end),
    or None when no such day lies within FCR_LOOKBACK_DAYS before the range."""
    lookback = replace(f, start_date=f.start_date - timedelta(days=FCR_LOOKBACK_DAYS))
    center = _fcr_by_day(layer, replace(lookback, team_ids=()), snapshot_path)
    closed = center.loc[pd.to_numeric(center["fcr_contacts_metric"]) > 0, "day"]
    if closed.empty:
        return None
    end = closed.max()
    start = end - timedelta(days=f.days - 1)
    center_value = _fcr_over(center, start, end)
    scoped = _in_view(lookback, access)
    if scoped is None:
        scope_value = None
    elif not scoped.team_ids:
        scope_value = center_value
    else:
        by_day = _fcr_by_day(layer, scoped, snapshot_path)
        scope_value = _fcr_over(by_day, start, end)
    return ClosedFcr(start=start, end=end, scope=scope_value, center=center_value)


def agent_trend(
    layer: SemanticLayer,
    f: ServiceFilters,
    agent_id: str,
    access: AccessContext,
    snapshot_path: Path | str | None = None,
    keys: tuple[str, ...] = TREND_KEYS,
) -> pd.DataFrame:
    """One agent's metrics per day (days on the teams the context allows)."""
    q = MetricQuery(
        metrics=_metric_names(keys),
        group_by=("metric_time__day",),
        where=(
            *agent_where(f, with_teams=False),
            f"{{{{ Entity('agent') }}}} = {sql_literal(agent_id)}",
        ),
        order_by=("metric_time__day",),
    )
    df = layer.query(secure_metric_query(access, q), snapshot_path)
    return _tidy(df, keys)


def center_trend(
    layer: SemanticLayer,
    f: ServiceFilters,
    snapshot_path: Path | str | None = None,
    keys: tuple[str, ...] = TREND_KEYS,
) -> pd.DataFrame:
    """The center's metrics per day (the reference line of the agent trend)."""
    q = MetricQuery(
        metrics=_metric_names(keys),
        group_by=("metric_time__day",),
        where=agent_where(f, with_teams=False),
        order_by=("metric_time__day",),
    )
    return _tidy(layer.query(q, snapshot_path), keys)


def team_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Teams for the sidebar filter (dim_teams): team_id, team_name, site_id, line_of_business."""
    try:
        return con.execute(
            "select team_id, team_name, site_id, line_of_business from dim_teams "
            "order by team_name, team_id"
        ).df()
    except duckdb.CatalogException:
        return pd.DataFrame(columns=["team_id", "team_name", "site_id", "line_of_business"])


def without_team_choice(f: ServiceFilters) -> ServiceFilters:
    return replace(f, team_ids=())
