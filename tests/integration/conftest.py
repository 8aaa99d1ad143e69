"""One generated demo data set, built once per test session through the real pipeline.

The build runs as a subprocess (`python -m orchestration.cli build`), exactly as `make build`
does, because dbt-duckdb keeps its database open in-process (see STACK.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# A fixed end date keeps the data set (and so the expected numbers) independent of today;
# it spans the US spring-forward change (2026-03-08) and runs past the EU one (2026-03-29).
DEMO_END = date(2026, 3, 30)
DEMO_DAYS = 24
DEMO_AGENTS = 25
DEMO_SEED = 7


@dataclass(frozen=True)
class BuiltDemo:
    data_dir: Path
    landing: Path
    warehouse: Path
    serving: Path
    build_output: str

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "SWITCHBOARD_DATA_DIR": str(self.data_dir),
            "SWITCHBOARD_SERVING": str(self.serving),
            "DAGSTER_HOME": str(self.data_dir / "dagster_home"),
            "SWITCHBOARD_DBT_TARGET": str(self.data_dir / "dbt_target"),
        }


def run_build(data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SWITCHBOARD_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster_home"),
           "SWITCHBOARD_DBT_TARGET": str(data_dir / "dbt_target")}
    for var in ("SWITCHBOARD_LANDING", "SWITCHBOARD_WAREHOUSE", "SWITCHBOARD_SERVING"):
        env.pop(var, None)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "build"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800,
    )


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> BuiltDemo:
    from orchestration.lib.demo_data import generate

    data = tmp_path_factory.mktemp("demo_data")
    landing = data / "landing"
    generate(landing, days=DEMO_DAYS, agents=DEMO_AGENTS, seed=DEMO_SEED, end_date=DEMO_END)
    proc = run_build(data)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    return BuiltDemo(data, landing, data / "warehouse.duckdb", data / "serving" / "warehouse.duckdb", out)
