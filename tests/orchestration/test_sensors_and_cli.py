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
    assert dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]
    assert dbt_build_args(full_refresh=True, vars={"b": 1, "a": "x"}) == [
        "build", "--exclude-resource-type", "unit_test", "--full-refresh", "--vars", '{"a": "x", "b": 1}'
    ]


def test_settings_defaults_live_under_the_data_folder_and_keep_the_warehouse_file_stem(tmp_path):
    s = get_settings({"SWITCHBOARD_DATA_DIR": str(tmp_path)})
    assert s.landing_dir == tmp_path / "landing"
    assert s.warehouse_path == tmp_path / "warehouse.duckdb"
    # MetricFlow's compiled SQL names the catalog after the file stem: both must be "warehouse"
    assert s.serving_path.stem == s.warehouse_path.stem == "warehouse"
    assert s.serving_path.parent != s.warehouse_path.parent
