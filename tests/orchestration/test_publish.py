"""Publishing the serving snapshot: atomic, audited, readable while the warehouse is written."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from orchestration.lib import publish as publish_mod
from orchestration.lib.ingest import ensure_raw_tables
from orchestration.lib.publish import publish_snapshot


def make_warehouse(path, n):
    con = duckdb.connect(str(path))
    ensure_raw_tables(con)
    con.execute("create or replace table main.fct_things as select range as id from range(?)", [n])
    con.execute("create or replace view main.v_not_copied as select 1 as x")
    con.close()


def test_publish_copies_marts_and_load_accounting_and_records_the_publication(tmp_path):
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_warehouse(wh, 5)
    r = publish_snapshot(wh, snap, run_id="r1")
    assert r.tables["main.fct_things"] == 5
    con = duckdb.connect(str(snap), read_only=True)
    assert con.execute("select count(*) from main.fct_things").fetchone()[0] == 5
    assert con.execute("select count(*) from ops.deliveries").fetchone()[0] == 0
    assert con.execute("select distinct run_id from ops.publication").fetchall() == [("r1",)]
    tables = {t for (t,) in con.execute("select table_name from information_schema.tables where table_schema='main'").fetchall()}
    assert "v_not_copied" not in tables
    con.close()


def test_a_reader_of_the_old_snapshot_keeps_its_view_while_a_new_one_is_published(tmp_path):
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_warehouse(wh, 3)
    publish_snapshot(wh, snap)
    reader = duckdb.connect(str(snap), read_only=True)
    make_warehouse(wh, 7)
    publish_snapshot(wh, snap)
    assert reader.execute("select count(*) from main.fct_things").fetchone()[0] == 3
    reader.close()
    fresh = duckdb.connect(str(snap), read_only=True)
    assert fresh.execute("select count(*) from main.fct_things").fetchone()[0] == 7
    fresh.close()


def test_a_failed_publish_leaves_the_last_good_snapshot(tmp_path, monkeypatch):
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_warehouse(wh, 3)
    publish_snapshot(wh, snap)
    make_warehouse(wh, 9)

    def boom(*a, **k):
        raise RuntimeError("killed mid-publish")

    monkeypatch.setattr(publish_mod.os, "replace", boom)
    with pytest.raises(RuntimeError):
        publish_snapshot(wh, snap)
    con = duckdb.connect(str(snap), read_only=True)
    assert con.execute("select count(*) from main.fct_things").fetchone()[0] == 3
    con.close()


def test_the_semantic_manifest_is_published_beside_the_snapshot(tmp_path):
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_warehouse(wh, 2)
    manifest = tmp_path / "semantic_manifest.json"
    manifest.write_text('{"v": 1}')
    publish_snapshot(wh, snap, semantic_manifest=manifest)
    assert (snap.parent / "semantic_manifest.json").read_text() == '{"v": 1}'


# --- incremental runs: the published file is updated from the run's window ---------------------

def make_partitioned_warehouse(path, days: dict[str, int], label: str):
    """fct_days: `n` rows per day (value = label); dim_small: one row (label)."""
    con = duckdb.connect(str(path))
    ensure_raw_tables(con)
    con.execute("create or replace table main.fct_days (interval_date date, v varchar)")
    for d, n in days.items():
        con.execute("insert into main.fct_days select cast(? as date), ? from range(?)", [d, f"{label}-{d}", n])
    con.execute("create or replace table main.dim_small as select ? as label", [label])
    con.close()


def snapshot_rows(snap):
    with duckdb.connect(str(snap), read_only=True) as con:
        return (
            con.execute("select interval_date, v, count(*) from main.fct_days group by all order by 1, 2").fetchall(),
            con.execute("select label from main.dim_small").fetchall(),
            con.execute("select distinct run_id from ops.publication").fetchall(),
        )


DAYS = {"fct_days": "interval_date"}


def test_a_window_update_rewrites_only_the_window_and_equals_a_full_copy(tmp_path):
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_partitioned_warehouse(wh, {"2026-03-01": 3, "2026-03-02": 2, "2026-03-03": 4}, "v1")
    assert publish_snapshot(wh, snap, run_id="r1", day_columns=DAYS).mode == "full copy"

    # the next run recomputed 2026-03-02 on: one day changed, one day is new, one day vanished
    make_partitioned_warehouse(wh, {"2026-03-01": 3, "2026-03-02": 5, "2026-03-04": 1}, "v2")
    with duckdb.connect(str(wh)) as con:  # days before the window are the earlier run's
        con.execute("update main.fct_days set v = 'v1-2026-03-01' where interval_date = '2026-03-01'")
    update = publish_mod.WindowUpdate("r1", date(2026, 3, 2), DAYS)
    r = publish_snapshot(wh, snap, run_id="r2", update=update)
    assert r.mode == "window update"
    assert r.tables["main.fct_days"] == 9
    updated = snapshot_rows(snap)
    assert updated == (
        [(date(2026, 3, 1), "v1-2026-03-01", 3), (date(2026, 3, 2), "v2-2026-03-02", 5),
         (date(2026, 3, 4), "v2-2026-03-04", 1)],
        [("v2",)],
        [("r2",)],
    )
    full = tmp_path / "full" / "warehouse.duckdb"
    publish_snapshot(wh, full, run_id="r2", day_columns=DAYS)
    assert snapshot_rows(full) == updated


def test_a_window_update_keeps_the_published_rows_before_the_window(tmp_path):
    """The update copies the published file: rows before the window are not re-read."""
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_partitioned_warehouse(wh, {"2026-03-01": 2, "2026-03-02": 2}, "v1")
    publish_snapshot(wh, snap, run_id="r1", day_columns=DAYS)
    with duckdb.connect(str(wh)) as con:  # same count, other values, before the window
        con.execute("update main.fct_days set v = 'changed' where interval_date = '2026-03-01'")
    publish_snapshot(wh, snap, run_id="r2", update=publish_mod.WindowUpdate("r1", date(2026, 3, 2), DAYS))
    assert ("changed",) not in duckdb.connect(str(snap), read_only=True).execute(
        "select distinct v from main.fct_days").fetchall()


def test_a_fact_without_look_back_is_rewritten_from_the_window_s_event_day(tmp_path):
    """A run recomputes the facts with a look-back (FCR, sales attribution) from from_date and
    the others from event_from_date: the update rewrites each table from its own first day, and
    the audit counts each table's window from that day."""
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_partitioned_warehouse(wh, {"2026-03-01": 1, "2026-03-02": 2, "2026-03-03": 1}, "v1")
    with duckdb.connect(str(wh)) as con:
        con.execute("create or replace table main.fct_events as select * from main.fct_days")
    days = {"fct_days": "interval_date", "fct_events": "interval_date"}
    publish_snapshot(wh, snap, run_id="r1", day_columns=days)
    # the next run: fct_days recomputed from 2026-03-02, fct_events only from 2026-03-03; a
    # value of fct_events before its window that differs in the warehouse shows what was re-read
    make_partitioned_warehouse(wh, {"2026-03-01": 1, "2026-03-02": 2, "2026-03-03": 3}, "v2")
    with duckdb.connect(str(wh)) as con:
        con.execute("create or replace table main.fct_events as select * from main.fct_days")
    update = publish_mod.WindowUpdate(
        "r1", date(2026, 3, 2), days, event_from_date=date(2026, 3, 3),
        event_window=frozenset({"fct_events"}),
    )
    assert (update.first_day("fct_days"), update.first_day("fct_events")) == (
        date(2026, 3, 2), date(2026, 3, 3))
    r = publish_snapshot(wh, snap, run_id="r2", update=update, day_columns=days)
    assert r.mode == "window update"
    with duckdb.connect(str(snap), read_only=True) as con:
        rows = {t: con.execute(f"select interval_date, v, count(*) from main.{t} group by all order by 1").fetchall()
                for t in days}
    assert rows["fct_days"] == [(date(2026, 3, 1), "v1-2026-03-01", 1), (date(2026, 3, 2), "v2-2026-03-02", 2),
                                (date(2026, 3, 3), "v2-2026-03-03", 3)]
    assert rows["fct_events"] == [(date(2026, 3, 1), "v1-2026-03-01", 1), (date(2026, 3, 2), "v1-2026-03-02", 2),
                                  (date(2026, 3, 3), "v2-2026-03-03", 3)]


@pytest.mark.parametrize(
    "change, reason",
    [
        ("base", "not r0"),
        ("columns", "the columns of fct_days changed"),
        ("tables", "the marts' tables changed"),
    ],
)
def test_a_window_update_falls_back_to_a_full_copy_when_the_snapshot_does_not_match(tmp_path, change, reason):
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_partitioned_warehouse(wh, {"2026-03-01": 2}, "v1")
    publish_snapshot(wh, snap, run_id="r1", day_columns=DAYS)
    make_partitioned_warehouse(wh, {"2026-03-01": 2, "2026-03-02": 1}, "v2")
    with duckdb.connect(str(wh)) as con:
        if change == "columns":
            con.execute("alter table main.fct_days add column extra integer")
        if change == "tables":
            con.execute("create table main.fct_new as select 1 as x")
    base = "r0" if change == "base" else "r1"
    r = publish_snapshot(wh, snap, run_id="r2", update=publish_mod.WindowUpdate(base, date(2026, 3, 2), DAYS))
    assert r.mode.startswith("full copy") and reason in r.mode
    assert r.tables["main.fct_days"] == 3


def test_a_full_copy_writes_day_partitioned_tables_in_day_order(tmp_path):
    """Row groups then hold contiguous days, so DuckDB's zone maps skip other days' rows."""
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_partitioned_warehouse(wh, {"2026-03-03": 2, "2026-03-01": 2, "2026-03-02": 2}, "v1")
    publish_snapshot(wh, snap, day_columns=DAYS)
    with duckdb.connect(str(snap), read_only=True) as con:
        days = [r[0] for r in con.execute("select interval_date from main.fct_days order by rowid").fetchall()]
    assert days == sorted(days) and len(days) == 6


def test_a_mart_view_is_published_as_a_table_and_updated_by_window(tmp_path):
    """fct_contact_segments is a view over a day-incremental table in the warehouse: the snapshot
    holds it as a table (in day order), a window update rewrites its window's days, and a view
    the caller does not name as a mart is not published."""
    wh, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "warehouse.duckdb"
    make_partitioned_warehouse(wh, {"2026-03-02": 2, "2026-03-01": 3}, "v1")
    with duckdb.connect(str(wh)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.segments as select * from main.fct_days")
        con.execute("create view main.fct_view as select interval_date, upper(v) as v from intermediate.segments")
        con.execute("create view main.v_not_copied as select 1 as x")
    days = {"fct_days": "interval_date", "fct_view": "interval_date"}
    r = publish_snapshot(wh, snap, run_id="r1", day_columns=days, views={"fct_view"})
    assert r.tables["main.fct_view"] == 5 and "main.v_not_copied" not in r.tables
    with duckdb.connect(str(snap), read_only=True) as con:
        kinds = dict(con.execute(
            "select table_name, table_type from information_schema.tables where table_schema = 'main'").fetchall())
        in_order = [d for (d,) in con.execute("select interval_date from main.fct_view order by rowid").fetchall()]
    assert kinds == {"fct_days": "BASE TABLE", "dim_small": "BASE TABLE", "fct_view": "BASE TABLE"}
    assert in_order == sorted(in_order)

    with duckdb.connect(str(wh)) as con:  # the next run rewrote 2026-03-02 on and added a day
        con.execute("delete from intermediate.segments where interval_date >= '2026-03-02'")
        con.execute("insert into intermediate.segments select cast(d as date), 'v2' from "
                    "(values ('2026-03-02'), ('2026-03-03'), ('2026-03-03')) t(d)")
        con.execute("update intermediate.segments set v = 'changed' where interval_date = '2026-03-01'")
    update = publish_mod.WindowUpdate("r1", date(2026, 3, 2), days)
    r = publish_snapshot(wh, snap, run_id="r2", update=update, views={"fct_view"})
    assert r.mode == "window update" and r.tables["main.fct_view"] == 6
    with duckdb.connect(str(snap), read_only=True) as con:
        assert con.execute("select interval_date, v, count(*) from main.fct_view group by all order by 1").fetchall() == [
            (date(2026, 3, 1), "V1-2026-03-01", 3), (date(2026, 3, 2), "V2", 1), (date(2026, 3, 3), "V2", 2)]


def test_the_publish_step_reads_the_mart_views_and_day_columns_from_the_dbt_manifest():
    from orchestration.defs.serving.publish import served_marts
    from orchestration.defs.transform.project import dbt_project

    marts = served_marts(dbt_project.manifest_path)
    assert marts.views == {"fct_contact_segments"}
    assert marts.day_columns["fct_contact_segments"] == "interval_date"  # a view, by its meta
    assert marts.day_columns["fct_contacts"] == "contact_date"  # built by reprocessing window
    assert "dim_agents" not in marts.day_columns
    # the facts without look-back (reprocess_lookback false) are recomputed from the event day
    assert {"fct_contact_segments", "fct_queue_intervals", "fct_agent_days"} <= marts.event_window
    assert not {"fct_contacts", "rpt_customer_daily", "fct_cases"} & marts.event_window
    assert marts.event_window <= set(marts.day_columns)
