"""The dbt project as Dagster sees it, and the pure function that builds dbt's arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR, get_settings

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=get_settings().dbt_target_dir,
)


def parse_dbt_project() -> Path:
    """Run `dbt parse`, writing target/manifest.json and target/semantic_manifest.json."""
    env = {**os.environ, **get_settings().env_for_subprocesses()}
    dbt = str(Path(sys.executable).parent / "dbt")
    subprocess.run(
        [
            dbt, "parse", "--quiet",
            "--project-dir", str(DBT_PROJECT_DIR),
            "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(dbt_project.target_path),
        ],
        check=True,
        env=env,
    )
    return dbt_project.manifest_path


def ensure_manifest() -> Path:
    """Parse the dbt project if no manifest exists yet (fresh clone, tests).

    `dagster dev` re-parses on its own through prepare_if_dev(), and `make build` re-parses
    before every build (so an edited model is never built from a stale manifest).
    """
    dbt_project.prepare_if_dev()
    if not dbt_project.manifest_path.exists():
        parse_dbt_project()
    return dbt_project.manifest_path


def dbt_build_args(full_refresh: bool = False, vars: dict | None = None) -> list[str]:
    """Arguments for the `dbt build` that materializes the selected dbt assets.

    dbt unit tests check the models' code on fixed inputs, not the data: they run in the test
    suite (tests/dbt builds the project with them), not in every pipeline run.
    """
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    if vars:
        import json

        args += ["--vars", json.dumps(vars, sort_keys=True)]
    return args
