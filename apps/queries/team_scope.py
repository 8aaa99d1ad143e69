"""Which teams' agent-level rows a caller may see, from an optional access context.

The sign-in layer passes an access context (apps.queries.access.AccessContext) to the query
functions. These helpers read it by duck typing (``sees_all_agents`` / ``agent_team_ids``, and
a few equivalent spellings) so the page query modules do not depend on its exact class:

- ``None`` (no sign-in in force, e.g. tests of the numbers) or a context that can see every
  team (``can_see_all_agents`` / ``sees_all_teams`` true, or role ``director``/``analyst``):
  no restriction;
- otherwise the teams listed in ``team_ids`` / ``allowed_team_ids`` / ``team_id``. A context
  with no team at all sees no agent rows (fail closed).

Agent-level query functions call :func:`agent_team_scope` and filter ``team_id`` on the result
in SQL, so a supervisor's query never returns another team's agent rows.
"""

from __future__ import annotations

from collections.abc import Iterable

UNRESTRICTED_ROLES = {"director", "analyst", "admin"}


def agent_team_scope(access: object | None) -> tuple[str, ...] | None:
    """``None`` = every team; a tuple = only these teams (possibly empty = none)."""
    if access is None:
        return None
    for attr in ("sees_all_agents", "can_see_all_agents", "sees_all_teams", "all_teams"):
        value = getattr(access, attr, None)
        if callable(value):
            value = value()
        if value is True:
            return None
    # An explicit team list wins over the role name (a context may carry both).
    for attr in ("agent_team_ids", "allowed_team_ids", "team_ids", "teams"):
        value = getattr(access, attr, None)
        if callable(value):
            value = value()
        if value is not None and not isinstance(value, str):
            return tuple(sorted(str(v) for v in value))
    role = getattr(access, "role", None)
    role = getattr(role, "value", role)
    if isinstance(role, str) and role.lower() in UNRESTRICTED_ROLES:
        return None
    team = getattr(access, "team_id", None)
    if isinstance(team, str) and team:
        return (team,)
    return ()


def hides_customer_names(access: object | None) -> bool:
    """Analysts see everything but names of customers."""
    if access is None:
        return False
    for attr in ("sees_customer_identifiers", "can_see_customer_names"):
        value = getattr(access, attr, None)
        if callable(value):
            value = value()
        if isinstance(value, bool):
            return not value
    role = getattr(access, "role", None)
    role = getattr(role, "value", role)
    return isinstance(role, str) and role.lower() == "analyst"


def sql_in(column: str, values: Iterable[str]) -> tuple[str, list]:
    """``column in (?, ...)`` with parameters; an empty list matches nothing."""
    values = list(values)
    if not values:
        return "false", []
    return f"{column} in ({', '.join('?' for _ in values)})", values
