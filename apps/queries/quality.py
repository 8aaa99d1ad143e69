"""Quality page: QA score, critical failures (semantic layer), form sections and failure rows.

QA metrics come from the semantic layer (sem_qa_evaluations.yml: qa_score, qa_evaluations,
qa_critical_failures_metric, qa_critical_failure_rate), dated by the activity date (the local
day of the evaluated contact's answer, else of the evaluation) and attributed to the agent's
team and site of that day. QA is per agent, not per queue: the sidebar's date, site and team
filters apply; queue and line-of-business filters do not.

Form sections come from the semantic layer too (sem_qa_evaluation_sections.yml over
fct_qa_evaluation_sections: qa_section_score, qa_section_evaluations,
qa_section_critical_failures_metric). The section score aggregates the evaluations' section
scores with the same method as qa_score (var qa_agent_score_method; default: mean of the
evaluations' section scores). The section model has no site of its own: the site filter goes
through the evaluation (``evaluation__site``).

Access: agent rows (per-agent metrics and the critical-failure list) are restricted in SQL to
the teams the access context allows (apps.queries.access; no context = error).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd

from apps.queries.access import AccessContext, require_access, team_clause
from apps.queries.filters import ServiceFilters, sql_in
from apps.queries.semantic import MetricQuery, SemanticLayer, date_range_filter, in_list

QA_METRICS = (
    "qa_score",
    "qa_evaluations",
    "qa_critical_failures_metric",
    "qa_critical_failure_rate",
)
SECTION_METRICS = (
    "qa_section_score",
    "qa_section_evaluations",
    "qa_section_critical_failures_metric",
)
SECTION_FORM = "evaluation_section__form_id"
SECTION = "evaluation_section__section"
BREAKDOWNS = {
    "team": ("team", "team__team_name"),
    "agent": ("agent", "agent__full_name", "team"),
}


def qa_where(f: ServiceFilters, site_entity: str = "site") -> tuple[str, ...]:
    """The sidebar filters as MetricFlow filters on QA metrics; ``site_entity`` is how the
    metrics reach a site (``site`` for evaluations, ``evaluation__site`` for sections)."""
    where = [date_range_filter(f.start_date, f.end_date)]
    if f.site_ids:
        where.append(f"{{{{ Entity('{site_entity}') }}}} in {in_list(f.site_ids)}")
    team_ids = getattr(f, "team_ids", ())
    if team_ids:
        where.append(f"{{{{ Entity('team') }}}} in {in_list(team_ids)}")
    return tuple(where)


def section_where(f: ServiceFilters) -> tuple[str, ...]:
    """:func:`qa_where` for the section metrics: their site is the evaluation's."""
    return qa_where(f, site_entity="evaluation__site")


def _team_clause(access: AccessContext) -> tuple[str, ...]:
    scope = require_access(access).agent_team_ids
    if scope is None:
        return ()
    return (f"{{{{ Entity('team') }}}} in {in_list(scope or ('__no_team__',))}",)


def qa_kpis(layer: SemanticLayer, f: ServiceFilters, path: Path | str | None = None):
    return layer.query(MetricQuery(metrics=QA_METRICS, where=qa_where(f)), path)


def qa_trend(
    layer: SemanticLayer, f: ServiceFilters, grain: str = "day", path: Path | str | None = None
) -> pd.DataFrame:
    """QA per day (or week, starting Monday) of the period, one row for every day (week) of it:
    a day with no evaluation yet has 0 evaluations and no score, so the latest days that QA has
    not reached still show (the filters' end date is never after the snapshot's last day)."""
    time = f"metric_time__{grain}"
    df = layer.query(
        MetricQuery(metrics=QA_METRICS, group_by=(time,), where=qa_where(f), order_by=(time,)),
        path,
    )
    return every_period(df.rename(columns={time: "period"}), f, grain)


COUNT_METRICS = ("qa_evaluations", "qa_critical_failures_metric")


def every_period(trend: pd.DataFrame, f: ServiceFilters, grain: str) -> pd.DataFrame:
    """``trend`` (a ``period`` column) with a row for each day or week of ``f`` it lacks: counts
    0, the other metrics null."""
    first = f.start_date - timedelta(days=f.start_date.weekday()) if grain == "week" else f.start_date
    periods = pd.date_range(first, f.end_date, freq="7D" if grain == "week" else "D", name="period")
    out = trend.assign(period=pd.to_datetime(trend["period"])).set_index("period").reindex(periods)
    for column in COUNT_METRICS:
        if column in out:
            out[column] = out[column].fillna(0)
    return out.reset_index()


# QA reviews a contact some days after it happened, and the trend dates an evaluation by the
# evaluated contact's day: the latest days hold only the evaluations done so far. A trailing day
# (or week) with fewer evaluations than this share of the period's median is named under the
# chart, so nobody reads its score as settled.
THIN_SHARE = 1 / 3


def still_being_evaluated(trend: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The trailing rows of ``trend`` (columns period, qa_evaluations; in period order) with fewer
    evaluations than THIN_SHARE of the median row with evaluations (never all of them; a row
    with none counts as thin), and that median; no rows when the trend has fewer than three
    (no typical day to compare with)."""
    counts = pd.to_numeric(trend["qa_evaluations"]).fillna(0)
    evaluated = counts[counts > 0]
    if len(counts) < 3 or evaluated.empty:
        return trend.iloc[0:0], float("nan")
    median = float(evaluated.median())
    thin = (counts < THIN_SHARE * median).to_numpy()
    n = 0
    while n < len(thin) - 1 and thin[len(thin) - 1 - n]:
        n += 1
    return trend.iloc[len(trend) - n :], median


def qa_by(
    layer: SemanticLayer,
    f: ServiceFilters,
    by: str,
    access: AccessContext,
    path: Path | str | None = None,
) -> pd.DataFrame:
    require_access(access)  # fail closed, whatever the breakdown
    group_by = BREAKDOWNS[by]
    where = qa_where(f)
    if by == "agent":
        where = (*where, *_team_clause(access))
    df = layer.query(
        MetricQuery(metrics=QA_METRICS, group_by=group_by, where=where, order_by=group_by[1:2]),
        path,
    )
    return df.rename(
        columns={
            "team__team_name": "team_name",
            "agent__full_name": "agent_name",
            "team": "team_id",
            "agent": "agent_id",
        }
    )


def sections(
    layer: SemanticLayer, f: ServiceFilters, path: Path | str | None = None
) -> pd.DataFrame:
    """Per form x section (center level): the section score in percent points (0-100), the
    evaluated sections and those with a failed critical question; lowest score first per form."""
    df = layer.query(
        MetricQuery(
            metrics=SECTION_METRICS,
            group_by=(SECTION_FORM, SECTION),
            where=section_where(f),
            order_by=(SECTION_FORM, "qa_section_score", SECTION),
        ),
        path,
    )
    return df.rename(columns={SECTION_FORM: "form_id", SECTION: "section"})


# --- rows (plain SQL over the marts) -------------------------------------------------------


def _eval_conditions(f: ServiceFilters, alias: str = "e") -> tuple[str, list]:
    clauses = [f"{alias}.activity_date between ? and ?"]
    params: list = [f.start_date, f.end_date]
    for column, values in (
        (f"{alias}.site_id", f.site_ids),
        (f"{alias}.team_id", getattr(f, "team_ids", ())),
    ):
        if values:
            clause, more = sql_in(column, values)
            clauses.append(clause)
            params.extend(more)
    return " and ".join(clauses), params


def critical_failures(
    con: duckdb.DuckDBPyConnection,
    f: ServiceFilters,
    *,
    access: AccessContext,
    limit: int = 100,
) -> pd.DataFrame:
    """The latest evaluations with a failed critical question (agent rows: allowed teams)."""
    where, params = _eval_conditions(f)
    if not require_access(access).sees_all_agents:
        clause, more = team_clause(access, "e.team_id")
        where += f" and {clause}"
        params += more
    return con.execute(
        f"""
        select e.activity_date, e.evaluated_at, a.full_name as agent_name, t.team_name,
               e.form_id, e.evaluator_id, e.critical_failure_count,
               e.score_pct_before_critical, e.evaluation_id, e.agent_id, e.team_id
        from fct_qa_evaluations as e
        left join dim_agents as a on a.agent_id = e.agent_id
        left join dim_teams as t on t.team_id = e.team_id
        where {where} and e.has_critical_failure
        order by e.activity_date desc, e.evaluated_at desc, e.evaluation_id
        limit {int(limit)}
        """,
        params,
    ).df()
