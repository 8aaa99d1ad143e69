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


def pytest_configure(config):
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
