"""Resources, declared once. Paths come from orchestration.settings."""


import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as dist_version
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
    # The environment's own dbt (beside this interpreter), never another one found on PATH: its
    # version is the dbt-core package this process imports (see SwitchboardDbtCliResource).
    return str(Path(sys.executable).parent / "dbt")


class SwitchboardDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, without two start-up costs of every dbt command.

    - No `dbt --version` subprocess: dagster-dbt asks the executable for its version once per
      process (to tell dbt-core from the Fusion engine); that costs a whole dbt start-up, ~7 s of
      imports on two cores. The executable is this environment's (dbt_executable), so its version
      is the installed dbt-core package's.
    - No dbt adapter in Dagster's process: before each command dagster-dbt registers one and
      loads every dbt macro into it (~1 s, 0.6 s when warm), only for `fetch_row_counts()` and
      `fetch_column_metadata()`, which these assets do not call. dagster-dbt treats a missing
      adapter as "no such metadata".
    """

    @cached_property
    def _cli_version(self):
        from packaging import version

        return version.parse(dist_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def build_resources() -> dict:
    s = get_settings()
    return {
        "warehouse": WarehouseResource(path=str(s.warehouse_path)),
        "landing": LandingResource(path=str(s.landing_dir)),
        "serving": ServingResource(path=str(s.serving_path)),
        "dbt": SwitchboardDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }
