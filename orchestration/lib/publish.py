"""Publish the read-only serving snapshot the app and analysts read (write, audit, publish).

DuckDB allows one writer process, and a reader blocks writers too, so the app never opens the
pipeline's warehouse. After the marts and their blocking checks pass, this copies the marts
(schema ``main``) and the load accounting (schema ``ops``) into a new file next to the
snapshot, audits it, and atomically renames it over the old one. Readers holding the old file
keep a consistent view until they reopen; a crash at any point leaves the last good snapshot.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.lib.faults import failpoint

# Serving tables copied from the warehouse: every base table of the marts schema, plus the
# load accounting the Data health page shows.
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


class SnapshotAuditError(RuntimeError):
    pass


def _mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'wh' and table_schema = ? and table_type = 'BASE TABLE' "
            "order by table_name",
            [MART_SCHEMA],
        ).fetchall()
    ]


def publish_snapshot(
    warehouse_path: Path,
    serving_path: Path,
    run_id: str | None = None,
    semantic_manifest: Path | None = None,
) -> PublishResult:
    """Copy the marts into a new snapshot, audit it, and swap it in atomically.

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

    from orchestration.settings import get_settings

    con = duckdb.connect(config={"memory_limit": get_settings().duckdb_memory_limit})
    try:
        con.execute(f"attach '{Path(warehouse_path)}' as wh (read_only)")
        con.execute(f"attach '{tmp}' as snap")
        counts: dict[str, int] = {}
        for name in _mart_tables(con):
            con.execute(f'create table snap.main."{name}" as select * from wh.{MART_SCHEMA}."{name}"')
            counts[f"main.{name}"] = con.execute(f'select count(*) from snap.main."{name}"').fetchone()[0]
        con.execute("create schema snap.ops")
        for name, source in OPS_TABLES.items():
            schema, table = source.split(".")
            exists = con.execute(
                "select count(*) from information_schema.tables where table_catalog = 'wh' "
                "and table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchone()[0]
            if exists:
                con.execute(f"create table snap.ops.{name} as select * from wh.{source}")
                counts[f"ops.{name}"] = con.execute(f"select count(*) from snap.ops.{name}").fetchone()[0]
        published_at = datetime.now(UTC).replace(tzinfo=None)
        con.execute(
            "create table snap.ops.publication (published_at timestamp, run_id varchar, "
            "table_name varchar, row_count bigint)"
        )
        con.executemany(
            "insert into snap.ops.publication values (?, ?, ?, ?)",
            [[published_at, run_id, t, n] for t, n in counts.items()],
        )
        # Audit before the swap: every mart of the warehouse made it, with the same row count.
        for name in _mart_tables(con):
            src = con.execute(f'select count(*) from wh.{MART_SCHEMA}."{name}"').fetchone()[0]
            if counts.get(f"main.{name}") != src:
                raise SnapshotAuditError(f"snapshot table main.{name} has {counts.get(f'main.{name}')} rows, warehouse {src}")
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
    return PublishResult(serving_path, counts, published_at, time.perf_counter() - t0)
