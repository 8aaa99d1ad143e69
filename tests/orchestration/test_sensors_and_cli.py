"""The landing sensor's decision function, the dbt argument builder and the settings."""

from __future__ import annotations

from orchestration.defs.sensors import evaluate_landing
from orchestration.defs.transform.project import dbt_build_args
from orchestration.settings import get_settings


def test_sensor_requests_a_run_only_when_landing_files_change(tmp_path):
    landing = tmp_path / "landing"
    (landing / "acd" / "queues").mkdir(parents=True)
    assert evaluate_landing(landing, None)[0] is None  # nothing delivered yet
    f = landing / "acd" / "queues" / "q.csv"
    f.write_text("queue_id\n")
    key1, cursor1, n = evaluate_landing(landing, None)
    assert key1 and n == 1
    assert evaluate_landing(landing, cursor1)[0] is None  # same files: skip
    (landing / "acd" / "queues" / "q2.csv").write_text("queue_id\n")
    key2, cursor2, n = evaluate_landing(landing, cursor1)
    assert key2 and key2 != key1 and n == 2
    (landing / "acd" / "queues" / "notes.txt").write_text("ignored")
    assert evaluate_landing(landing, cursor2)[0] is None  # only .csv files in table folders count


def test_dbt_build_args():
    base = ["build", "--exclude-resource-type", "unit_test", "--exclude", "source:*"]
    assert dbt_build_args() == base
    assert dbt_build_args(full_refresh=True, vars={"b": 1, "a": "x"}) == [
        *base, "--full-refresh", "--vars", '{"a": "x", "b": 1}'
    ]


def test_settings_defaults_live_under_the_data_folder_and_keep_the_warehouse_file_stem(tmp_path):
    s = get_settings({"SWITCHBOARD_DATA_DIR": str(tmp_path)})
    assert s.landing_dir == tmp_path / "landing"
    assert s.warehouse_path == tmp_path / "warehouse.duckdb"
    # MetricFlow's compiled SQL names the catalog after the file stem: both must be "warehouse"
    assert s.serving_path.stem == s.warehouse_path.stem == "warehouse"
    assert s.serving_path.parent != s.warehouse_path.parent


def test_the_pipelines_dbt_build_runs_every_model_and_seed_test_but_no_landing_source_test(tmp_path):
    """What `dbt build` selects with these arguments plus the `--select fqn:*` that dagster-dbt
    adds when the whole project is built (one dbt step per run): every data test of a model or
    seed, and none of the landing sources' (the loader enforces those rules on every row)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from orchestration.settings import DBT_PROJECT_DIR

    dbt = str(Path(sys.executable).parent / "dbt")
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
              "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"), "--quiet"]
    env = {**os.environ, "SWITCHBOARD_WAREHOUSE": str(tmp_path / "w.duckdb")}
    out = subprocess.run(
        [dbt, "ls", *dbt_build_args()[1:], "--select", "fqn:*", "--resource-type", "test",
         "--output", "json", "--output-keys", "unique_id depends_on", *common],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    selected = {json.loads(line)["unique_id"] for line in out.splitlines() if line.startswith("{")}
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    tests = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] == "test"}
    on_sources = {k for k, n in tests.items() if any(d.startswith("source.") for d in n["depends_on"]["nodes"])}
    assert on_sources and len(selected) > 200
    assert selected == set(tests) - on_sources
