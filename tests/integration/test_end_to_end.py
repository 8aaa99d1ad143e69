"""The whole pipeline on a generated demo set: landing files -> warehouse -> snapshot -> app."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.contracts import load_contract

from .conftest import REPO, run_build

pytestmark = pytest.mark.slow


def csv_rows(folder: Path) -> int:
    n = 0
    for p in folder.glob("*.csv"):
        with open(p, newline="", encoding="utf-8") as f:
            n += sum(1 for _ in csv.reader(f)) - 1
    return n


def test_every_landing_row_reaches_the_raw_schema_and_is_accounted_for(built_demo):
    con = duckdb.connect(str(built_demo.warehouse), read_only=True)
    try:
        for t in load_contract():
            delivered = csv_rows(built_demo.landing / t.family / t.name)
            loaded, quarantined, dupes = con.execute(
                "select coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0), "
                "coalesce(sum(rows_duplicate), 0) from raw_meta.deliveries "
                "where family = ? and table_name = ? and status = 'loaded'",
                [t.family, t.name],
            ).fetchone()
            assert delivered > 0, t.key  # the demo fills every family
            assert loaded + quarantined + dupes == delivered, t.key
            assert quarantined == 0, t.key  # the demo exports are clean
            assert con.execute(f"select count(*) from {t.raw_relation}").fetchone()[0] == loaded
    finally:
        con.close()
    assert "asset checks, 0 failed" in built_demo.build_output


def test_the_snapshot_holds_the_marts_with_the_warehouse_row_counts(built_demo):
    wh = duckdb.connect(str(built_demo.warehouse), read_only=True)
    snap = duckdb.connect(str(built_demo.serving), read_only=True)
    try:
        for mart in ("fct_contact_segments", "fct_queue_intervals", "fct_agent_days", "fct_survey_responses", "dim_agents", "dim_teams", "dim_queues"):
            n = wh.execute(f"select count(*) from main.{mart}").fetchone()[0]
            assert n > 0, mart
            assert snap.execute(f"select count(*) from main.{mart}").fetchone()[0] == n, mart
        assert snap.execute("select count(*) from ops.deliveries").fetchone()[0] > 0
        # segments in the fact = segments delivered (one row per segment_id, latest version)
        raw = wh.execute("select count(distinct segment_id) from raw_acd.calls").fetchone()[0]
        assert snap.execute("select count(*) from main.fct_contact_segments").fetchone()[0] == raw
        # no phone number or e-mail reaches a mart
        cols = {c for (c,) in snap.execute("select column_name from information_schema.columns where table_schema = 'main'").fetchall()}
        assert not {"customer_phone", "phone", "email"} & cols
    finally:
        wh.close()
        snap.close()


def test_the_snapshot_holds_every_dbt_test_result_of_the_build_for_the_data_health_page(built_demo):
    """Each dbt data test the build ran (an asset check of a dbt asset in Dagster) is a row of
    the snapshot's ops.check_results, under the check `dbt_tests` of its model's asset key, as
    the Data health page reads it (orchestration.lib.dbt_checks)."""
    import json

    from apps.queries import health
    from orchestration.defs.transform.dbt import switchboard_dbt_assets

    expected = {("/".join(k.asset_key.path), k.name) for k in switchboard_dbt_assets.check_keys}
    with duckdb.connect(str(built_demo.serving), read_only=True) as snap:
        rows = snap.execute(
            "select asset_key, expectation_args, success, severity, run_id, batch "
            "from ops.check_results where check_name = 'dbt_tests'"
        ).fetchall()
        run_id = snap.execute("select max(run_id) from ops.publication").fetchone()[0]
        summary = health.check_summary(snap)
    got = [(a, json.loads(args)["check"]) for a, args, *_ in rows]
    assert len(got) == len(set(got)) and set(got) == expected
    assert all(ok for _, _, ok, *_ in rows)  # the demo data passes every test
    assert {sev for *_, sev, _, _ in rows} == {"critical", "warning"}  # the warn-severity tests too
    assert {r for *_, r, _ in rows} == {run_id} and {b for *_, b in rows} == {"every row (full build)"}
    dbt = summary[summary.check_name == "dbt_tests"]
    assert set(dbt.asset_key) == {a for a, _ in expected}
    assert dbt.expectations.sum() == len(expected) and dbt.failed.sum() == 0


def test_a_second_build_of_the_same_files_changes_nothing(built_demo, tmp_path):
    data = tmp_path / "copy"
    shutil.copytree(built_demo.data_dir, data, ignore=shutil.ignore_patterns("dagster_home"))
    before = duckdb.connect(str(data / "serving" / "warehouse.duckdb"), read_only=True)
    expected = before.execute("select * from main.fct_queue_intervals order by queue_id, interval_start_utc").fetchall()
    deliveries = before.execute("select count(*) from ops.deliveries").fetchone()[0]
    before.close()
    proc = run_build(data)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    after = duckdb.connect(str(data / "serving" / "warehouse.duckdb"), read_only=True)
    assert after.execute("select count(*) from ops.deliveries").fetchone()[0] == deliveries
    assert after.execute("select * from main.fct_queue_intervals order by queue_id, interval_start_utc").fetchall() == expected
    after.close()


def test_the_overview_shows_the_marts_numbers_for_the_built_snapshot(built_demo, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SWITCHBOARD_SERVING", str(built_demo.serving))
    con = duckdb.connect(str(built_demo.serving), read_only=True)
    last = con.execute("select max(interval_date) from main.fct_queue_intervals where offered > 0").fetchone()[0]
    offered, answered_in_t, sl_den = con.execute(
        "select sum(offered), sum(sl_numerator), sum(sl_denominator) "
        "from main.fct_queue_intervals where interval_date between ? - interval 6 day and ?",
        [last, last],
    ).fetchone()
    con.close()
    from tests.apps.auth_helpers import sign_in

    at = sign_in(AppTest.from_file(str(REPO / "apps" / "streamlit_app.py"), default_timeout=120), "director")
    at.session_state["date_preset"] = "Last 7 days"
    at.run()
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Offered"] == f"{offered:,}"
    assert tiles["Service level"] == f"{100 * answered_in_t / sl_den:.1f}%"


@pytest.mark.browser
def test_the_served_app_renders_the_built_snapshot_in_chromium_without_errors(built_demo):
    from orchestration.lib.browser import chromium_available, free_port, screenshot, wait_for_http

    if not chromium_available():
        pytest.skip("chromium is not installed (.ci/run installs it)")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "apps/streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=built_demo.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", timeout=60)
        out = REPO / "artifacts" / "screenshots" / "overview_e2e_1440x900.png"
        result = screenshot(f"http://127.0.0.1:{port}/", out, width=1440, height=900)
        assert result.ready, "the app did not finish rendering"
        assert result.exceptions == [], result.exceptions
        assert out.stat().st_size > 10_000
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_correction_and_late_data_rebuild_the_affected_days(built_demo, tmp_path):
    """A re-sent segment with a later updated_at replaces the old one; a late file for an old
    day adds its rows; after the next build the marts of those days reflect both."""
    data = tmp_path / "copy"
    shutil.copytree(built_demo.data_dir, data, ignore=shutil.ignore_patterns("dagster_home", "dbt_target"))
    calls_dir = data / "landing" / "acd" / "calls"
    first_file = sorted(calls_dir.glob("*.csv"))[0]
    with open(first_file, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows = list(reader)
    victim = next(r for r in rows if r["outcome"] == "answered" and not r["transferred_to_queue_id"])
    corrected = {**victim, "outcome": "abandoned", "answered_at": "", "agent_id": "", "talk_seconds": "0",
                 "hold_seconds": "0", "hold_count": "0", "acw_seconds": "0", "wrapup_code": "",
                 "updated_at": "2026-04-01T00:00:00+00:00"}
    late = {**victim, "segment_id": victim["segment_id"] + "-late", "contact_id": victim["contact_id"] + "-late",
            "segment_seq": "1", "transferred_to_queue_id": ""}

    con = duckdb.connect(str(built_demo.serving), read_only=True)
    before = con.execute(
        "select interval_start_utc, answered, abandoned, offered from main.fct_queue_intervals f "
        "join main.fct_contact_segments s using (queue_id, interval_start_utc) where s.segment_id = ?",
        [victim["segment_id"]],
    ).fetchone()
    con.close()

    for name, row in (("calls_correction.csv", corrected), ("calls_late.csv", late)):
        with open(calls_dir / name, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=header)
            w.writeheader()
            w.writerow(row)
    proc = run_build(data)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]

    con = duckdb.connect(str(data / "serving" / "warehouse.duckdb"), read_only=True)
    outcome = con.execute("select outcome, agent_id from main.fct_contact_segments where segment_id = ?", [victim["segment_id"]]).fetchone()
    assert outcome == ("abandoned", None)
    after = con.execute(
        "select answered, abandoned, offered from main.fct_queue_intervals where queue_id = ? and interval_start_utc = ?",
        [victim["queue_id"], before[0]],
    ).fetchone()
    con.close()
    # the corrected segment moved from answered to abandoned; the late segment adds one answered offer
    assert after == (before[1] - 1 + 1, before[2] + 1, before[3] + 1)
