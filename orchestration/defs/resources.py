"""Resources, declared once. Paths come from orchestration.settings."""


import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from orchestration.defs.transform.project import dbt_project
from orchestration.settings import get_settings


class WarehouseResource(dg.ConfigurableResource):
    """The pipeline's read-write DuckDB warehouse. Dagster is its only writer."""

    path: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, config={"memory_limit": get_settings().duckdb_memory_limit})
        try:
            yield con
        finally:
            con.close()


class LandingResource(dg.ConfigurableResource):
    """The landing folder the exports arrive in."""

    path: str


class ServingResource(dg.ConfigurableResource):
    """Where the read-only snapshot for the app is published."""

    path: str


def dbt_executable() -> str:
    # Under `uv run` the venv's bin is on PATH; under a bare `.venv/bin/python` it may not be.
    return shutil.which("dbt") or str(Path(sys.executable).parent / "dbt")


def build_resources() -> dict:
    s = get_settings()
    return {
        "warehouse": WarehouseResource(path=str(s.warehouse_path)),
        "landing": LandingResource(path=str(s.landing_dir)),
        "serving": ServingResource(path=str(s.serving_path)),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }
