"""The code location loads, and its graph is what the README describes."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.contracts import load_contract


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def test_every_landing_table_is_an_asset_keyed_like_its_dbt_source(defs):
    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    for t in load_contract():
        key = dg.AssetKey([t.family, t.name])
        assert key in keys
        # the staging model that reads the source sits downstream of the landing asset
        children = {c.path[-1] for c in graph.get(key).child_keys}
        assert f"stg_{t.family}__{t.name}" in children, (key, children)


def test_marts_and_the_serving_snapshot_are_in_the_graph(defs):
    graph = defs.resolve_asset_graph()
    names = {k.path[-1]: k for k in graph.get_all_asset_keys()}
    for mart in ("fct_contact_segments", "fct_queue_intervals", "fct_agent_days", "fct_survey_responses", "dim_agents", "dim_teams", "dim_queues"):
        assert mart in names, mart
    snapshot = dg.AssetKey(["serving", "warehouse_snapshot"])
    parents = {p.path[-1] for p in graph.get(snapshot).parent_keys}
    assert {"fct_queue_intervals", "dim_queues", "fct_survey_responses"} <= parents


def test_dbt_tests_and_delivery_accounting_are_asset_checks(defs):
    graph = defs.resolve_asset_graph()
    checks = graph.asset_check_keys
    names = {c.name for c in checks}
    assert any(n.startswith("unique_") for n in names) and any(n.startswith("not_null_") for n in names)
    for t in load_contract():
        assert dg.AssetCheckKey(dg.AssetKey([t.family, t.name]), "delivery_accounting") in checks


def test_every_data_test_the_build_runs_is_an_asset_check_of_a_model(defs):
    """Each dbt data test the pipeline's `dbt build` runs (all but the landing sources' tests,
    see dbt_build_args) shows in Dagster as a check of a dbt asset. dagster-dbt attaches a
    generic test to its model and a singular test to its one parent; a singular test that reads
    several models (the reconciliations) is attached by `meta.dagster.ref` in its yml. Without
    it the test still ran, but only as an observation with a warning, not as a check."""
    import json

    from orchestration.defs.transform.dbt import switchboard_dbt_assets
    from orchestration.defs.transform.project import ensure_manifest

    manifest = json.loads(ensure_manifest().read_text())
    dbt_checks = switchboard_dbt_assets.check_keys
    assert {c.asset_key for c in dbt_checks} <= switchboard_dbt_assets.keys
    names = {c.name for c in dbt_checks}
    tests = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
        and not all(d.startswith("source.") for d in n["depends_on"]["nodes"])
    }
    singular_multi = [
        name
        for name, n in tests.items()
        if not n.get("test_metadata") and len(n["depends_on"]["nodes"]) > 1
    ]
    assert len(singular_multi) >= 9  # the reconciliations: the case this test is about
    missing = sorted(set(tests) - names)
    assert not missing, f"data tests that are no asset check: {missing}"


def test_job_schedule_and_sensor(defs):
    assert defs.resolve_job_def("build_everything") is not None
    assert defs.resolve_schedule_def("nightly_build_schedule").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("landing_files_sensor") is not None


def test_the_nightly_build_covers_everything_but_the_weekly_report(defs):
    job = defs.resolve_job_def("build_everything")
    keys = {k.path[-1] for k in job.asset_layer.selected_asset_keys}
    assert "warehouse_snapshot" in keys and "fct_queue_intervals" in keys
    assert not any("report" in k for k in keys)
    assert defs.resolve_schedule_def("weekly_management_report_schedule").cron_schedule == "0 7 * * 1"


def test_the_build_runs_the_dbt_project_in_one_dbt_process(defs):
    """Each dbt step is a `dbt build` process (~5 s of start-up): the seeds and time spine join
    the models' step, and the forecast and staffing tables are dbt Python models, so the whole
    project is one step, between the landing checks and the publish."""
    from dagster._core.execution.api import create_execution_plan

    job = defs.resolve_job_def("build_everything")
    steps = [s.key for s in create_execution_plan(job).get_steps_to_execute_in_topo_order()]
    dbt_steps = [k for k in steps if k.startswith("switchboard_dbt_assets")]
    assert dbt_steps == ["switchboard_dbt_assets"], steps
    assert steps.index("gx_landing_checks") < steps.index(dbt_steps[0]) < steps.index("serving__warehouse_snapshot")
    # the staffing tables are assets of that step, downstream of the marts they read
    graph = defs.resolve_asset_graph()
    staffed = next(k for k in graph.get_all_asset_keys() if k.path[-1] == "int_queue_intervals_staffed")
    assert {p.path[-1] for p in graph.get(staffed).parent_keys} >= {
        "fct_forecast_intervals", "fct_agent_intervals", "fct_queue_intervals"
    }
    forecast_mart = next(k for k in graph.get_all_asset_keys() if k.path[-1] == "fct_forecast_intervals")
    assert "int_queue_intervals_forecasted" in {p.path[-1] for p in graph.get(forecast_mart).parent_keys}
    # the seeds are ordered after the landing load (no data flows along that edge)
    assert dg.AssetKey(["acd", "queues"]) in graph.get(dg.AssetKey(["seeds", "holidays"])).parent_keys


def test_every_dependency_is_an_asset_of_the_graph(defs):
    """No dependency on a key nothing materializes (lineage would show a dangling node)."""
    graph = defs.resolve_asset_graph()
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    dangling = {(k, p) for k in materializable for p in graph.get(k).parent_keys if p not in materializable}
    assert not dangling, dangling
