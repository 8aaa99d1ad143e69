"""What a run pays whatever the data: the dbt parse skipped when the project is unchanged, and
Dagster's event log on pooled connections (orchestration/lib/dagster_storage.py)."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import dagster as dg

from orchestration.defs.transform import project
from orchestration.settings import DBT_PROJECT_DIR


def test_project_fingerprint_follows_the_sources_not_the_build_artefacts(tmp_path, monkeypatch):
    copy = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    monkeypatch.setattr(project, "DBT_PROJECT_DIR", copy)
    before = project.project_fingerprint()
    (copy / "target").mkdir()
    (copy / "target" / "manifest.json").write_text("{}")
    (copy / "logs").mkdir()
    (copy / "logs" / "dbt.log").write_text("x")
    assert project.project_fingerprint() == before  # artefacts do not count
    model = next((copy / "models").rglob("*.sql"))
    model.write_text(model.read_text() + "\n-- edited\n")
    edited = project.project_fingerprint()
    assert edited != before  # an edited model does
    (copy / "macros" / "new_macro.sql").write_text("{% macro m() %}1{% endmacro %}")
    assert project.project_fingerprint() not in (before, edited)  # so does a new file


def test_parse_if_changed_parses_once_per_project_state(tmp_path, monkeypatch):
    calls = []
    target = tmp_path / "target"
    target.mkdir()

    def fake_parse():
        calls.append(1)
        for f in ("manifest.json", "semantic_manifest.json", "partial_parse.msgpack"):
            (target / f).write_text("{}")

    monkeypatch.setattr(project, "parse_dbt_project", fake_parse)
    monkeypatch.setattr(project, "dbt_project", SimpleNamespace(target_path=target))
    state = {"fp": "a"}
    monkeypatch.setattr(project, "project_fingerprint", lambda: state["fp"])
    assert project.parse_if_changed() is True
    assert project.parse_if_changed() is False  # unchanged: no dbt process
    state["fp"] = "b"
    assert project.parse_if_changed() is True  # the project changed
    (target / "manifest.json").unlink()
    assert project.parse_if_changed() is True  # the manifest went missing
    assert len(calls) == 3


def test_a_parse_after_an_edited_singular_test_keeps_the_reconciliations_yml_meta(tmp_path, monkeypatch):
    """dbt 1.11's partial parse, after one singular test changed, re-parsed the singular tests
    that call a project macro (`tested_days`) without their yml `meta.dagster.ref`: Dagster then
    ran the reconciliations as observations, not asset checks. The project's parse is a full one."""
    import json

    copy = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    target = tmp_path / "target"
    monkeypatch.setattr(project, "DBT_PROJECT_DIR", copy)
    monkeypatch.setattr(
        project, "dbt_project", SimpleNamespace(target_path=target, manifest_path=target / "manifest.json")
    )

    def refs() -> dict[str, str | None]:
        manifest = json.loads((target / "manifest.json").read_text())
        return {
            n["name"]: ((n["config"].get("meta") or {}).get("dagster") or {}).get("ref", {}).get("name")
            for n in manifest["nodes"].values()
            if n["resource_type"] == "test" and n["name"].startswith("assert_")
        }

    project.parse_dbt_project()
    before = refs()
    assert before["assert_contacts_reconcile_to_segments"] == "fct_contacts"  # calls tested_days
    edited = copy / "tests" / "singular" / "assert_queue_intervals_15m_sum_to_30m.sql"
    edited.write_text(edited.read_text() + "\n-- edited\n")
    project.parse_dbt_project()
    assert refs() == before


def test_instance_event_log_is_pooled_and_keeps_every_event(tmp_path, monkeypatch):
    from orchestration.cli import DAGSTER_YAML
    from orchestration.lib.dagster_storage import MAX_ENGINES, PooledSqliteEventLogStorage

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    @dg.asset
    def a():
        return 1

    @dg.asset(deps=[a], check_specs=[dg.AssetCheckSpec("positive", asset="b")])
    def b():
        yield dg.Output(2)
        yield dg.AssetCheckResult(passed=True, check_name="positive")

    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        assert storage._base_dir.startswith(str(home / "history" / "runs"))  # the stock layout
        runs = [dg.materialize([a, b], instance=instance) for _ in range(MAX_ENGINES + 2)]
        assert all(r.success for r in runs)
        for r in runs:
            logs = instance.all_logs(r.run_id)
            types = [e.dagster_event.event_type_value for e in logs if e.dagster_event]
            assert types.count("ASSET_MATERIALIZATION") == 2 and "PIPELINE_SUCCESS" in types
        latest = instance.get_latest_materialization_event(dg.AssetKey("b"))
        assert latest is not None and latest.run_id == runs[-1].run_id
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("b"), "positive")]
        )
        assert check  # the check result reached the cross-run index
        assert len(storage._engines) <= MAX_ENGINES  # old runs' connections are closed


def test_a_dbt_command_starts_without_a_version_probe_or_an_adapter_in_dagster(monkeypatch):
    """The dbt resource runs the command without dagster-dbt's `dbt --version` subprocess and
    without registering a dbt adapter (and loading every macro) in Dagster's own process."""
    import dagster_dbt.core.resource as dagster_dbt_resource

    from orchestration.defs.resources import build_resources

    def no_probe(*args, **kwargs):
        raise AssertionError(f"unexpected subprocess {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_probe)
    dbt = build_resources()["dbt"]
    invocation = dbt.cli(["debug", "--config-dir"], raise_on_error=False)
    invocation.wait()
    assert invocation.is_successful()
    assert invocation.adapter is None
