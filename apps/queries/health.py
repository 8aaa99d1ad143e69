"""Data health page: freshness per source, last run, check results, quarantine, accounting.

Reads the snapshot's ``ops`` schema (copied by orchestration.lib.publish from ``raw_meta``):
``ops.deliveries`` (one row per delivered file: rows read / loaded / quarantined / duplicate),
``ops.quarantine`` (rows that could not be loaded: file, line, raw content, reason),
``ops.check_results`` (one row per expectation per evaluation: the Great Expectations suites,
and the dbt data tests as the check ``dbt_tests`` of each model, orchestration.lib.dbt_checks)
and ``ops.publication`` (when the snapshot was published, by which run, tables and rows),
plus the latest event time of each landing table's data in the marts. Every ops table is
optional (an older snapshot, or a pipeline that has not run the checks yet): a missing table
reads as empty.

Access: the quarantined raw line and failed-check examples are raw landing data (phone
numbers, e-mails, free text that staging hashes or drops), so the functions returning them
take the access context and apply the rule of apps.queries.access before returning: the raw
line for directors only, examples with PII values masked for everyone else. File, line and
reason stay visible to every role. The other functions return counts and metadata only.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from apps.queries.access import (
    AccessContext,
    redact_check_examples,
    require_access,
    withhold_raw_lines,
)

# Landing table -> (mart relation, event-time column): where the newest event of that
# source shows in the published data. Tables without an event time map to None.
EVENT_TIME: dict[tuple[str, str], tuple[str, str] | None] = {
    ("acd", "calls"): ("fct_contact_segments", "entered_queue_at"),
    # Agent days carry the schedule ahead too: only days with logged-in time count.
    ("acd", "agent_states"): ("fct_agent_days", "activity_date"),
    ("acd", "queues"): None,
    ("crm", "customers"): None,
    ("crm", "cases"): None,
    ("crm", "orders"): None,
    ("survey", "survey_responses"): ("fct_survey_responses", "responded_at"),
    ("hr", "agents"): ("dim_agents", "last_snapshot_date"),
    ("hr", "teams"): None,
    ("hr", "schedules"): None,
    ("hr", "timesheets"): None,
    ("hr", "leave_requests"): None,
    ("hr", "qa_evaluations"): ("fct_qa_evaluations", "evaluated_at"),
    ("hr", "coaching_sessions"): None,
}


# Rows of a mart that are events (not plans) for the freshness reading: (column, condition).
EVENT_CONDITION = {"fct_agent_days": ("logged_in_seconds", "coalesce(logged_in_seconds, 0) > 0")}


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }


def last_run(con: duckdb.DuckDBPyConnection) -> dict:
    """When the snapshot was published, by which run, how many tables and mart rows."""
    if not _exists(con, "ops", "publication"):
        return {"published_at": None, "run_id": None, "tables": 0, "rows": 0}
    row = con.execute(
        """
        select max(published_at), max(run_id), count(*), coalesce(sum(row_count), 0)
        from ops.publication
        """
    ).fetchone()
    return {"published_at": row[0], "run_id": row[1], "tables": int(row[2]), "rows": int(row[3])}


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per landing table: files delivered, last delivery, rows, latest event time."""
    base = pd.DataFrame(
        [{"family": fam, "table_name": tab} for fam, tab in EVENT_TIME],
        columns=["family", "table_name"],
    )
    if _exists(con, "ops", "deliveries"):
        deliveries = con.execute(
            """
            select family, table_name,
                   count(*) as files,
                   count(*) filter (where status <> 'loaded') as files_rejected,
                   max(loaded_at) as last_delivery_at,
                   coalesce(sum(rows_read), 0) as rows_read,
                   coalesce(sum(rows_loaded), 0) as rows_loaded,
                   coalesce(sum(rows_quarantined), 0) as rows_quarantined
            from ops.deliveries
            group by family, table_name
            """
        ).df()
        base = base.merge(deliveries, on=["family", "table_name"], how="outer")
    else:
        for c in ("files", "files_rejected", "rows_read", "rows_loaded", "rows_quarantined"):
            base[c] = 0
        base["last_delivery_at"] = pd.NaT
    latest = []
    for fam, tab in zip(base["family"], base["table_name"], strict=True):
        target = EVENT_TIME.get((fam, tab))
        value = None
        if target and _exists(con, "main", target[0]):
            if target[1] in _columns(con, "main", target[0]):
                column, cond = EVENT_CONDITION.get(target[0], (None, "true"))
                if column and column not in _columns(con, "main", target[0]):
                    cond = "true"
                value = con.execute(
                    f'select max("{target[1]}") from main."{target[0]}" where {cond}'
                ).fetchone()[0]
        latest.append(value)
    base["latest_event"] = latest
    base["event_source"] = [
        f"{t[0]}.{t[1]}" if (t := EVENT_TIME.get((fam, tab))) else None
        for fam, tab in zip(base["family"], base["table_name"], strict=True)
    ]
    for c in ("files", "files_rejected", "rows_read", "rows_loaded", "rows_quarantined"):
        base[c] = base[c].fillna(0).astype("int64")
    return base.sort_values(["family", "table_name"]).reset_index(drop=True)


def check_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Latest evaluation of each check (check_name x asset_key): expectations, failures."""
    if not _exists(con, "ops", "check_results"):
        return pd.DataFrame(
            columns=[
                "check_name", "asset_key", "suite", "evaluated_at", "run_id", "expectations",
                "failed", "failed_critical", "failed_warning", "unexpected_rows",
            ]
        )
    return con.execute(
        """
        with latest as (
            select check_name, asset_key, max(evaluated_at) as evaluated_at
            from ops.check_results
            group by check_name, asset_key
        )
        select r.check_name, r.asset_key, max(r.suite) as suite, r.evaluated_at,
               max(r.run_id) as run_id,
               count(*) as expectations,
               count(*) filter (where not r.success) as failed,
               count(*) filter (where not r.success and r.severity = 'critical')
                   as failed_critical,
               count(*) filter (where not r.success and r.severity <> 'critical')
                   as failed_warning,
               coalesce(sum(r.unexpected_count) filter (where not r.success), 0)
                   as unexpected_rows
        from ops.check_results as r
        join latest as l
          on l.check_name = r.check_name and l.asset_key = r.asset_key
         and l.evaluated_at = r.evaluated_at
        group by r.check_name, r.asset_key, r.evaluated_at
        order by failed_critical desc, failed desc, r.asset_key, r.check_name
        """
    ).df()


def failed_expectations(con: duckdb.DuckDBPyConnection, *, access: AccessContext) -> pd.DataFrame:
    """The failed expectations of each check's latest evaluation, with counts and examples
    (JSON text; PII values masked unless ``access`` sees raw landing data)."""
    require_access(access)  # fail closed
    if not _exists(con, "ops", "check_results"):
        return pd.DataFrame(
            columns=[
                "asset_key", "check_name", "expectation", "column_name", "severity",
                "unexpected_count", "examples", "evaluated_at",
            ]
        )
    df = con.execute(
        """
        with latest as (
            select check_name, asset_key, max(evaluated_at) as evaluated_at
            from ops.check_results
            group by check_name, asset_key
        )
        select r.asset_key, r.check_name, r.expectation, r.column_name, r.severity,
               r.unexpected_count, r.examples, r.evaluated_at
        from ops.check_results as r
        join latest as l
          on l.check_name = r.check_name and l.asset_key = r.asset_key
         and l.evaluated_at = r.evaluated_at
        where not r.success
        order by case when r.severity = 'critical' then 0 else 1 end,
                 r.unexpected_count desc nulls last, r.asset_key, r.expectation
        """
    ).df()
    if not access.sees_raw_landing_data:
        df["examples"] = [
            redact_check_examples(access, ex, col)
            for ex, col in zip(df["examples"], df["column_name"], strict=True)
        ]
    return df


def quarantine_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Quarantined rows per landing table (and the newest quarantine time)."""
    if not _exists(con, "ops", "quarantine"):
        return pd.DataFrame(columns=["family", "table_name", "rows", "files", "latest_at"])
    return con.execute(
        """
        select family, table_name, count(*) as rows,
               count(distinct source_file) as files, max(quarantined_at) as latest_at
        from ops.quarantine
        group by family, table_name
        order by rows desc, family, table_name
        """
    ).df()


def latest_quarantined(
    con: duckdb.DuckDBPyConnection, *, access: AccessContext, limit: int = 100
) -> pd.DataFrame:
    """The newest quarantined rows: file, line, reason, and the raw line (directors only;
    ``None`` for other roles)."""
    require_access(access)  # fail closed
    if not _exists(con, "ops", "quarantine"):
        return pd.DataFrame(
            columns=["quarantined_at", "family", "table_name", "source_file", "line_number",
                     "reason", "raw_line"]
        )
    df = con.execute(
        f"""
        select quarantined_at, family, table_name, source_file, line_number, reason, raw_line
        from ops.quarantine
        order by quarantined_at desc, source_file, line_number
        limit {int(limit)}
        """
    ).df()
    return withhold_raw_lines(access, df)


def load_accounting(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per delivered file: rows read = loaded + quarantined + exact duplicates (balanced)."""
    if not _exists(con, "ops", "deliveries"):
        return pd.DataFrame(
            columns=["loaded_at", "family", "table_name", "source_file", "status", "rows_read",
                     "rows_loaded", "rows_quarantined", "rows_duplicate", "balanced", "message"]
        )
    df = con.execute(
        """
        select loaded_at, family, table_name, source_file, status,
               coalesce(rows_read, 0) as rows_read, coalesce(rows_loaded, 0) as rows_loaded,
               coalesce(rows_quarantined, 0) as rows_quarantined,
               coalesce(rows_duplicate, 0) as rows_duplicate, message
        from ops.deliveries
        order by loaded_at desc, source_file
        """
    ).df()
    df["balanced"] = df["rows_read"] == (
        df["rows_loaded"] + df["rows_quarantined"] + df["rows_duplicate"]
    )
    return df
