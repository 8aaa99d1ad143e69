"""The numbers of the weekly management report.

Every KPI is a semantic-layer metric: MetricFlow compiles the request from the one definition
(dbt_project/models/semantic, via apps.queries.semantic's compile-only engine) and the SQL runs
read-only on the serving snapshot. Supporting tables that are not KPIs (pending leave,
complaints by category, coaching effects) read the supervision marts with plain SQL.

Week: Monday to Sunday in site-local dates (metric_time is each model's local day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from apps.queries.semantic import MetricQuery, SemanticLayer, date_range_filter


@dataclass(frozen=True)
class Kpi:
    metric: str  # semantic-layer metric name
    label: str
    kind: str  # pct (fraction) | seconds | points (0-100) | score | count | per1000 | nps
    higher_is_better: bool | None
    target: float | None = None  # fixed target; service level uses its own target metric
    section: str = "service"


# Headline KPIs and their default targets. The service-level target is the volume-weighted
# target of the queues (semantic metric service_level_target); the rest are report defaults a
# deployment can override (build_weekly_report(targets=...)). AHT has no target: it is
# compared with its trailing four-week value instead (see issues.py).
HEADLINE: tuple[Kpi, ...] = (
    Kpi("offered_contacts", "Contacts offered", "count", None),
    Kpi("service_level", "Service level", "pct", True),
    Kpi("abandonment_rate", "Abandonment rate", "pct", False, 0.05),
    Kpi("average_speed_of_answer", "ASA", "seconds", False, 30.0),
    Kpi("average_handle_time", "AHT", "seconds", False),
    Kpi("first_contact_resolution_rate", "FCR (repeat contact)", "pct", True, 0.75, "customer"),
    Kpi("csat_score", "CSAT (1-5)", "score", True, 4.2, "customer"),
    Kpi("nps", "NPS", "nps", True, 30.0, "customer"),
    Kpi("complaint_rate", "Complaints per 1,000 handled", "per1000", False, None, "customer"),
    Kpi("sales_conversion_rate", "Sales conversion", "pct", True, 0.15, "customer"),
    Kpi("qa_score", "QA score", "points", True, 85.0, "quality"),
    Kpi("qa_critical_failure_rate", "QA critical failures", "pct", False, 0.02, "quality"),
    Kpi("adherence", "Adherence", "pct", True, 0.90, "staffing"),
    Kpi("occupancy", "Occupancy", "pct", None, None, "staffing"),
    Kpi("shrinkage", "Shrinkage", "pct", False, 0.35, "staffing"),
    Kpi("headcount", "Headcount (end of week)", "count", None, None, "staffing"),
)
KPI_BY_METRIC = {k.metric: k for k in HEADLINE}
TREND_METRICS = (
    "service_level",
    "average_handle_time",
    "csat_score",
    "adherence",
    "qa_score",
    "complaint_rate",
)
TREND_WEEKS = 8


def week_bounds(any_day: date) -> tuple[date, date]:
    start = any_day - timedelta(days=any_day.weekday())
    return start, start + timedelta(days=6)


def latest_complete_week(con: duckdb.DuckDBPyConnection) -> tuple[date, date]:
    """The latest Monday-Sunday week whose Sunday is on or before the last day with offered
    contacts in the snapshot."""
    last = con.execute(
        "select max(interval_date) from fct_queue_intervals where offered > 0"
    ).fetchall()[0][0]
    if last is None:
        raise ValueError("the snapshot has no contacts")
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    return sunday - timedelta(days=6), sunday


@dataclass
class ReportData:
    week_start: date
    week_end: date
    current: dict[str, float | None]
    previous: dict[str, float | None]
    targets: dict[str, float | None]
    trailing: dict[str, float | None]  # mean of the 4 weeks before the report week
    trend: pd.DataFrame  # week_start x metric
    by_queue: pd.DataFrame
    by_team: pd.DataFrame
    complaints_by_category: pd.DataFrame
    coaching_effects: pd.DataFrame
    workforce: dict[str, object] = field(default_factory=dict)
    issues: list = field(default_factory=list)


def _one_row(df: pd.DataFrame) -> dict[str, float | None]:
    if df.empty:
        return {}
    row = df.iloc[0]
    return {c: (None if pd.isna(row[c]) else float(row[c])) for c in df.columns}


def period_kpis(
    layer: SemanticLayer, snapshot: Path, start: date, end: date
) -> dict[str, float | None]:
    """Every headline metric over [start, end] (one request per semantic model family, since
    metrics of unrelated models cannot share a request without a common group-by)."""
    where = (date_range_filter(start, end),)
    groups = (
        (
            "offered_contacts",
            "service_level",
            "service_level_target",
            "abandonment_rate",
            "average_speed_of_answer",
            "average_handle_time",
        ),
        ("first_contact_resolution_rate", "complaint_rate", "sales_conversion_rate"),
        ("csat_score", "nps"),
        ("qa_score", "qa_critical_failure_rate"),
        ("adherence", "occupancy", "shrinkage"),
    )
    out: dict[str, float | None] = {}
    for metrics in groups:
        out.update(_one_row(layer.query(MetricQuery(metrics=metrics, where=where), snapshot)))
    # Headcount is semi-additive: the end-of-week value (the last day's headcount).
    hc = layer.query(
        MetricQuery(
            metrics=("headcount",),
            group_by=("metric_time__day",),
            where=where,
            order_by=("-metric_time__day",),
            limit=1,
        ),
        snapshot,
    )
    out["headcount"] = None if hc.empty else float(hc["headcount"].iloc[0])
    return out


def weekly_trend(
    layer: SemanticLayer, snapshot: Path, first_week: date, last_week_end: date
) -> pd.DataFrame:
    where = (date_range_filter(first_week, last_week_end),)
    frames = []
    for metrics in (
        ("service_level", "average_handle_time"),
        ("csat_score",),
        ("adherence",),
        ("qa_score",),
        ("complaint_rate",),
    ):
        df = layer.query(
            MetricQuery(
                metrics=metrics,
                group_by=("metric_time__week",),
                where=where,
                order_by=("metric_time__week",),
            ),
            snapshot,
        ).rename(columns={"metric_time__week": "week_start"})
        df["week_start"] = pd.to_datetime(df["week_start"]).dt.date
        frames.append(df.set_index("week_start"))
    return pd.concat(frames, axis=1).sort_index().reset_index()


def queue_breakdown(layer: SemanticLayer, snapshot: Path, start: date, end: date) -> pd.DataFrame:
    df = layer.query(
        MetricQuery(
            metrics=(
                "offered_contacts",
                "service_level",
                "service_level_target",
                "abandonment_rate",
                "average_handle_time",
            ),
            group_by=("queue", "queue__queue_name"),
            where=(date_range_filter(start, end),),
            order_by=("queue",),
        ),
        snapshot,
    )
    return df.rename(columns={"queue": "queue_id", "queue__queue_name": "queue_name"})


def team_breakdown(layer: SemanticLayer, snapshot: Path, start: date, end: date) -> pd.DataFrame:
    where = (date_range_filter(start, end),)
    agent = layer.query(
        MetricQuery(
            metrics=("agent_handled_contacts", "adherence", "agent_average_handle_time"),
            group_by=("team", "team__team_name"),
            where=where,
            order_by=("team",),
        ),
        snapshot,
    )
    qa = layer.query(MetricQuery(metrics=("qa_score",), group_by=("team",), where=where), snapshot)
    csat = layer.query(
        MetricQuery(metrics=("csat_score",), group_by=("team",), where=where), snapshot
    )
    df = agent.merge(qa, on="team", how="left").merge(csat, on="team", how="left")
    return df.rename(columns={"team": "team_id", "team__team_name": "team_name"})


def collect(
    snapshot: Path,
    layer: SemanticLayer,
    week_start: date | None = None,
    targets: dict[str, float] | None = None,
) -> ReportData:
    snapshot = Path(snapshot)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        if week_start is None:
            start, end = latest_complete_week(con)
        else:
            start, end = week_bounds(week_start)
        complaints = con.execute(
            """select category, sum(complaints) as complaints,
                   sum(escalated_complaints) as escalated
               from rpt_complaints_daily
               where contact_date between ? and ? and category <> '(all)'
               group by category order by complaints desc""",
            [start, end],
        ).df()
        effects = con.execute(
            "select * from rpt_coaching_effects where estimator = 'diff_in_diff' "
            "order by focus_metric"
        ).df()
        workforce = {
            "pending_leave": con.execute(
                "select count(*), coalesce(sum(requested_on_queue_hours), 0) "
                "from fct_leave_requests where is_pending"
            ).fetchall()[0],
            "pending_timesheets": con.execute(
                "select count(*) from fct_timesheets where approval_status = 'pending'"
            ).fetchall()[0][0],
            "overtime_hours": con.execute(
                "select coalesce(sum(overtime_hours), 0) from fct_timesheets "
                "where work_date between ? and ?",
                [start, end],
            ).fetchall()[0][0],
            "agents_over_40": con.execute(
                "select count(distinct agent_id) from fct_timesheets "
                "where week_start = ? and is_week_over_limit",
                [start],
            ).fetchall()[0][0],
            "coaching_sessions": con.execute(
                "select count(*) from fct_coaching_sessions where held_date between ? and ?",
                [start, end],
            ).fetchall()[0][0],
            "follow_ups_overdue": con.execute(
                "select count(*) from fct_coaching_sessions where follow_up_status = 'overdue'"
            ).fetchall()[0][0],
            "flagged_for_correction": con.execute(
                "select count(*) from rpt_coaching_accountability where is_flagged_for_correction"
            ).fetchall()[0][0],
            "open_complaints": con.execute(
                "select count(*) from fct_cases where is_complaint and is_open"
            ).fetchall()[0][0],
        }

    prev_start, prev_end = start - timedelta(days=7), end - timedelta(days=7)
    current = period_kpis(layer, snapshot, start, end)
    previous = period_kpis(layer, snapshot, prev_start, prev_end)
    trailing = period_kpis(layer, snapshot, start - timedelta(days=28), start - timedelta(days=1))
    all_targets = {k.metric: k.target for k in HEADLINE}
    all_targets["service_level"] = current.get("service_level_target")
    if targets:
        all_targets.update(targets)
    trend = weekly_trend(layer, snapshot, start - timedelta(days=7 * (TREND_WEEKS - 1)), end)
    data = ReportData(
        week_start=start,
        week_end=end,
        current=current,
        previous=previous,
        targets=all_targets,
        trailing=trailing,
        trend=trend,
        by_queue=queue_breakdown(layer, snapshot, start, end),
        by_team=team_breakdown(layer, snapshot, start, end),
        complaints_by_category=complaints,
        coaching_effects=effects,
        workforce=workforce,
    )
    from orchestration.lib.report.issues import top_issues

    data.issues = top_issues(data)
    return data
