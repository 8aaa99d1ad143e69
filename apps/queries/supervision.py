"""Supervisor workflows: the My team and Workforce pages' data access.

Pure functions take a read-only DuckDB connection to the serving snapshot, the signed-in
user's :class:`apps.queries.access.AccessContext` and typed filter values; SQL uses ``?``
parameters only and reads the ``fct_``/``rpt_``/``dim_`` relations of
dbt_project/models/marts/supervision (and the workforce marts). The thin cached wrappers at
the bottom are what pages import.

Access: every function that returns agent-level rows (one row per agent, session, timesheet,
leave request or case) adds the context's ``team_id in (...)`` condition in SQL
(:func:`apps.queries.access.team_clause`), so a supervisor never receives another team's rows.
Center benchmarks (the center's value of a metric) are aggregates and are computed over every
agent, as the access rules allow.

Numbers follow the semantic layer's definitions: each focus metric is sum(numerator) /
sum(denominator) of rpt_agent_focus_metric_daily, the same formulas as the semantic metric of
that name (the integration test checks it), never an average of ratios.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from apps.queries.access import AccessContext, team_clause
from apps.queries.connection import SnapshotVersion, connect, snapshot_version

TTL_SECONDS = 600


@dataclass(frozen=True)
class FocusMetric:
    name: str  # semantic-layer metric name
    label: str
    kind: str  # seconds | fraction | points (0-100) | score (1-5)
    min_volume: float  # smallest denominator for an agent's value to be ranked
    volume_label: str


FOCUS_METRICS: tuple[FocusMetric, ...] = (
    FocusMetric("average_handle_time", "AHT", "seconds", 30, "handled contacts"),
    FocusMetric("transfer_rate", "Transfer rate", "fraction", 30, "handled contacts"),
    FocusMetric("adherence", "Adherence", "fraction", 8 * 3600, "scheduled seconds"),
    FocusMetric("qa_score", "QA score", "points", 2, "scored evaluations"),
    FocusMetric("csat_score", "CSAT", "score", 5, "CSAT responses"),
    FocusMetric("first_contact_resolution_rate", "FCR", "fraction", 20, "FCR-eligible contacts"),
    FocusMetric("sales_conversion_rate", "Sales conversion", "fraction", 20, "sales contacts"),
)
FOCUS_BY_NAME = {m.name: m for m in FOCUS_METRICS}

# An agent "needs coaching on" a metric when, among the center's agents with enough volume,
# they are in the worst quarter on it and at least COACHING_MIN_GAP (relative) worse than the
# center; each agent's suggestion is their worst-ranked such metric. The ranking window is at
# least COACHING_MIN_DAYS long (ending on the period's last day): a week of QA or CSAT is too
# few observations to single anybody out.
COACHING_PERCENTILE = 0.25
COACHING_MIN_GAP = 0.05
COACHING_MIN_DAYS = 28


def coaching_window(start: date, end: date) -> tuple[date, date]:
    """The ranking window for coaching suggestions: [start, end], widened to COACHING_MIN_DAYS."""
    from datetime import timedelta

    return min(start, end - timedelta(days=COACHING_MIN_DAYS - 1)), end


def _scope(ctx: AccessContext, column: str = "team_id") -> tuple[str, list]:
    return team_clause(ctx, column)


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    return con.execute(sql, params).df()


# --- coaching ------------------------------------------------------------------------------


def agent_focus_metrics(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date
) -> pd.DataFrame:
    """One row per agent x focus metric over [start, end]: the agent's value, their team's and
    the center's (sums over all agents), the volume, and the agent's rank among the center's
    agents with at least ``min_volume`` (worse_share: share of ranked agents who do better;
    1 = the worst). Rows of agents outside the context's teams are dropped in SQL."""
    clause, params = _scope(ctx, "a.team_id")
    thresholds = " union all ".join(
        f"select '{m.name}' as focus_metric, {float(m.min_volume)} as min_volume"
        for m in FOCUS_METRICS
    )
    sql = f"""
        with facts as (
            select * from rpt_agent_focus_metric_daily where metric_date between ? and ?
        ),
        thresholds as ({thresholds}),
        -- the agent's team: the team of their latest day in the period
        latest as (
            select agent_id, team_id from (
                select agent_id, team_id,
                    row_number() over (partition by agent_id order by metric_date desc) as rn
                from facts where team_id is not null
            ) where rn = 1
        ),
        per_agent as (
            select agent_id, focus_metric, max(metric_direction) as direction,
                sum(numerator) as num, sum(denominator) as den
            from facts group by agent_id, focus_metric
        ),
        per_team as (
            select team_id, focus_metric, sum(numerator) / sum(denominator) as team_value
            from facts where team_id is not null group by team_id, focus_metric
        ),
        center as (
            select focus_metric, sum(numerator) / sum(denominator) as center_value
            from facts group by focus_metric
        ),
        ranked as (
            select p.*, p.num / p.den as value, t.min_volume,
                case when p.den >= t.min_volume then
                    percent_rank() over (
                        partition by p.focus_metric, p.den >= t.min_volume
                        order by p.direction * (p.num / p.den) desc
                    )
                end as worse_share
            from per_agent p join thresholds t on t.focus_metric = p.focus_metric
        )
        select a.agent_id, d.full_name as agent_name, a.team_id, tm.team_name,
            r.focus_metric, r.direction, r.value, pt.team_value, c.center_value,
            r.den as volume, r.den >= r.min_volume as is_ranked, r.worse_share
        from ranked r
        join latest a on a.agent_id = r.agent_id
        left join dim_agents d on d.agent_id = r.agent_id
        left join dim_teams tm on tm.team_id = a.team_id
        left join per_team pt on pt.team_id = a.team_id and pt.focus_metric = r.focus_metric
        left join center c on c.focus_metric = r.focus_metric
        where {clause}
        order by a.team_id, a.agent_id, r.focus_metric
    """
    return _df(con, sql, [start, end, *params])


def coaching_suggestions(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date
) -> pd.DataFrame:
    """Who needs coaching and on what: each agent's worst-ranked focus metric when it is in the
    center's worst quarter and >= 5% worse than the center (over at least 28 days ending on
    ``end``), with the evidence (agent vs team vs center, volume), the last
    session on that metric and any open follow-up. Sorted worst first."""
    m = agent_focus_metrics(con, ctx, *coaching_window(start, end))
    if m.empty:
        return m.assign(last_coached_on=pd.Series(dtype="datetime64[us]"))
    gap = m["direction"] * (m["center_value"] - m["value"]) / m["center_value"].abs()
    m = m.assign(gap_vs_center=gap)
    ranked = m[
        m["is_ranked"]
        & (m["worse_share"] >= 1 - COACHING_PERCENTILE)
        & (m["gap_vs_center"] >= COACHING_MIN_GAP)
    ]
    if ranked.empty:
        return ranked.assign(last_coached_on=pd.Series(dtype="datetime64[us]"))
    worst = (
        ranked.sort_values(["agent_id", "worse_share"], ascending=[True, False])
        .groupby("agent_id", as_index=False)
        .head(1)
    )
    clause, params = _scope(ctx)
    last = _df(
        con,
        f"""select agent_id, focus_metric, max(held_date) as last_coached_on
            from fct_coaching_sessions where {clause} group by agent_id, focus_metric""",
        params,
    )
    out = worst.merge(last, on=["agent_id", "focus_metric"], how="left")
    out["label"] = out["focus_metric"].map(lambda n: FOCUS_BY_NAME[n].label)
    return out.sort_values("worse_share", ascending=False).reset_index(drop=True)


def follow_ups(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, horizon_days: int = 14
) -> pd.DataFrame:
    """Open coaching follow-ups (overdue, due, or upcoming within ``horizon_days`` of the
    as-of date), oldest due date first, with the measured value against the target so far."""
    clause, params = _scope(ctx, "s.team_id")
    sql = f"""
        select s.session_id, s.agent_id, d.full_name as agent_name, s.team_id, s.supervisor_id,
            s.focus_metric, s.held_date, s.follow_up_due_on, s.follow_up_status,
            s.commitment_status, s.commitment, s.before_value, s.target_value,
            s.follow_up_value, s.as_of_date
        from fct_coaching_sessions s
        left join dim_agents d on d.agent_id = s.agent_id
        where s.follow_up_status in ('overdue', 'due', 'upcoming')
          and s.follow_up_due_on <= s.as_of_date + cast(? as integer)
          and {clause}
        order by case s.follow_up_status when 'overdue' then 0 when 'due' then 1 else 2 end,
            s.follow_up_due_on, s.agent_id
    """
    return _df(con, sql, [horizon_days, *params])


def accountability(con: duckdb.DuckDBPyConnection, ctx: AccessContext) -> pd.DataFrame:
    """Coached agents with their commitments kept/broken; flagged ones (formal correction
    process) first."""
    clause, params = _scope(ctx)
    return _df(
        con,
        f"""select * from rpt_coaching_accountability where {clause}
            order by is_flagged_for_correction desc, not_met_in_lookback desc, agent_id""",
        params,
    )


def coaching_effects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Did coaching move each focus metric (center-wide aggregate; no agent rows)."""
    return _df(con, "select * from rpt_coaching_effects order by focus_metric, estimator", [])


# --- quality -------------------------------------------------------------------------------


def qa_weekly(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date
) -> pd.DataFrame:
    """Agent x week QA score and the share of handled contacts evaluated."""
    clause, params = _scope(ctx, "q.team_id")
    return _df(
        con,
        f"""select q.*, d.full_name as agent_name from rpt_agent_qa_weekly q
            left join dim_agents d on d.agent_id = q.agent_id
            where q.week_start between date_trunc('week', cast(? as date)) and ? and {clause}
            order by q.agent_id, q.week_start""",
        [start, end, *params],
    )


def evaluator_calibration(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Evaluators' deviation from other evaluators (aggregate over evaluations; no agent rows)."""
    return _df(
        con,
        """select evaluator_id, sum(scored_evaluations) as scored_evaluations,
               sum(mean_score_pct * scored_evaluations) / sum(scored_evaluations) as mean_score_pct,
               sum(mean_deviation_pct * compared_evaluations)
                   / nullif(sum(case when mean_deviation_pct is not null
                                     then compared_evaluations end), 0) as mean_deviation_pct,
               sum(calibration_segments) as calibration_segments
           from rpt_qa_evaluators group by evaluator_id order by evaluator_id""",
        [],
    )


# --- complaints ----------------------------------------------------------------------------

COMPLAINT_DIMENSIONS = {
    "category": "category",
    "queue": "queue_id",
    "team": "team_id",
    "agent": "agent_id",
}
# the display name of a complaint dimension's id: (dimension table, its name column)
COMPLAINT_NAMES = {
    "queue_id": ("dim_queues", "queue_name"),
    "team_id": ("dim_teams", "team_name"),
    "agent_id": ("dim_agents", "full_name"),
}


def complaint_rates(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date, by: str
) -> pd.DataFrame:
    """Complaints, escalations and complaints per 1,000 handled contacts over [start, end]
    (contact date) by category, queue, team or agent, within the context's teams. By
    category, the denominator is all handled contacts of the scope (contacts have no
    category)."""
    if by not in COMPLAINT_DIMENSIONS:
        raise ValueError(f"by must be one of {sorted(COMPLAINT_DIMENSIONS)}")
    col = COMPLAINT_DIMENSIONS[by]
    clause, params = _scope(ctx)
    base = f"from rpt_complaints_daily where contact_date between ? and ? and {clause}"
    if by == "category":
        sql = f"""
            with scope as (select * {base}),
            handled as (select sum(handled_contacts) as handled from scope)
            select category, sum(complaints) as complaints,
                sum(escalated_complaints) as escalated_complaints,
                sum(open_complaints) as open_complaints,
                sum(hours_to_resolve_sum) / nullif(sum(closed_complaints), 0) as mean_hours_to_resolve,
                max(h.handled) as handled_contacts,
                1000.0 * sum(complaints) / nullif(max(h.handled), 0) as complaints_per_1000
            from scope cross join handled h
            where category <> '(all)'
            group by category order by complaints desc
        """
    else:
        dim, name = COMPLAINT_NAMES[col]
        sql = f"""
            with rates as (
                select {col}, sum(handled_contacts) as handled_contacts, sum(complaints) as complaints,
                    sum(escalated_complaints) as escalated_complaints,
                    sum(open_complaints) as open_complaints,
                    sum(hours_to_resolve_sum) / nullif(sum(closed_complaints), 0) as mean_hours_to_resolve,
                    1000.0 * sum(complaints) / nullif(sum(handled_contacts), 0) as complaints_per_1000
                {base} and {col} is not null
                group by {col}
            )
            select rates.{col}, n.{name} as name, rates.handled_contacts, rates.complaints,
                rates.escalated_complaints, rates.open_complaints, rates.mean_hours_to_resolve,
                rates.complaints_per_1000
            from rates left join {dim} n on n.{col} = rates.{col}
            order by rates.complaints_per_1000 desc nulls last, rates.{col}
        """
    return _df(con, sql, [start, end, *params])


def open_complaints(con: duckdb.DuckDBPyConnection, ctx: AccessContext) -> pd.DataFrame:
    """Open complaints, oldest first, with their age bucket."""
    clause, params = _scope(ctx, "c.team_id")
    return _df(
        con,
        f"""select c.case_id, c.category, c.is_escalated, c.status, c.opened_date, c.age_days,
                c.age_bucket, c.queue_id, c.agent_id, d.full_name as agent_name, c.team_id
            from fct_open_cases c left join dim_agents d on d.agent_id = c.agent_id
            where c.is_complaint and {clause}
            order by c.age_days desc, c.case_id""",
        params,
    )


# --- time and leave ------------------------------------------------------------------------


def pending_timesheets(con: duckdb.DuckDBPyConnection, ctx: AccessContext) -> pd.DataFrame:
    """Timesheets waiting for approval, per supervisor, oldest submission first."""
    clause, params = _scope(ctx, "t.team_id")
    return _df(
        con,
        f"""select t.supervisor_id, t.agent_id, d.full_name as agent_name, t.team_id,
                t.work_date, t.hours_worked, t.overtime_hours, t.submitted_at, t.waiting_days
            from fct_timesheets t left join dim_agents d on d.agent_id = t.agent_id
            where t.approval_status = 'pending' and {clause}
            order by t.supervisor_id, t.submitted_at, t.agent_id""",
        params,
    )


def overtime_weeks(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date
) -> pd.DataFrame:
    """Agent x ISO week with overtime or more than the weekly limit of paid hours."""
    clause, params = _scope(ctx, "t.team_id")
    return _df(
        con,
        f"""select t.agent_id, max(d.full_name) as agent_name, max(t.team_id) as team_id,
                t.week_start, max(t.week_hours) as week_hours,
                sum(t.overtime_hours) as overtime_hours, bool_or(t.is_week_over_limit) as is_over_limit
            from fct_timesheets t left join dim_agents d on d.agent_id = t.agent_id
            where t.work_date between ? and ? and {clause}
            group by t.agent_id, t.week_start
            having sum(t.overtime_hours) > 0 or bool_or(t.is_week_over_limit)
            order by t.week_start desc, week_hours desc""",
        [start, end, *params],
    )


def overtime_by_team(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date
) -> pd.DataFrame:
    clause, params = _scope(ctx, "t.team_id")
    return _df(
        con,
        f"""select t.team_id, tm.team_name, sum(t.hours_worked) as hours_worked,
                sum(t.overtime_hours) as overtime_hours,
                sum(t.overtime_hours) / nullif(sum(t.hours_worked), 0) as overtime_share,
                count(distinct case when t.is_week_over_limit then t.agent_id || '|' || cast(t.week_start as varchar) end)
                    as agent_weeks_over_limit,
                sum(case when t.approval_status = 'pending' then 1 else 0 end) as pending_timesheets
            from fct_timesheets t left join dim_teams tm on tm.team_id = t.team_id
            where t.work_date between ? and ? and {clause}
            group by t.team_id, tm.team_name order by t.team_id""",
        [start, end, *params],
    )


def pending_leave(con: duckdb.DuckDBPyConnection, ctx: AccessContext) -> pd.DataFrame:
    """Pending leave requests with the scheduled on-queue hours they would take from the team."""
    clause, params = _scope(ctx, "l.team_id")
    return _df(
        con,
        f"""select l.request_id, l.agent_id, d.full_name as agent_name, l.team_id,
                tm.team_name, l.supervisor_id, l.leave_type, l.starts_on, l.ends_on, l.leave_days,
                l.requested_at, l.days_since_request, l.requested_on_queue_hours,
                l.team_on_queue_hours, l.impact_share
            from fct_leave_requests l left join dim_agents d on d.agent_id = l.agent_id
            left join dim_teams tm on tm.team_id = l.team_id
            where l.is_pending and {clause}
            order by l.starts_on, l.request_id""",
        params,
    )


def leave_summary(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date
) -> pd.DataFrame:
    """Leave requests with days in [start, end] by team and status, with on-queue hours."""
    clause, params = _scope(ctx, "l.team_id")
    return _df(
        con,
        f"""select l.team_id, max(tm.team_name) as team_name, l.status, count(*) as requests,
                sum(l.leave_days) as leave_days, sum(l.requested_on_queue_hours) as on_queue_hours
            from fct_leave_requests l left join dim_teams tm on tm.team_id = l.team_id
            where l.starts_on <= ? and l.ends_on >= ? and {clause}
            group by l.team_id, l.status order by max(tm.team_name), l.team_id, l.status""",
        [end, start, *params],
    )


# --- workforce -----------------------------------------------------------------------------


def headcount_by_team(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, day: date | None = None
) -> pd.DataFrame:
    """Headcount, tenure and active agents per team on ``day`` (default: the latest roster day)."""
    clause, params = _scope(ctx, "h.team_id")
    return _df(
        con,
        f"""with d as (select coalesce(cast(? as date), max(headcount_date)) as day
                       from fct_headcount_daily)
            select h.team_id, tm.team_name, h.tenure_band, sum(h.headcount) as headcount
            from fct_headcount_daily h cross join d left join dim_teams tm on tm.team_id = h.team_id
            where h.headcount_date = d.day and {clause}
            group by h.team_id, tm.team_name, h.tenure_band order by h.team_id, h.tenure_band""",
        [day, *params],
    )


def headcount_trend(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date
) -> pd.DataFrame:
    clause, params = _scope(ctx, "team_id")
    return _df(
        con,
        f"""select headcount_date, team_id, sum(headcount) as headcount, sum(hires) as hires,
                sum(leavers) as leavers
            from fct_headcount_daily where headcount_date between ? and ? and {clause}
            group by headcount_date, team_id order by headcount_date, team_id""",
        [start, end, *params],
    )


def attrition_by_team(
    con: duckdb.DuckDBPyConnection, ctx: AccessContext, start: date, end: date
) -> pd.DataFrame:
    """Annualized attrition per team over [start, end] (365 x leavers / headcount-days)."""
    clause, params = _scope(ctx, "h.team_id")
    return _df(
        con,
        f"""select h.team_id, tm.team_name, sum(h.headcount) as headcount_days,
                sum(h.headcount) * 1.0 / count(distinct h.headcount_date) as average_headcount,
                sum(h.hires) as hires, sum(h.leavers) as leavers,
                sum(h.voluntary_leavers) as voluntary_leavers,
                sum(h.involuntary_leavers) as involuntary_leavers,
                365.0 * sum(h.leavers) / nullif(sum(h.headcount), 0) as annualized_attrition
            from fct_headcount_daily h left join dim_teams tm on tm.team_id = h.team_id
            where h.headcount_date between ? and ? and {clause}
            group by h.team_id, tm.team_name order by h.team_id""",
        [start, end, *params],
    )


def tenure_by_team(con: duckdb.DuckDBPyConnection, ctx: AccessContext) -> pd.DataFrame:
    """Active agents' tenure per team (current roster)."""
    clause, params = _scope(ctx, "a.team_id")
    return _df(
        con,
        f"""select a.team_id, max(a.team_name) as team_name, count(*) as active_agents,
                avg(a.tenure_days) / 365.25 as mean_tenure_years,
                median(a.tenure_days) / 365.25 as median_tenure_years,
                sum(case when a.tenure_band = '0-3 months' then 1 else 0 end) as new_hires_0_3_months
            from dim_agents a where a.is_active and {clause}
            group by a.team_id order by a.team_id""",
        params,
    )


def new_hire_ramp(con: duckdb.DuckDBPyConnection, ctx: AccessContext) -> pd.DataFrame:
    """AHT and QA by tenure week of the agents in their first weeks (sums, then ratios)."""
    clause, params = _scope(ctx, "team_id")
    return _df(
        con,
        f"""select tenure_week, count(distinct agent_id) as agents, sum(handled) as handled,
                sum(handle_seconds) / nullif(sum(handled), 0) as aht_seconds,
                sum(qa_scored_evaluations) as qa_scored_evaluations,
                sum(qa_score_pct_sum) / nullif(sum(qa_scored_evaluations), 0) as qa_score_pct
            from rpt_new_hire_ramp where {clause}
            group by tenure_week order by tenure_week""",
        params,
    )


def tenured_benchmark(
    con: duckdb.DuckDBPyConnection, start: date, end: date, ramp_weeks: int = 12
) -> dict:
    """Center AHT and QA of agents past the ramp (aggregate; the ramp chart's reference)."""
    row = con.execute(
        """select sum(d.handle_seconds) / nullif(sum(d.handled), 0),
                  sum(d.qa_score_pct_sum) / nullif(sum(d.qa_scored_evaluations), 0)
           from rpt_agent_daily d join dim_agents a on a.agent_id = d.agent_id
           where d.activity_date between ? and ?
             and (a.hire_date is null or d.activity_date >= a.hire_date + cast(? as integer) * 7)""",
        [start, end, ramp_weeks],
    ).fetchall()[0]
    return {"aht_seconds": row[0], "qa_score_pct": row[1]}


def as_of_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The supervision marts' as-of date (latest worked day unless the var pins it)."""
    row = con.execute("select max(as_of_date) from fct_timesheets").fetchall()[0]
    if row and row[0] is not None:
        return row[0]
    row = con.execute(
        "select max(activity_date) from fct_agent_days where logged_in_seconds > 0 or handled > 0"
    ).fetchall()[0]
    return row[0] if row else None


# --- cached wrappers (what pages import) ---------------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _cached(version: SnapshotVersion, name: str, args: tuple) -> object:
    with connect(version.path) as con:
        return globals()[name](con, *args)


def cached(name: str, *args) -> object:
    """Run query function ``name`` on the current snapshot, cached per snapshot version and
    arguments (the access context is an argument, so scopes never share cached rows)."""
    return _cached(snapshot_version(), name, args)
