"""Who may see which rows: the access context every agent- or customer-level query takes.

The rule lives here, in the data-access layer, not in the pages (README, "Sign-in, users and
roles"):

- director: every row, every column, raw landing data included.
- supervisor: aggregates over the whole center, but agent-level rows (one row per agent, agent
  x day, or a filter on one agent) only for the team(s) they supervise. SQL queries add
  ``team_id in (?, ...)`` (parameterised) through :func:`team_clause`; semantic-layer requests
  that group or filter by an agent-level entity get a ``{{ Entity('team') }} in (...)`` where
  constraint through :func:`secure_metric_query`. A supervisor with no team sees no agent rows.
- analyst: every row, but never a customer identifier: :func:`mask_customer_columns` drops the
  columns in :data:`CUSTOMER_IDENTIFIER_COLUMNS` (and phone/e-mail/hash columns) and the keys
  of a customer's contact or survey (:data:`CUSTOMER_RECORD_KEYS`) from results; free text
  written by customers (survey comments) has phone numbers and e-mail addresses replaced by
  :data:`PII_MASK` (:func:`redact_contact_details`); semantic requests that group or filter by
  the ``customer`` entity are refused.
- raw landing data (Data health: the quarantined raw line, failed-check examples) is for
  directors only. It holds what staging hashes or drops (the contract's ``pii: true``
  columns: caller phone, CRM phone and e-mail, survey comments) and is not scoped by team.
  Supervisors and analysts get the file, line and reason of every quarantined row (enough to
  find and fix it) without the raw line (:func:`withhold_raw_lines`), and failed-check
  examples with PII values masked (:func:`redact_check_examples`).

Query functions apply these (``secure_customer_rows``, ``withhold_raw_lines``, ...) before they
return, so a page cannot forget them; cached wrappers are keyed on the context.

The team of an agent-level fact row is the team of the day (roster history), so a supervisor
sees an agent's days on their team and not the days before the agent joined it.

Fail closed: every function here needs a context; a missing one (nobody signed in) raises
:class:`AccessDeniedError` (:func:`require_access`), never means "every row".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import duckdb
import pandas as pd

from apps.queries.semantic import MetricQuery, in_list
from orchestration.contracts import load_contract

ROLES = ("director", "supervisor", "analyst")

# Entities whose rows are "agent-level detail" in the semantic layer (one agent, or one of the
# agent's contacts, surveys, evaluations or days).
AGENT_LEVEL_ENTITIES = (
    "agent", "agent_day", "contact", "segment", "survey", "evaluation", "evaluation_section",
)
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
# Keys of one customer's contact, survey, contact segment, case or order (and the bare entity
# columns of a semantic result grouped by them). Not an identity on their own, but each leads
# to the customer in the source system (the ACD's recording, the survey platform, the CRM), so
# row-level results for analysts lose them too. Dimensions of these entities
# (``contact__contact_date``) are not keys and stay.
CUSTOMER_RECORD_KEYS = frozenset(
    {
        "contact_id",
        "response_id",
        "segment_id",
        "case_id",
        "order_id",
        "contact",
        "survey",
        "segment",
    }
)
# Column names that identify a customer whatever their exact spelling (a hashed phone or
# e-mail is still an identifier).
_IDENTIFIER_NAME = re.compile(r"phone|e_?mail|_hash$")
# What replaces a withheld value in text and in failed-check examples.
PII_MASK = "•••"


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

    @property
    def sees_raw_landing_data(self) -> bool:
        """Raw landing records (quarantined raw lines, failed-check example values) hold the
        PII staging hashes or drops and are not scoped by team: directors only."""
        return self.role == "director"

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


def is_customer_identifier_column(name: str) -> bool:
    """A result column an analyst may not see: a customer identifier, a phone/e-mail/hash
    column, a ``customer__`` dimension, or the key of a customer's contact or survey."""
    n = str(name).lower()
    return (
        n in CUSTOMER_IDENTIFIER_COLUMNS
        or n in CUSTOMER_RECORD_KEYS
        or n.startswith("customer__")
        or bool(_IDENTIFIER_NAME.search(n))
    )


def mask_customer_columns(ctx: AccessContext, df: pd.DataFrame) -> pd.DataFrame:
    """Drop customer-identifying columns for roles that may not see them."""
    ctx = require_access(ctx)
    if ctx.sees_customer_identifiers:
        return df
    drop = [c for c in df.columns if is_customer_identifier_column(c)]
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


# --- customer free text --------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# 9 to 15 digits (E.164 allows 15), optionally after + or 00 or in brackets, with spaces, dots,
# dashes, slashes or brackets between them: "+44 20 7946 0958", "(020) 7946-0958", "07700900123".
# Account or card numbers of that length are masked too, which is wanted.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d(?:[ .\-/()]{0,2}\d){8,14}(?!\w)")
# Dates (and a date followed by an hour) are not phone numbers.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}")


def redact_contact_details(text):
    """``text`` with e-mail addresses and phone numbers replaced by :data:`PII_MASK`.

    A simple, documented net (not a PII detector): free text can still name a person. Non-text
    values (None, NaN) are returned unchanged.
    """
    if not isinstance(text, str):
        return text
    text = _EMAIL.sub(PII_MASK, text)
    return _PHONE.sub(lambda m: m.group(0) if _DATE.search(m.group(0)) else PII_MASK, text)


def secure_customer_rows(
    ctx: AccessContext, df: pd.DataFrame, free_text: Iterable[str] = ()
) -> pd.DataFrame:
    """Customer-level rows (a contact's survey, its comment) as ``ctx`` may see them: for an
    analyst, without customer identifiers or record keys, and with phone numbers and e-mail
    addresses masked in the ``free_text`` columns."""
    ctx = require_access(ctx)
    if ctx.sees_customer_identifiers:
        return df
    df = mask_customer_columns(ctx, df)
    text = [c for c in free_text if c in df.columns]
    if text:
        df = df.assign(**{c: df[c].map(redact_contact_details) for c in text})
    return df


# --- raw landing data (Data health) ----------------------------------------------------------


@lru_cache(maxsize=1)
def landing_pii_columns() -> frozenset[str]:
    """Columns the landing contract (orchestration/contracts/landing.yml) marks ``pii: true``,
    in any table: caller phone, CRM phone and e-mail, survey comment."""
    return frozenset(c.name for t in load_contract() for c in t.columns if c.pii)


def _is_sensitive_example_column(ctx: AccessContext, name: str) -> bool:
    n = str(name).lower()
    if n in landing_pii_columns():
        return True
    return not ctx.sees_customer_identifiers and is_customer_identifier_column(n)


def _redact_example_value(value, sensitive: bool):
    if value is None:
        return None
    if sensitive or isinstance(value, dict | list):
        return PII_MASK  # nested values are not inspected: masked whole (fail closed)
    return redact_contact_details(value)


def redact_check_examples(ctx: AccessContext, examples, column_name=None):
    """Failed-check examples (JSON text: a list of failing values of ``column_name``, or of
    rows keyed by column) as ``ctx`` may see them.

    Directors: unchanged. Others: values of PII columns of the landing contract masked (and,
    for analysts, of customer identifier columns), phone numbers and e-mail addresses masked in
    every other text value; the file/row lineage stays. Text that is not such JSON is withheld
    (None), never passed through.
    """
    ctx = require_access(ctx)
    if ctx.sees_raw_landing_data or examples is None:
        return examples
    try:
        items = json.loads(examples)
    except (TypeError, ValueError):
        return None
    if not isinstance(items, list):
        return None
    tested = [c.strip() for c in str(column_name or "").split(",") if c.strip()]
    values_sensitive = any(_is_sensitive_example_column(ctx, c) for c in tested)
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(
                {
                    k: v
                    if str(k).startswith("_source_")
                    else _redact_example_value(v, _is_sensitive_example_column(ctx, k))
                    for k, v in item.items()
                }
            )
        else:
            out.append(_redact_example_value(item, values_sensitive))
    return json.dumps(out, default=str, ensure_ascii=False)


def withhold_raw_lines(ctx: AccessContext, df: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows as ``ctx`` may see them: the raw line only for directors.

    The raw line cannot be masked field by field with confidence: the loader accepts a file's
    columns in any order and with extra columns, and the snapshot does not keep the file's
    header, so the contract's column order may not be the line's (and an unreadable record has
    no fields at all). File, line and reason stay for everyone; the reason is built by the
    loader from column names and the values of typed columns only (never of a PII column,
    which are free-text strings without value rules: orchestration.lib.ingest._problem_exprs).
    """
    ctx = require_access(ctx)
    if ctx.sees_raw_landing_data or "raw_line" not in df.columns:
        return df
    return df.assign(raw_line=pd.Series([None] * len(df), index=df.index, dtype="object"))


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
