"""Shared fixtures. Every test works in tmp_path: nothing touches the repo's data/ folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def switchboard_env(tmp_path, monkeypatch) -> Path:
    """Point orchestration.settings at a fresh data folder under tmp_path."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("SWITCHBOARD_DATA_DIR", str(data))
    for var in ("SWITCHBOARD_LANDING", "SWITCHBOARD_WAREHOUSE", "SWITCHBOARD_SERVING"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    (data / "dagster_home").mkdir()
    return data


@pytest.fixture(autouse=True)
def _app_databases_released():
    """The app keeps each snapshot it read open for the process (apps.queries.connection); a
    test that then rewrote a fixture snapshot in place, read-write, would be refused by DuckDB
    (a publish replaces the file instead, which needs nothing). Released after every test."""
    yield
    import sys

    connection = sys.modules.get("apps.queries.connection")
    if connection is not None:
        connection.release_databases()


def pytest_configure(config):
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist), once
        _parse_dbt_project_if_changed()


def _parse_dbt_project_if_changed():
    """Tests that load the Dagster definitions read dbt_project/target/manifest.json, which
    `ensure_manifest` only writes when it is missing. A manifest parsed before a model was edited
    would let those tests pass on the old lineage (it happened: a test asserted a dependency the
    edited model no longer had, passed locally and failed on a fresh clone). So the session
    re-parses whenever the project's files differ from what the manifest was parsed from, before
    any xdist worker starts (two workers parsing into one target would race)."""
    from orchestration.defs.transform.project import parse_if_changed

    parse_if_changed()


# Parallel runs (pytest-xdist, `-n auto --dist loadscope`): a module's tests stay on one worker,
# so a module-scoped build is not repeated on both. (`--dist loadgroup` would also keep modules
# that share a build together, but xdist 3.8 marks groups through an attribute pytest 9 no
# longer reads, so it degrades to spreading single tests.) A session-scoped build shared by
# several modules is built at most once per worker; the on-disk supervision demo is locked
# (tests/supervision_demo.py). The slow modules are scheduled first, so the two workers finish
# together instead of one waiting on a late 10-minute module.
def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: slow first
