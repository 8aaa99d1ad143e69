"""dbt test results -> raw_meta.check_results rows -> the Data health page's queries
(orchestration.lib.dbt_checks; the whole pipeline's case is in tests/integration)."""

from __future__ import annotations

import json
from datetime import datetime

import dagster as dg
import duckdb

from apps.queries import health
from apps.queries.access import AccessContext
from orchestration.lib.dbt_checks import DBT_CHECK, dbt_check_rows
from orchestration.lib.gx_bridge import append_check_results

MANIFEST = {
    "nodes": {
        "test.switchboard.not_null_fct_x_a.1": {
            "name": "not_null_fct_x_a",
            "config": {"severity": "ERROR"},
            "test_metadata": {
                "name": "not_null",
                "kwargs": {"column_name": "a", "model": "{{ ref('fct_x') }}"},
            },
        },
        "test.switchboard.unique_combination_fct_x.2": {
            "name": "unique_combination_fct_x",
            "config": {"severity": "warn"},
            "test_metadata": {
                "name": "unique_combination",
                "kwargs": {"combination_of_columns": ["a", "b"], "model": "{{ ref('fct_x') }}"},
            },
        },
        "test.switchboard.assert_x_reconciles_to_y": {
            "name": "assert_x_reconciles_to_y",
            "config": {"severity": "ERROR"},
        },
    }
}


def _result(unique_id: str, passed: bool, failures: int | None, asset: str = "fct_x"):
    name = unique_id.split(".")[2]
    meta = {"unique_id": unique_id, "status": "pass" if passed else "fail"}
    if failures is not None:
        meta["dagster_dbt/failed_row_count"] = failures
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey([asset]),
        check_name=name,
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=meta,
    )


def test_dbt_test_results_become_one_check_per_model_with_failures_listed():
    results = [
        _result("test.switchboard.not_null_fct_x_a.1", False, 3),
        _result("test.switchboard.unique_combination_fct_x.2", False, 1),
        _result("test.switchboard.assert_x_reconciles_to_y", True, 0, asset="fct_y"),
    ]
    at = datetime(2026, 12, 7, 6, 0)
    rows = dbt_check_rows(
        results, MANIFEST, run_id="r1", batch="every row (full build)", evaluated_at=at
    )
    con = duckdb.connect()
    assert append_check_results(con, rows) == 3
    got = con.execute(
        "select asset_key, expectation, column_name, severity, success, unexpected_count, "
        "expectation_args from raw_meta.check_results order by expectation"
    ).fetchall()
    assert [g[:6] for g in got] == [
        ("fct_y", "assert_x_reconciles_to_y", None, "critical", True, 0),
        ("fct_x", "not_null", "a", "critical", False, 3),
        ("fct_x", "unique_combination", "a,b", "warning", False, 1),
    ]
    # the test's arguments (not dbt's model reference) and the Dagster check it is listed under
    assert json.loads(got[1][6]) == {"column_name": "a", "check": "not_null_fct_x_a"}

    # the page reads the snapshot's copy (ops.check_results): one check per model, failures
    con.execute("create schema ops")
    con.execute("create table ops.check_results as select * from raw_meta.check_results")
    summary = health.check_summary(con).set_index("asset_key")
    assert set(summary.check_name) == {DBT_CHECK}
    assert summary.loc[
        "fct_x", ["expectations", "failed", "failed_critical", "failed_warning"]
    ].tolist() == [2, 2, 1, 1]
    assert summary.loc["fct_x", "unexpected_rows"] == 4
    assert summary.loc["fct_y", "failed"] == 0
    failed = health.failed_expectations(con, access=AccessContext.director())
    assert list(failed.expectation) == ["not_null", "unique_combination"]  # critical first


def test_no_results_write_nothing():
    con = duckdb.connect()
    assert append_check_results(con, dbt_check_rows([], MANIFEST, run_id="r1")) == 0
    assert (
        con.execute(
            "select count(*) from information_schema.tables where table_name = 'check_results'"
        ).fetchone()[0]
        == 0
    )
