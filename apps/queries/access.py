"""Who may see which rows: the access context every agent-level query takes.

The rule lives here, in the data-access layer, not in the pages:

- director: every row.
- supervisor: aggregates over the whole center, but agent-level rows (one row per agent, agent
  x day, or a filter on one agent) only for the team(s) they supervise. SQL queries add
  ``team_id in (?, ...)`` (parameterised) through :func:`team_clause`; semantic-layer requests
  that group or filter by an agent-level entity get a ``{{ Entity('team') }} in (...)`` where
  constraint through :func:`secure_metric_query`. A supervisor with no team sees no agent rows.
- analyst: every row, but never a customer identifier: :func:`mask_customer_columns` drops the
  columns in :data:`CUSTOMER_IDENTIFIER_COLUMNS` from results, and semantic requests that group
  or filter by the ``customer`` entity are refused.

The team of an agent-level fact row is the team of the day (roster history), so a supervisor
sees an agent's days on their team and not the days before the agent joined it.

Fail closed: every function here needs a context; a missing one (nobody signed in) raises
:class:`AccessDeniedError` (:func:`require_access`), never means "every row".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from apps.queries.semantic import MetricQuery, in_list

ROLES = ("director", "supervisor", "analyst")

# Entities whose rows are "agent-level detail" in the semantic layer (one agent, or one of the
# agent's contacts, surveys, evaluations or days).
AGENT_LEVEL_ENTITIES = ("agent", "agent_day", "contact", "segment", "survey", "evaluation")
CUSTOMER_ENTITIES = ("customer",)
# Result columns that identify a customer (hashed or not); never shown to analysts.
CUSTOMER_IDENTIFIER_COLUMNS = frozenset(
    {
        "customer_key",
        "customer_id",
        "customer_name",
        "customer_email",
        "customer_phone",
        "customer_phone_number",
        "phone_number",
        "email",
        "ani",
    }
)


class AccessDeniedError(PermissionError):
    """The signed-in role may not run this request."""


@dataclass(frozen=True)
class AccessContext:
    """The signed-in user's scope. Hashable, so it keys cached queries.

    ``agent_team_ids`` is None for roles that see every agent, else the only team ids whose
    agent-level rows may be returned (possibly empty: then none).
    """

    username: str
    role: str
    agent_team_ids: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "supervisor" and self.agent_team_ids is None:
            raise ValueError("a supervisor's context needs its team ids (possibly empty)")

    @classmethod
    def director(cls, username: str = "director") -> AccessContext:
        return cls(username, "director")

    @classmethod
    def analyst(cls, username: str = "analyst") -> AccessContext:
        return cls(username, "analyst")

    @classmethod
    def supervisor(cls, username: str, team_ids: Iterable[str]) -> AccessContext:
        return cls(username, "supervisor", tuple(sorted(set(team_ids))))

    @property
    def sees_all_agents(self) -> bool:
        return self.agent_team_ids is None

    @property
    def sees_customer_identifiers(self) -> bool:
        return self.role != "analyst"

    def allows_team(self, team_id: str | None) -> bool:
        return self.agent_team_ids is None or team_id in self.agent_team_ids

    def visible_teams(self, team_ids: Iterable[str]) -> list[str]:
        """The subset of ``team_ids`` whose agents this user may see, in the given order."""
        return [t for t in team_ids if self.allows_team(t)]


def require_access(ctx: AccessContext | None) -> AccessContext:
    """``ctx``, or :class:`AccessDeniedError` when there is none: no user never sees everything."""
    if ctx is None:
        raise AccessDeniedError("no access context: nobody is signed in")
    return ctx


# --- SQL -----------------------------------------------------------------------------------


def team_clause(ctx: AccessContext, column: str) -> tuple[str, list]:
    """A parameterised SQL condition restricting agent-level rows to the context's teams."""
    ctx = require_access(ctx)
    if ctx.agent_team_ids is None:
        return "true", []
    if not ctx.agent_team_ids:
        return "false", []
    return f"{column} in ({', '.join('?' for _ in ctx.agent_team_ids)})", list(ctx.agent_team_ids)


def mask_customer_columns(ctx: AccessContext, df: pd.DataFrame) -> pd.DataFrame:
    """Drop customer-identifying columns for roles that may not see them."""
    ctx = require_access(ctx)
    if ctx.sees_customer_identifiers:
        return df
    drop = [c for c in df.columns if str(c).lower() in CUSTOMER_IDENTIFIER_COLUMNS]
    drop += [c for c in df.columns if str(c).lower().startswith("customer__")]
    return df.drop(columns=drop) if drop else df


def supervised_team_ids(
    con: duckdb.DuckDBPyConnection, supervisor_id: str | None, configured: Iterable[str] = ()
) -> tuple[str, ...]:
    """Teams a supervisor sees: the configured ones plus those whose agents report to them
    (current roster in dim_agents, and the team of the day in fct_agent_days)."""
    teams = set(configured)
    if supervisor_id:
        for sql in (
            "select distinct team_id from dim_agents where supervisor_id = ? and team_id is not null",
            "select distinct team_id from fct_agent_days where supervisor_id = ? "
            "and team_id is not null",
        ):
            try:
                teams.update(r[0] for r in con.execute(sql, [supervisor_id]).fetchall())
            except duckdb.CatalogException:
                pass  # a snapshot without the workforce marts
    return tuple(sorted(teams))


# --- semantic layer --------------------------------------------------------------------------

_ENTITY_REF = re.compile(
    r"(?:Entity|Dimension|TimeDimension)\(\s*['\"]([a-z_]+?)(?:__[a-z_]+)*['\"]"
)


def _referenced_entities(items: Iterable[str]) -> set[str]:
    """Entities a request groups, orders or filters by (``agent__full_name`` -> ``agent``)."""
    found: set[str] = set()
    for item in items:
        for m in _ENTITY_REF.finditer(item):
            found.add(m.group(1).split("__")[0])
        name = item.lstrip("-").strip()
        if re.fullmatch(r"[a-z_]+(__[a-z_]+)*", name):
            head = name.split("__")[0]
            # A bare entity ("agent") or an entity's dimension ("agent__full_name").
            found.add(head)
    return found


def _where_team(ctx: AccessContext) -> str:
    if ctx.agent_team_ids:
        return "{{ Entity('team') }} in " + in_list(ctx.agent_team_ids)
    # No team: keep the request valid SQL but return no agent rows.
    return "{{ Entity('team') }} is null and {{ Entity('team') }} is not null"


def secure_metric_query(
    ctx: AccessContext, q: MetricQuery, saved_group_by: Iterable[str] = ()
) -> MetricQuery:
    """``q`` narrowed to what ``ctx`` may see.

    ``saved_group_by``: the group-by items of ``q.saved_query`` (from the manifest), so a saved
    query that lists agents is restricted too.
    """
    ctx = require_access(ctx)
    items = [*q.group_by, *q.where, *q.order_by, *saved_group_by]
    entities = _referenced_entities(items)
    if not ctx.sees_customer_identifiers and entities & set(CUSTOMER_ENTITIES):
        raise AccessDeniedError(f"the {ctx.role} role may not group or filter by customer")
    if ctx.agent_team_ids is not None and entities & set(AGENT_LEVEL_ENTITIES):
        return replace(q, where=(*q.where, _where_team(ctx)))
    return q


def saved_query_group_by(raw_manifest: dict, name: str) -> list[str]:
    """Group-by items of a saved query in a semantic manifest (``Dimension('agent__x')`` ...)."""
    for sq in raw_manifest.get("saved_queries", []):
        if sq["name"] == name:
            return list(sq.get("query_params", {}).get("group_by", []))
    return []
