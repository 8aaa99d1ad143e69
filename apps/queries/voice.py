"""Customer voice page: CSAT, NPS and survey FCR (semantic layer), comments and worst contacts.

Metrics come from the semantic layer (dbt_project/models/semantic/sem_contacts.yml, semantic
model ``survey_responses``: csat_score, nps, first_contact_resolution_rate_survey, ...),
dated by the local day the survey was sent and attributed to the surveyed contact's queue,
agent and team of the day. The comment list and the worst contacts are rows, read with plain
SQL from the marts (fct_survey_responses, fct_contacts, fct_contact_segments).

Access: agent-level results honour the access context (apps.queries.access; none = error): a
supervisor's agent rows are restricted to their own team in SQL (MetricFlow ``where`` on the
team entity); survey rows (comments, worst contacts) are agent-level detail too, so a
supervisor's lists hold their own team's surveys only. Survey rows are customer-level too:
for an analyst they come back without the contact and survey ids and with phone numbers and
e-mail addresses masked in the comment text (access.secure_customer_rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from apps.queries.access import (
    AccessContext,
    require_access,
    secure_customer_rows,
    team_clause,
)
from apps.queries.filters import ServiceFilters, sql_in
from apps.queries.semantic import (
    MetricQuery,
    SemanticLayer,
    in_list,
    service_filters_where,
)

VOICE_METRICS = (
    "csat_score",
    "csat_top2box_rate",
    "csat_responses_metric",
    "nps",
    "nps_responses_metric",
    "first_contact_resolution_rate_survey",
    "resolution_answers_metric",
    "survey_response_rate",
    "surveys_sent_metric",
)
BREAKDOWNS = {
    "queue": ("queue", "queue__queue_name"),
    "team": ("team", "team__team_name"),
    "agent": ("agent", "agent__full_name", "team"),
}


def voice_where(f: ServiceFilters) -> tuple[str, ...]:
    where = service_filters_where(f)
    team_ids = getattr(f, "team_ids", ())
    if team_ids:
        where = (*where, f"{{{{ Entity('team') }}}} in {in_list(team_ids)}")
    return where


def _team_clause(access: AccessContext) -> tuple[str, ...]:
    scope = require_access(access).agent_team_ids
    if scope is None:
        return ()
    # No team at all: a team id that cannot exist, so the query returns no agent rows.
    return (f"{{{{ Entity('team') }}}} in {in_list(scope or ('__no_team__',))}",)


def voice_kpis(
    layer: SemanticLayer, f: ServiceFilters, path: Path | str | None = None
) -> pd.DataFrame:
    """One row of center-level survey metrics for the filters (no agent detail)."""
    return layer.query(MetricQuery(metrics=VOICE_METRICS, where=voice_where(f)), path)


def voice_trend(
    layer: SemanticLayer, f: ServiceFilters, grain: str = "day", path: Path | str | None = None
) -> pd.DataFrame:
    time = f"metric_time__{grain}"
    df = layer.query(
        MetricQuery(
            metrics=VOICE_METRICS, group_by=(time,), where=voice_where(f), order_by=(time,)
        ),
        path,
    )
    return df.rename(columns={time: "period"})


def voice_by(
    layer: SemanticLayer,
    f: ServiceFilters,
    by: str,
    access: AccessContext,
    path: Path | str | None = None,
) -> pd.DataFrame:
    """Survey metrics per queue, team or agent. Agent rows honour the access context."""
    require_access(access)  # fail closed, whatever the breakdown
    group_by = BREAKDOWNS[by]
    where = voice_where(f)
    if by == "agent":
        where = (*where, *_team_clause(access))
    df = layer.query(
        MetricQuery(metrics=VOICE_METRICS, group_by=group_by, where=where, order_by=group_by[1:2]),
        path,
    )
    return df.rename(
        columns={
            "queue__queue_name": "queue_name",
            "team__team_name": "team_name",
            "agent__full_name": "agent_name",
            "queue": "queue_id",
            "team": "team_id",
            "agent": "agent_id",
        }
    )


# --- rows (plain SQL over the marts) -------------------------------------------------------


def _survey_conditions(f: ServiceFilters) -> tuple[str, list]:
    clauses = ["s.sent_date between ? and ?"]
    params: list = [f.start_date, f.end_date]
    for column, values in (
        ("q.site_id", f.site_ids),
        ("s.queue_id", f.queue_ids),
        ("q.line_of_business", f.lines_of_business),
        ("s.team_id", getattr(f, "team_ids", ())),
    ):
        if values:
            clause, more = sql_in(column, values)
            clauses.append(clause)
            params.extend(more)
    return " and ".join(clauses), params


_AGENT_COLUMNS = "s.agent_id as agent_id, a.full_name as agent_name, t.team_name as team_name"


def _scope_condition(access: AccessContext) -> tuple[str, list]:
    """Survey rows are agent-level detail: only the teams the access context allows."""
    if require_access(access).sees_all_agents:
        return "", []
    clause, params = team_clause(access, "s.team_id")
    return f" and {clause}", params


def comments(
    con: duckdb.DuckDBPyConnection,
    f: ServiceFilters,
    *,
    scores: Sequence[int] = (),
    access: AccessContext,
    limit: int = 200,
) -> pd.DataFrame:
    """The latest survey comments (newest answer first), optionally only these CSAT scores.
    Customer-level rows: :func:`apps.queries.access.secure_customer_rows` applies."""
    where, params = _survey_conditions(f)
    scope_sql, scope_params = _scope_condition(access)
    where += scope_sql
    params += scope_params
    if scores:
        clause, more = sql_in("s.csat", [int(s) for s in scores])
        where += f" and {clause}"
        params += more
    df = con.execute(
        f"""
        select s.responded_at, s.sent_date, s.csat, s.nps, s.is_resolved,
               s.comment, q.queue_name, {_AGENT_COLUMNS}, s.response_id, s.contact_id
        from fct_survey_responses as s
        left join dim_queues as q on q.queue_id = s.queue_id
        left join dim_agents as a on a.agent_id = s.agent_id
        left join dim_teams as t on t.team_id = s.team_id
        where {where} and s.comment is not null and trim(s.comment) <> ''
        order by s.responded_at desc nulls last, s.response_id
        limit {int(limit)}
        """,
        params,
    ).df()
    return secure_customer_rows(access, df, free_text=("comment",))


def worst_contacts(
    con: duckdb.DuckDBPyConnection,
    f: ServiceFilters,
    *,
    access: AccessContext,
    limit: int = 50,
) -> pd.DataFrame:
    """Answered surveys with CSAT 1-2 or an NPS detractor, worst first, with the contact's
    total queue wait (all its segments) and handle time (talk + hold + ACW). Customer-level
    rows: :func:`apps.queries.access.secure_customer_rows` applies."""
    where, params = _survey_conditions(f)
    scope_sql, scope_params = _scope_condition(access)
    where += scope_sql
    params += scope_params
    # the worst surveys are picked first, so the contact facts (millions of segments at a
    # year of a 500-seat center) are read only for those contacts, not aggregated whole
    df = con.execute(
        f"""
        with worst as (
            select s.responded_at, s.sent_date, s.csat, s.nps, s.is_resolved, s.comment,
                   q.queue_name, {_AGENT_COLUMNS}, s.contact_id, s.response_id
            from fct_survey_responses as s
            left join dim_queues as q on q.queue_id = s.queue_id
            left join dim_agents as a on a.agent_id = s.agent_id
            left join dim_teams as t on t.team_id = s.team_id
            where {where} and s.is_responded and (s.csat <= 2 or s.is_detractor)
            order by s.csat asc nulls last, s.nps asc nulls last, s.responded_at desc,
                     s.response_id
            limit {int(limit)}
        ),
        w as (
            select contact_id, sum(wait_seconds) as wait_seconds
            from fct_contact_segments
            where contact_id in (select contact_id from worst)
            group by contact_id
        ),
        c as (
            select contact_id, channel, handle_seconds
            from fct_contacts
            where contact_id in (select contact_id from worst)
        )
        select worst.responded_at, worst.sent_date, worst.csat, worst.nps, worst.is_resolved,
               worst.comment, worst.queue_name, worst.agent_id, worst.agent_name,
               worst.team_name, c.channel, w.wait_seconds, c.handle_seconds,
               worst.contact_id, worst.response_id
        from worst
        left join c on c.contact_id = worst.contact_id
        left join w on w.contact_id = worst.contact_id
        order by worst.csat asc nulls last, worst.nps asc nulls last, worst.responded_at desc,
                 worst.response_id
        """,
        params,
    ).df()
    return secure_customer_rows(access, df, free_text=("comment",))
