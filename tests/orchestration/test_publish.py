"""Publishing the serving snapshot: atomic, audited, readable while the warehouse is written."""

from __future__ import annotations

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
