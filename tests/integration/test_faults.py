"""Killing the pipeline mid-run, then running it again, ends with the same warehouse as an
uninterrupted run; the published snapshot stays readable (the last good one) throughout."""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from .conftest import REPO, run_build

pytestmark = pytest.mark.slow


def _env(data: Path, failpoint: str | None = None) -> dict[str, str]:
    env = {**os.environ, "SWITCHBOARD_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home"),
           "SWITCHBOARD_DBT_TARGET": str(data / "dbt_target")}
    for var in ("SWITCHBOARD_LANDING", "SWITCHBOARD_WAREHOUSE", "SWITCHBOARD_SERVING", "SWITCHBOARD_FAILPOINT"):
        env.pop(var, None)
    if failpoint:
        env["SWITCHBOARD_FAILPOINT"] = failpoint
    return env


def _sort_key(row: tuple) -> str:
    # Parallel aggregation sums doubles in a varying order (last-bit differences, which a
    # derived value near zero turns into different leading digits): sort on rounded doubles
    # and compare them with a tolerance (_same_rows), everything else exactly.
    return repr(tuple(round(v, 6) if isinstance(v, float) else v for v in row))


def _same_value(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


def _same_rows(got: list[tuple], want: list[tuple]) -> bool:
    return len(got) == len(want) and all(
        len(g) == len(w) and all(_same_value(x, y) for x, y in zip(g, w, strict=True))
        for g, w in zip(got, want, strict=True)
    )


def warehouse_state(path: Path) -> dict[str, list]:
    """Every table of the marts and raw schemas, as sorted rows (load times excluded)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and (table_schema = 'main' or table_schema like 'raw\\_%' escape '\\') "
            "and table_schema <> 'raw_meta' order by 1, 2"
        ).fetchall()
        state = {}
        for schema, name in tables:
            cols = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name]).fetchall() if c != "_loaded_at"]
            rows = con.execute(f'select {", ".join(chr(34) + c + chr(34) for c in cols)} from {schema}."{name}"').fetchall()
            state[f"{schema}.{name}"] = sorted(rows, key=_sort_key)
        state["raw_meta.deliveries"] = sorted(
            con.execute("select delivery_id, source_file, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate "
                        "from raw_meta.deliveries where status <> 'rejected'").fetchall(), key=repr)
        return state
    finally:
        con.close()


def assert_same_state(got: dict, want: dict) -> None:
    assert sorted(got) == sorted(want), "different tables"
    differing = {t: (len(got[t]), len(want[t])) for t in want if not _same_rows(got[t], want[t])}
    assert not differing, f"tables that differ (rows after rerun, rows uninterrupted): {differing}"


@pytest.fixture(scope="module")
def small_landing(tmp_path_factory) -> Path:
    from orchestration.lib.demo_data import generate

    landing = tmp_path_factory.mktemp("fault_landing") / "landing"
    generate(landing, days=4, agents=12, seed=11, end_date=date(2026, 6, 10))
    return landing


@pytest.fixture(scope="module")
def uninterrupted(small_landing, tmp_path_factory) -> dict:
    data = tmp_path_factory.mktemp("fault_baseline")
    shutil.copytree(small_landing, data / "landing")
    proc = run_build(data)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return warehouse_state(data / "warehouse.duckdb")


def fresh_copy(small_landing: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(small_landing, data / "landing")
    return data


def test_killed_during_load_then_rerun_equals_an_uninterrupted_run(small_landing, uninterrupted, tmp_path):
    data = fresh_copy(small_landing, tmp_path)
    killed = subprocess.run([sys.executable, "-m", "orchestration.cli", "build"], cwd=REPO,
                            env=_env(data, "load.before_commit"), capture_output=True, text=True, timeout=900)
    assert killed.returncode == -signal.SIGKILL
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    assert con.execute("select count(*) from raw_meta.deliveries").fetchone()[0] == 0  # nothing half-loaded
    con.close()
    proc = run_build(data)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert_same_state(warehouse_state(data / "warehouse.duckdb"), uninterrupted)


def test_killed_during_dbt_then_rerun_equals_an_uninterrupted_run(small_landing, uninterrupted, tmp_path):
    data = fresh_copy(small_landing, tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "orchestration.cli", "build"], cwd=REPO, env=_env(data),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = False
    for line in proc.stdout:
        # kill the whole process group (Dagster and its dbt subprocess) while dbt writes a mart
        if "START sql table model main.fct_" in line:
            os.killpg(proc.pid, signal.SIGKILL)
            seen = True
            break
    proc.wait(timeout=60)
    assert seen, "dbt never started building a mart"
    assert not (data / "serving" / "warehouse.duckdb").exists()
    rerun = run_build(data)
    assert rerun.returncode == 0, (rerun.stdout + rerun.stderr)[-4000:]
    assert_same_state(warehouse_state(data / "warehouse.duckdb"), uninterrupted)


def test_killed_during_publish_keeps_the_last_good_snapshot_and_rerun_recovers(small_landing, uninterrupted, tmp_path):
    data = fresh_copy(small_landing, tmp_path)
    # a first, good build publishes a snapshot from the first three days only
    held_back = sorted((data / "landing" / "acd" / "calls").glob("*.csv"))[-1]
    aside = tmp_path / held_back.name
    shutil.move(held_back, aside)
    first = run_build(data)
    assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
    snap = data / "serving" / "warehouse.duckdb"

    def served_segments() -> int:
        con = duckdb.connect(str(snap), read_only=True)
        try:
            return con.execute("select count(*) from main.fct_contact_segments").fetchone()[0]
        finally:
            con.close()

    good = served_segments()
    # the last day arrives; the next build dies between writing the new snapshot and the swap
    shutil.move(aside, held_back)
    killed = subprocess.run([sys.executable, "-m", "orchestration.cli", "build"], cwd=REPO,
                            env=_env(data, "publish.before_swap"), capture_output=True, text=True, timeout=900)
    assert killed.returncode == -signal.SIGKILL
    assert served_segments() == good  # the app still reads the last good snapshot
    rerun = run_build(data)
    assert rerun.returncode == 0, (rerun.stdout + rerun.stderr)[-4000:]
    assert served_segments() > good
    assert not snap.with_name(snap.name + ".tmp").exists()
    assert_same_state(warehouse_state(data / "warehouse.duckdb"), uninterrupted)
