"""The only module that reads the environment.

Everything else takes paths as parameters or reads them from here. Every variable has a working
local default relative to the repository, so a fresh clone needs no configuration.

Variables:
  SWITCHBOARD_DATA_DIR   root of runtime files (default: <repo>/data)
  SWITCHBOARD_LANDING    landing folder (default: $SWITCHBOARD_DATA_DIR/landing)
  SWITCHBOARD_WAREHOUSE  the pipeline's read-write DuckDB file (default: $DATA/warehouse.duckdb)
  SWITCHBOARD_SERVING    the published read-only snapshot (default: $DATA/serving/warehouse.duckdb)
  DAGSTER_HOME           Dagster's instance folder (default: $DATA/dagster_home)
  SWITCHBOARD_DBT_TARGET dbt's target folder: manifest, semantic manifest, run artefacts
                         (default: dbt_project/target; tests give each data folder its own)
  SWITCHBOARD_USERS      the app's users and roles (TOML, hashed passwords; default:
                         apps/auth/users.toml, the demo users)
  SWITCHBOARD_DUCKDB_MEMORY_LIMIT  DuckDB's memory limit for the pipeline's connections, dbt and
                         the app's database of the snapshot
                         (default 2GB; DuckDB spills to disk beyond it, in <warehouse>.tmp)
  SWITCHBOARD_DBT_THREADS  dbt's threads (default 2: the benchmarks' 2-core machine, where 4
                         measured no faster)
  SWITCHBOARD_FAILPOINT  test-only: name of a failpoint at which the process kills itself
                         (see orchestration/lib/faults.py); unset in normal use

The serving snapshot keeps the file stem ``warehouse`` on purpose: MetricFlow compiles SQL
against the catalog named after the file stem, so the same compiled SQL runs on both files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
CONTRACT_PATH = Path(__file__).resolve().parent / "contracts" / "landing.yml"
DEFAULT_USERS_PATH = REPO_ROOT / "apps" / "auth" / "users.toml"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    landing_dir: Path
    warehouse_path: Path
    serving_path: Path
    dagster_home: Path
    dbt_target_dir: Path = DBT_PROJECT_DIR / "target"
    failpoint: str | None = None
    users_path: Path = DEFAULT_USERS_PATH
    duckdb_memory_limit: str = "2GB"
    dbt_threads: int = 2

    @property
    def serving_dir(self) -> Path:
        return self.serving_path.parent

    def env_for_subprocesses(self) -> dict[str, str]:
        """Environment that dbt / mf / streamlit subprocesses need to see the same files."""
        return {
            "SWITCHBOARD_DATA_DIR": str(self.data_dir),
            "SWITCHBOARD_LANDING": str(self.landing_dir),
            "SWITCHBOARD_WAREHOUSE": str(self.warehouse_path),
            "SWITCHBOARD_SERVING": str(self.serving_path),
            "DAGSTER_HOME": str(self.dagster_home),
            "SWITCHBOARD_DBT_TARGET": str(self.dbt_target_dir),
            # dagster-dbt copies partial_parse.msgpack from $DBT_TARGET_PATH into each
            # invocation's target folder: point it at the folder `dbt parse` wrote, or every
            # dbt step of a run parses the whole project again.
            "DBT_TARGET_PATH": str(self.dbt_target_dir),
            "SWITCHBOARD_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "SWITCHBOARD_DBT_THREADS": str(self.dbt_threads),
            # the dbt Python models import orchestration.lib (profiles.yml: module_paths)
            "SWITCHBOARD_REPO_ROOT": str(REPO_ROOT),
        }


def get_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("SWITCHBOARD_DATA_DIR", REPO_ROOT / "data")).resolve()
    return Settings(
        data_dir=data_dir,
        landing_dir=Path(env.get("SWITCHBOARD_LANDING", data_dir / "landing")).resolve(),
        warehouse_path=Path(env.get("SWITCHBOARD_WAREHOUSE", data_dir / "warehouse.duckdb")).resolve(),
        serving_path=Path(
            env.get("SWITCHBOARD_SERVING", data_dir / "serving" / "warehouse.duckdb")
        ).resolve(),
        dagster_home=Path(env.get("DAGSTER_HOME", data_dir / "dagster_home")).resolve(),
        dbt_target_dir=Path(env.get("SWITCHBOARD_DBT_TARGET", DBT_PROJECT_DIR / "target")).resolve(),
        failpoint=env.get("SWITCHBOARD_FAILPOINT") or None,
        users_path=Path(env.get("SWITCHBOARD_USERS") or DEFAULT_USERS_PATH).resolve(),
        duckdb_memory_limit=env.get("SWITCHBOARD_DUCKDB_MEMORY_LIMIT") or "2GB",
        dbt_threads=_positive_int(env, "SWITCHBOARD_DBT_THREADS", 2),
    )


def _positive_int(env, name: str, default: int) -> int:
    text = env.get(name) or ""
    if not text.strip():
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{name}={text!r}: expected a whole number of at least 1")
    return value
