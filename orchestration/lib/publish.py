"""Publish the read-only serving snapshot the app and analysts read (write, audit, publish).

DuckDB allows one writer process, and a reader blocks writers too, so the app never opens the
pipeline's warehouse. After the marts and their blocking checks pass, this copies the marts
(schema ``main``) and the load accounting (schema ``ops``) into a new file next to the
snapshot, audits it, and atomically renames it over the old one. Readers holding the old file
keep a consistent view until they reopen; a crash at any point leaves the last good snapshot.

Two ways to write the new file, with the same audit and the same atomic swap:

- full copy: every mart is copied from the warehouse into a table (a mart view too:
  fct_contact_segments is a view over int_segments_enriched there); the day-partitioned facts are
  written in the order of their day column, so DuckDB's per-row-group min/max (zone maps) let a
  date-range query of the app skip the row groups of other days;
- window update (an incremental run, :class:`WindowUpdate`): the published file is copied as it
  is (a sequential file copy), then only what the run changed is rewritten in the copy: the
  days from the run's reprocessing window on in each day-partitioned fact (from the window's
  event_from_date for the facts without look-back, ``WindowUpdate.first_day``), and every other mart
  table whole (they are small; dbt rebuilt them). Taken only when the published snapshot is the
  one of the build the window was planned against and its tables have the warehouse's columns;
  otherwise a full copy. The audit then compares every table's row count and the window's rows.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.lib.faults import failpoint

# Serving tables copied from the warehouse: every table of the marts schema and its mart views
# (named by the caller, from the dbt manifest), plus the load accounting the Data health page shows.
MART_SCHEMA = "main"
OPS_TABLES = {
    "deliveries": "raw_meta.deliveries",
    "quarantine": "raw_meta.quarantine",
    "check_results": "raw_meta.check_results",
}


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: dict[str, int]
    published_at: datetime
    seconds: float
    mode: str = "full copy"  # or "window update"


@dataclass(frozen=True)
class WindowUpdate:
    """What an incremental run changed: the published file can be updated instead of rewritten.

    ``base_run_id``: the run whose publication the current snapshot must be (the last completed
    build, the one the window was planned against); ``from_date``: the first day the run
    recomputed; ``day_columns``: mart table -> its day column, for every day-partitioned fact;
    ``event_window``: those recomputed only from ``event_from_date`` (no look-back: a later day).
    """

    base_run_id: str
    from_date: date
    day_columns: dict[str, str] = field(default_factory=dict)
    event_from_date: date | None = None
    event_window: frozenset[str] = frozenset()

    def first_day(self, table: str) -> date:
        """The first day of ``table`` the run recomputed."""
        if table in self.event_window and self.event_from_date is not None:
            return self.event_from_date
        return self.from_date


class SnapshotAuditError(RuntimeError):
    pass


def _mart_tables(
    con: duckdb.DuckDBPyConnection, catalog: str = "wh", views: Collection[str] = ()
) -> list[str]:
    """The marts of ``catalog``: the base tables of its marts schema, and those of ``views`` that
    are views there (a mart view of the warehouse, fct_contact_segments, is a table in the
    snapshot; any other view is not published)."""
    return [
        name
        for name, kind in con.execute(
            "select table_name, table_type from information_schema.tables "
            "where table_catalog = ? and table_schema = ? order by table_name",
            [catalog, MART_SCHEMA],
        ).fetchall()
        if kind == "BASE TABLE" or (kind == "VIEW" and name in views)
    ]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


def _window_update_refused(con: duckdb.DuckDBPyConnection, update: WindowUpdate, tables: list[str]) -> str | None:
    """Why the attached published snapshot (``snap``) cannot be updated in place, or None."""
    try:
        published = {
            r[0] for r in con.execute("select distinct run_id from snap.ops.publication").fetchall()
        }
    except duckdb.Error:
        return "the published snapshot has no publication record"
    if published != {update.base_run_id}:
        return f"the published snapshot is of run {sorted(published)}, not {update.base_run_id}"
    have = set(_mart_tables(con, "snap"))
    if have != set(tables):
        return "the marts' tables changed"
    for name in update.day_columns:
        if name in have and _columns(con, "snap", MART_SCHEMA, name) != _columns(con, "wh", MART_SCHEMA, name):
            return f"the columns of {name} changed"
    return None


def _copy_ops_tables(con: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> None:
    con.execute("create schema if not exists snap.ops")
    for name, source in OPS_TABLES.items():
        schema, table = source.split(".")
        exists = con.execute(
            "select count(*) from information_schema.tables where table_catalog = 'wh' "
            "and table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
        if exists:
            con.execute(f"create or replace table snap.ops.{name} as select * from wh.{source}")
            counts[f"ops.{name}"] = con.execute(f"select count(*) from snap.ops.{name}").fetchone()[0]
        else:
            con.execute(f"drop table if exists snap.ops.{name}")


def publish_snapshot(
    warehouse_path: Path,
    serving_path: Path,
    run_id: str | None = None,
    semantic_manifest: Path | None = None,
    update: WindowUpdate | None = None,
    day_columns: dict[str, str] | None = None,
    views: Collection[str] = (),
) -> PublishResult:
    """Write the marts into a new snapshot, audit it, and swap it in atomically.

    ``update``: the run's reprocessing window; the published snapshot is then updated in a copy
    when it allows (module doc). ``day_columns`` (mart table -> day column, defaulting to the
    update's) orders those tables by day in a full copy. ``views``: the marts that are views in
    the warehouse; each is published as a table (other views of the marts schema are not).

    The semantic manifest the app compiles metric SQL from is published beside the snapshot
    (``semantic_manifest.json``, swapped in just before the snapshot), so the app never compiles
    against a model that a later `dbt parse` changed but no build has published yet.
    """
    t0 = time.perf_counter()
    serving_path = Path(serving_path)
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving_path.with_name(serving_path.name + ".tmp")
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)
    day_columns = dict(day_columns if day_columns is not None else (update.day_columns if update else {}))

    from orchestration.settings import get_settings

    mode = "full copy"
    con = duckdb.connect(config={"memory_limit": get_settings().duckdb_memory_limit})
    try:
        con.execute(f"attach '{Path(warehouse_path)}' as wh (read_only)")
        tables = _mart_tables(con, views=views)
        if update is not None and serving_path.is_file():
            shutil.copyfile(serving_path, tmp)
            con.execute(f"attach '{tmp}' as snap")
            refused = _window_update_refused(con, update, tables)
            if refused is None:
                mode = "window update"
            else:
                con.execute("detach snap")
                tmp.unlink()
                mode = f"full copy ({refused})"
        if mode != "window update":
            con.execute(f"attach '{tmp}' as snap")
        counts: dict[str, int] = {}
        window_rows: dict[str, int] = {}
        for name in tables:
            target, source = f'snap.main."{name}"', f'wh.{MART_SCHEMA}."{name}"'
            column = day_columns.get(name)
            if mode == "window update" and column:
                since = f"{column} >= cast('{update.first_day(name).isoformat()}' as date)"
                con.execute(f"delete from {target} where {since}")
                con.execute(f"insert into {target} select * from {source} where {since}")
                window_rows[name] = con.execute(f"select count(*) from {target} where {since}").fetchone()[0]
            else:
                order = f' order by "{column}"' if column else ""
                con.execute(f"create or replace table {target} as select * from {source}{order}")
            counts[f"main.{name}"] = con.execute(f"select count(*) from {target}").fetchone()[0]
        _copy_ops_tables(con, counts)
        published_at = datetime.now(UTC).replace(tzinfo=None)
        con.execute(
            "create or replace table snap.ops.publication (published_at timestamp, run_id varchar, "
            "table_name varchar, row_count bigint)"
        )
        con.executemany(
            "insert into snap.ops.publication values (?, ?, ?, ?)",
            [[published_at, run_id, t, n] for t, n in counts.items()],
        )
        # Audit before the swap: every mart of the warehouse made it, with the same row count,
        # and an updated table holds the warehouse's rows of the window.
        for name in tables:
            src = con.execute(f'select count(*) from wh.{MART_SCHEMA}."{name}"').fetchone()[0]
            if counts.get(f"main.{name}") != src:
                raise SnapshotAuditError(f"snapshot table main.{name} has {counts.get(f'main.{name}')} rows, warehouse {src}")
        for name, n in window_rows.items():
            first = update.first_day(name)
            since = f"{day_columns[name]} >= cast('{first.isoformat()}' as date)"
            src = con.execute(f'select count(*) from wh.{MART_SCHEMA}."{name}" where {since}').fetchone()[0]
            if n != src:
                raise SnapshotAuditError(f"snapshot table main.{name} has {n} rows from {first}, warehouse {src}")
        con.execute("checkpoint snap")
        con.execute("detach snap")
        con.execute("detach wh")
    finally:
        con.close()
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    failpoint("publish.before_swap")
    if semantic_manifest is not None and Path(semantic_manifest).exists():
        manifest_tmp = serving_path.parent / "semantic_manifest.json.tmp"
        shutil.copyfile(semantic_manifest, manifest_tmp)
        os.replace(manifest_tmp, serving_path.parent / "semantic_manifest.json")
    os.replace(tmp, serving_path)
    return PublishResult(serving_path, counts, published_at, time.perf_counter() - t0, mode)
