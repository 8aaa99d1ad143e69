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


# What the manifest is parsed from: every file of the dbt project but its build artefacts.
_NOT_SOURCES = {"target", "logs", "dbt_packages"}
_FINGERPRINT_FILE = "switchboard_parse_fingerprint.txt"


def project_fingerprint() -> str:
    """A digest of the dbt project's files (paths and contents) and of the dbt-core version."""
    import hashlib
    from importlib.metadata import version

    h = hashlib.sha256(f"dbt-core {version('dbt-core')}\n".encode())
    for p in sorted(DBT_PROJECT_DIR.rglob("*")):
        rel = p.relative_to(DBT_PROJECT_DIR)
        if rel.parts[0] in _NOT_SOURCES or not p.is_file():
            continue
        h.update(f"{rel.as_posix()}\0".encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def parse_if_changed() -> bool:
    """Parse the dbt project unless the target's manifest was parsed from these very files.

    Returns whether it parsed. A no-op parse still costs a dbt start-up (~10 s on two cores),
    which a daily incremental run should not pay when nothing in dbt_project/ changed.
    """
    target = Path(dbt_project.target_path)
    marker = target / _FINGERPRINT_FILE
    fingerprint = project_fingerprint()
    fresh = all((target / f).exists() for f in ("manifest.json", "semantic_manifest.json", "partial_parse.msgpack"))
    if fresh and marker.exists() and marker.read_text() == fingerprint:
        return False
    parse_dbt_project()
    marker.write_text(fingerprint)
    return True


def parse_dbt_project() -> Path:
    """Run `dbt parse`, writing target/manifest.json and target/semantic_manifest.json.

    A full parse (`--no-partial-parse`): this only runs when the project's files changed, and
    dbt 1.11's partial parse of a changed singular test re-parses the singular tests that call a
    project macro without their yml `meta` (seen on 2026-12-07: the four reconciliations that
    call `tested_days` lost `meta.dagster.ref`, so Dagster ran them as observations, not asset
    checks). The `dbt build` after it reads the partial-parse file this writes and re-parses
    nothing."""
    env = {**os.environ, **get_settings().env_for_subprocesses()}
    dbt = str(Path(sys.executable).parent / "dbt")
    subprocess.run(
        [
            dbt, "parse", "--quiet", "--no-partial-parse",
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
    whenever dbt_project/ changed (parse_if_changed: an edited model is never built from a
    stale manifest).
    """
    dbt_project.prepare_if_dev()
    if not dbt_project.manifest_path.exists():
        parse_if_changed()
    return dbt_project.manifest_path


def dbt_build_args(full_refresh: bool = False, vars: dict | None = None) -> list[str]:
    """Arguments for the `dbt build` that materializes the selected dbt assets.

    dbt unit tests check the models' code on fixed inputs, not the data: they run in the test
    suite (tests/dbt builds the project with them), not in every pipeline run.

    The landing sources' tests (not_null on required columns, accepted_values on allowed sets,
    generated from the landing contract) are left out too: the loader enforces the same rules
    on every row before it lands (a row that breaks one is quarantined with its reason), so in
    the pipeline they could never fail, and each would scan all of history every run (97 tests,
    3.0 s of node time at 1M segments). A hand-run `dbt build` and tests/dbt run them.
    """
    args = ["build", "--exclude-resource-type", "unit_test", "--exclude", "source:*"]
    if full_refresh:
        args.append("--full-refresh")
    if vars:
        import json

        args += ["--vars", json.dumps(vars, sort_keys=True)]
    return args
