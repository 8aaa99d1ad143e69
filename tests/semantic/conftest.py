"""A semantic manifest parsed from the working tree once per session (no warehouse needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def manifest_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("semantic")
    target = folder / "target"
    # The catalog MetricFlow writes is the stem of the profile's DuckDB path: keep `warehouse`.
    env = {
        **os.environ,
        "SWITCHBOARD_DATA_DIR": str(folder),
        "SWITCHBOARD_WAREHOUSE": str(folder / "warehouse.duckdb"),
    }
    project = REPO / "dbt_project"
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "parse",
            "--quiet",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(target),
            "--log-path",
            str(folder / "logs"),
        ],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return target / "semantic_manifest.json"


@pytest.fixture(scope="session")
def layer(manifest_path):
    from apps.queries.semantic import SemanticLayer

    return SemanticLayer(manifest_path)
