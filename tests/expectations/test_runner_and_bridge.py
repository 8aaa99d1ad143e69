"""The runner's plain summary and the GE -> Dagster bridge's mapping."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import pandas as pd

from expectations.runner import ExpectationResult, Summary, jsonable, validate
from expectations.suites._common import CRITICAL, WARNING, expect, suite
from orchestration.lib import gx_bridge


def _summary(*results: ExpectationResult) -> Summary:
    return Summary(
        suite="s", success=all(r.success for r in results), evaluated_rows=10, results=list(results)
    )


def _r(success: bool, severity: str, **kw) -> ExpectationResult:
    return ExpectationResult(
        expectation="expect_column_values_to_be_between",
        column="x",
        severity=severity,
        success=success,
        **kw,
    )


def test_runner_summarises_each_expectation_in_suite_order_with_examples_and_lineage(gx_loaded):
    df = pd.DataFrame(
        {
            "_delivery_id": ["d"] * 4,
            "k": ["a", "b", "b", "c"],
            "x": [1, 2, 300, 4],
            "_source_file": ["f.csv"] * 4,
            "_source_row": [2, 3, 4, 5],
        }
    )
    s = validate(
        df,
        suite(
            "demo",
            [
                expect("ExpectColumnValuesToBeBetween", WARNING, column="x", max_value=100),
                expect(
                    "ExpectCompoundColumnsToBeUnique", CRITICAL, column_list=["_delivery_id", "k"]
                ),
                expect("ExpectColumnMeanToBeBetween", WARNING, column="x", max_value=1000),
            ],
        ),
    )
    assert s.evaluated_rows == 4 and not s.success
    between, unique, mean = s.results
    assert (between.expectation, between.column, between.severity, between.success) == (
        "expect_column_values_to_be_between",
        "x",
        "warning",
        False,
    )
    assert between.unexpected_count == 1 and between.unexpected_percent == 25.0
    assert between.examples == [{"x": 300, "_source_file": "f.csv", "_source_row": 4}]
    assert between.kwargs["max_value"] == 100
    assert (unique.column, unique.severity, unique.unexpected_count) == ("k", "critical", 2)
    assert {e["_source_row"] for e in unique.examples} == {3, 4}
    assert mean.success and mean.observed_value == 76.75
    assert [r.expectation for r in s.critical_failures] == ["expect_compound_columns_to_be_unique"]
    json.dumps(s.to_dict())  # plain, JSON-ready


def test_runner_reports_a_missing_column_as_a_failure_not_a_crash(gx_loaded):
    s = validate(
        pd.DataFrame({"a": [1]}),
        suite("s", [expect("ExpectColumnValuesToBeBetween", CRITICAL, column="nope", max_value=1)]),
    )
    assert not s.success and s.results[0].exception and s.results[0].severity == "critical"


def test_jsonable_handles_numpy_and_time_values():
    import numpy as np

    assert jsonable(
        {
            "a": np.int64(3),
            "b": pd.Timestamp("2026-03-01 10:00"),
            "c": float("nan"),
            "d": (1, pd.NaT),
        }
    ) == {"a": 3, "b": "2026-03-01T10:00:00", "c": None, "d": [1, None]}


def test_bridge_passes_when_every_expectation_passed():
    res = gx_bridge.to_check_result(
        _summary(_r(True, CRITICAL), _r(True, WARNING)),
        asset_key=dg.AssetKey(["acd", "calls"]),
        check_name="gx",
    )
    assert res.passed and res.metadata["evaluated_rows"].value == 10


def test_bridge_maps_a_failed_warning_to_warn():
    res = gx_bridge.to_check_result(
        _summary(_r(True, CRITICAL), _r(False, WARNING, unexpected_count=3)),
        asset_key=dg.AssetKey(["acd", "calls"]),
        check_name="gx",
    )
    assert not res.passed and res.severity == dg.AssetCheckSeverity.WARN
    assert res.metadata["failed_warning"].value == 1 and res.metadata["failed_critical"].value == 0


def test_bridge_maps_a_failed_critical_to_error_with_failure_metadata():
    bad = _r(
        False,
        CRITICAL,
        unexpected_count=2,
        unexpected_percent=20.0,
        examples=[{"x": 9, "_source_file": "f.csv", "_source_row": 7}],
    )
    res = gx_bridge.to_check_result(
        _summary(bad, _r(False, WARNING)),
        asset_key=dg.AssetKey(["acd", "calls"]),
        check_name="gx",
        batch_description="2 rows of f.csv",
    )
    assert not res.passed and res.severity == dg.AssetCheckSeverity.ERROR
    md = res.metadata["failures"].value
    assert "expect_column_values_to_be_between" in md and "2 (20.00%)" in md and "f.csv" in md
    failed = res.metadata["failed_expectations"].value
    assert failed[0]["unexpected_count"] == 2 and failed[0]["examples"][0]["_source_row"] == 7
    assert res.metadata["batch"].value == "2 rows of f.csv"


def test_bridge_writes_one_row_per_expectation_to_check_results():
    con = duckdb.connect()
    n = gx_bridge.write_check_results(
        con,
        _summary(_r(True, CRITICAL), _r(False, WARNING, examples=[5])),
        check_name="gx",
        asset_key="acd/calls",
        run_id="r1",
        batch_description="b",
    )
    assert n == 2
    rows = con.execute(
        "select check_name, asset_key, expectation, severity, success, examples, run_id "
        "from raw_meta.check_results order by success"
    ).fetchall()
    assert rows[0] == (
        "gx",
        "acd/calls",
        "expect_column_values_to_be_between",
        "warning",
        False,
        "[5]",
        "r1",
    )
    gx_bridge.write_check_results(
        con, _summary(_r(True, CRITICAL)), check_name="gx", asset_key="a", run_id="r2"
    )
    assert con.execute("select count(*) from raw_meta.check_results").fetchone()[0] == 3


def test_runner_does_not_fingerprint_the_frame(gx_loaded, monkeypatch):
    # GX's batch fingerprint hashes every cell twice per validation for a marker nothing reads
    # (44% of validating a million calls rows); the runner turns it off
    from great_expectations.execution_engine import pandas_execution_engine

    def hashed(df):
        raise AssertionError("the frame was fingerprinted")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", hashed)
    s = validate(
        pd.DataFrame({"x": [1, 2, 300]}),
        suite("s", [expect("ExpectColumnValuesToBeBetween", WARNING, column="x", max_value=100)]),
    )
    assert s.results[0].unexpected_count == 1 and s.results[0].exception is None


def test_gx_is_imported_in_the_background_for_the_checks_that_follow_the_load():
    # a fresh interpreter: the loading step starts the ~3 s import in a thread and goes on
    import subprocess
    import sys

    code = (
        "import sys, threading\n"
        "from expectations.runner import import_gx_in_background\n"
        "t = import_gx_in_background()\n"
        "assert t.daemon and t.name == 'gx-import'\n"
        "assert threading.current_thread() is not t\n"
        "t.join(120)\n"
        "assert 'great_expectations' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=180)
