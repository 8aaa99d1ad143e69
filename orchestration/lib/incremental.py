"""Which days a build must recompute: the reprocessing window of the incremental dbt models.

Plain functions over a DuckDB connection (no Dagster). Before each dbt step of a run, the dbt
asset calls `plan_window`; the plan is written to ``raw_meta.build_window`` under the run id and
read by the dbt macro ``reprocess_from_date`` (dbt_project/macros/reprocess_window.sql). Every
dbt step of a run uses the same plan (the first step's); the publish step marks it completed.

The window starts at the earliest *local* day any row delivered in this run can change:

- for each table that feeds an incremental model, the earliest UTC date of its event column
  among the run's new rows, and, for a re-delivered key, among the earlier versions of that key
  (a correction that moves a segment to another day must also remove it from the old day);
  cases, orders and survey responses that name a contact count from that contact's first
  queue entry;
- minus one day (a UTC date can be the previous local day at a site west of UTC, and a
  contact can straddle local midnight): ``event_from_date``, where the models whose facts of a
  day depend on no later day start (``meta: {reprocess_lookback: false}``: the segments, agent
  states, schedules, interval and agent-day facts, surveys);
- minus the longest look-back of a fact on later days, for the models that have one or read
  one (``reprocess_lookback: true``, the default): repeat-contact FCR (``fcr_window_days``) and
  sales attribution (``sales_attribution_window_days``): ``from_date``. Those are the contacts,
  the order attribution, the cases and the daily customer and complaint reports; the others
  recompute 2 days of a one-day delivery instead of 9
  (tests/orchestration/test_reprocess_lookback.py keeps the split consistent with the graph).

A full rebuild (``--full-refresh`` of the incremental models) is planned instead when the
warehouse has no incremental model yet, when the dbt project (models, macros, seeds, vars)
differs from the one of the last completed build, when a delivery replaced rows of an earlier
delivery (rows can disappear), when a table with history-wide effect was delivered (queue
configuration: the service-level policy applies to every day), or when asked for. A run that
delivered nothing new recomputes no day of the incremental models.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import yaml

from orchestration.settings import DBT_PROJECT_DIR

META = "raw_meta"
WINDOW_DDL = f"""
create table if not exists {META}.build_window (
    run_id VARCHAR,
    planned_at TIMESTAMP,
    full_rebuild BOOLEAN,
    from_date DATE,
    reason VARCHAR,
    project_fingerprint VARCHAR,
    completed_at TIMESTAMP,
    event_from_date DATE
)"""
# a warehouse planned before event_from_date existed: the column is added (null: from_date)
WINDOW_MIGRATION = f"alter table {META}.build_window add column if not exists event_from_date DATE"

# table -> event timestamp/date column: the tables whose new rows move the window (keys below).
EVENT_COLUMNS: dict[tuple[str, str], str] = {
    ("acd", "calls"): "entered_queue_at",
    ("acd", "agent_states"): "started_at",
    ("hr", "schedules"): "starts_at",
    ("hr", "agents"): "snapshot_date",
    ("hr", "timesheets"): "work_date",
    ("hr", "leave_requests"): "starts_on",
    ("crm", "cases"): "opened_at",
    ("crm", "orders"): "ordered_at",
    ("survey", "survey_responses"): "sent_at",
}
KEYS: dict[tuple[str, str], tuple[str, ...]] = {
    ("acd", "calls"): ("segment_id",),
    ("hr", "leave_requests"): ("request_id",),
    ("crm", "cases"): ("case_id",),
    ("crm", "orders"): ("order_id",),
    ("survey", "survey_responses"): ("response_id",),
}
# Rows of these tables count on the day of the contact they name (they are about it).
ABOUT_A_CONTACT = {("crm", "cases"), ("crm", "orders"), ("survey", "survey_responses")}
# Deliveries to these tables change every day's numbers: rebuild everything.
FULL_REBUILD_TABLES = {("acd", "queues")}
INCREMENTAL_MARKER = "main.fct_contact_segments"
NOTHING = date(9999, 12, 31)  # a window that starts after every day: recompute nothing


@dataclass(frozen=True)
class WindowPlan:
    run_id: str
    full_rebuild: bool
    from_date: date | None
    reason: str
    project_fingerprint: str
    # the first day of the models without look-back (module doc); None: from_date
    event_from_date: date | None = None

    @property
    def first_event_day(self) -> date | None:
        return self.event_from_date or self.from_date

    def describe(self) -> str:
        if self.full_rebuild:
            return f"full rebuild of the incremental models: {self.reason}"
        if self.from_date is None or self.from_date == NOTHING:
            return f"no day to recompute: {self.reason}"
        if self.first_event_day != self.from_date:
            return (
                f"recompute local days from {self.first_event_day}, and from {self.from_date} "
                f"where a fact looks ahead (FCR, sales attribution): {self.reason}"
            )
        return f"recompute local days from {self.from_date}: {self.reason}"


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """Hash of what defines the models: SQL, YAML, macros, seeds and dbt_project.yml."""
    h = hashlib.sha256()
    for sub in ("models", "macros", "seeds", "tests"):
        for p in sorted((project_dir / sub).rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(project_dir)).encode())
                h.update(p.read_bytes())
    h.update((project_dir / "dbt_project.yml").read_bytes())
    return h.hexdigest()[:20]


def lookback_days(project_dir: Path = DBT_PROJECT_DIR) -> int:
    """Days before a new row's day whose facts it can change, plus one for UTC vs local dates."""
    cfg = yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
    v = cfg.get("vars") or {}
    return max(int(v.get("fcr_window_days", 7)), int(v.get("sales_attribution_window_days", 7))) + 1


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def existing_plan(con: duckdb.DuckDBPyConnection, run_id: str) -> WindowPlan | None:
    if not _exists(con, f"{META}.build_window"):
        return None
    row = con.execute(
        f"select full_rebuild, from_date, reason, project_fingerprint, event_from_date "
        f"from {META}.build_window where run_id = ? order by planned_at desc limit 1",
        [run_id],
    ).fetchone()
    return None if row is None else WindowPlan(run_id, bool(row[0]), row[1], row[2], row[3], row[4])


def _new_deliveries(con, since: datetime) -> list[tuple]:
    return con.execute(
        f"select family, table_name, delivery_id, source_file from {META}.deliveries "
        "where status = 'loaded' and loaded_at >= ?",
        [since],
    ).fetchall()


def earliest_affected_date(con: duckdb.DuckDBPyConnection, since: datetime) -> date | None:
    """The earliest UTC event date among the rows loaded since ``since`` (see module doc)."""
    dates: list[date] = []
    new = {}
    for family, table, delivery_id, _ in _new_deliveries(con, since):
        new.setdefault((family, table), []).append(delivery_id)
    for key, ids in new.items():
        col = EVENT_COLUMNS.get(key)
        if col is None:
            continue
        raw = f"raw_{key[0]}.{key[1]}"
        marks = ", ".join("?" for _ in ids)
        batch = f"select * from {raw} where _delivery_id in ({marks})"
        found = [con.execute(f"select min(cast({col} as date)) from ({batch})", ids).fetchone()[0]]
        if key in KEYS:
            k = ", ".join(KEYS[key])
            found.append(
                con.execute(
                    f"select min(cast({col} as date)) from {raw} "
                    f"where ({k}) in (select ({k}) from ({batch}))",
                    ids,
                ).fetchone()[0]
            )
        if key in ABOUT_A_CONTACT:
            found.append(
                con.execute(
                    "select min(cast(entered_queue_at as date)) from raw_acd.calls "
                    f"where contact_id in (select contact_id from ({batch}) where contact_id is not null)",
                    ids,
                ).fetchone()[0]
            )
        dates += [d for d in found if d is not None]
    return min(dates) if dates else None


def plan_window(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    force_full: bool = False,
    force_from: date | None = None,
    fingerprint: str | None = None,
) -> WindowPlan:
    """Decide the run's reprocessing window (the same plan for every dbt step of the run).

    ``force_from`` (a backfill: `build --from-date`) recomputes every day from that date on, or
    from an earlier day if the new deliveries need it; a full rebuild still wins when one is due.

    "New" deliveries are those loaded after the plan of the last *completed* build, so the rows
    of a run that failed before publishing are recomputed by the next run.
    """
    con.execute(f"create schema if not exists {META}")
    con.execute(WINDOW_DDL)
    con.execute(WINDOW_MIGRATION)
    planned = existing_plan(con, run_id)
    if planned is not None:
        return planned
    fp = fingerprint or project_fingerprint()

    def plan(
        full: bool, from_date: date | None, reason: str, event_from_date: date | None = None
    ) -> WindowPlan:
        p = WindowPlan(run_id, full, from_date, reason, fp, event_from_date or from_date)
        con.execute(
            f"insert into {META}.build_window (run_id, planned_at, full_rebuild, from_date, reason, "
            "project_fingerprint, completed_at, event_from_date) "
            "values (?, cast(timezone('UTC', now()) as timestamp), ?, ?, ?, ?, null, ?)",
            [run_id, p.full_rebuild, p.from_date, p.reason, p.project_fingerprint, p.event_from_date],
        )
        return p

    if force_full:
        return plan(True, None, "asked for (--full-refresh)")
    if not _exists(con, INCREMENTAL_MARKER):
        return plan(True, None, "first build of this warehouse")
    last = con.execute(
        f"select project_fingerprint, planned_at from {META}.build_window "
        "where completed_at is not null order by completed_at desc limit 1"
    ).fetchone()
    if last is None:
        return plan(True, None, "no completed incremental build recorded yet")
    if last[0] != fp:
        return plan(True, None, "the dbt project changed since the last completed build")
    since: datetime = last[1]
    replaced = con.execute(
        f"select count(*) from {META}.deliveries where status = 'superseded' and source_file in ("
        f"select source_file from {META}.deliveries where status = 'loaded' and loaded_at >= ?)",
        [since],
    ).fetchone()[0]
    if replaced:
        return plan(True, None, f"{replaced} earlier deliveries were replaced (rows may have been removed)")
    new = _new_deliveries(con, since)
    wide = sorted({f"{f}/{t}" for f, t, _, _ in new if (f, t) in FULL_REBUILD_TABLES})
    if wide:
        return plan(True, None, f"delivered {', '.join(wide)}, which changes every day")
    earliest = earliest_affected_date(con, since)
    if earliest is None and force_from is not None:
        return plan(False, force_from, f"asked for (--from-date {force_from})")
    if earliest is None:
        # nothing that feeds an incremental model arrived: recompute no day of them
        return plan(False, NOTHING, f"{len(new)} new deliveries since the last build, none to an event table")
    start = earliest - timedelta(days=lookback_days())
    event_start = earliest - timedelta(days=1)  # a UTC date can be the previous local day
    if force_from is not None and force_from < start:
        return plan(False, force_from, f"asked for (--from-date {force_from})")
    if force_from is not None and force_from < event_start:
        event_start = force_from
    return plan(
        False,
        start,
        f"{len(new)} new deliveries since the last build; earliest event day {earliest}, "
        f"minus 1 day, and {lookback_days()} days of look-back where a fact looks ahead",
        event_start,
    )


def last_completed_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run id of the last build whose dbt steps all succeeded and that published."""
    if not _exists(con, f"{META}.build_window"):
        return None
    row = con.execute(
        f"select run_id from {META}.build_window where completed_at is not null "
        "order by completed_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def mark_completed(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Record that the run's dbt steps all succeeded (called by the publish step)."""
    if not _exists(con, f"{META}.build_window"):
        return
    con.execute(
        f"update {META}.build_window set completed_at = cast(timezone('UTC', now()) as timestamp) "
        "where run_id = ? and completed_at is null",
        [run_id],
    )
