"""A generated demo data set built through the real pipeline, shared by the supervision tests
(tests/dbt/test_supervision_metrics.py, tests/orchestration/test_weekly_report.py,
tests/apps/test_app_my_team.py).

Six weeks (so coaching sessions have 14-day windows on both sides) and 16 agents. The build is
the slow part (a subprocess ``python -m orchestration.cli build``, 2-3 minutes), so the result
is kept in pytest's cache directory keyed by a hash of everything that shapes it (dbt project,
demo generator, loader, publisher, landing contract and these parameters): a later session
with unchanged inputs reuses it, any change rebuilds. ``pytest --cache-clear`` forces a rebuild.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO_END = date(2026, 11, 22)  # a Sunday: the last week in the data is complete
DEMO_DAYS = 42
DEMO_AGENTS = 16
DEMO_SEED = 11
INPUTS = (
    "dbt_project/models",
    "dbt_project/macros",
    "dbt_project/seeds",
    "dbt_project/tests",
    "dbt_project/dbt_project.yml",
    "orchestration/lib/demo_data",
    "orchestration/lib/ingest.py",
    "orchestration/lib/publish.py",
    "orchestration/contracts/landing.yml",
)


@dataclass(frozen=True)
class SupervisionDemo:
    data_dir: Path

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def serving(self) -> Path:
        return self.data_dir / "serving" / "warehouse.duckdb"

    @property
    def manifest(self) -> Path:
        return self.data_dir / "serving" / "semantic_manifest.json"


def inputs_hash() -> str:
    h = hashlib.sha256(f"{DEMO_END}|{DEMO_DAYS}|{DEMO_AGENTS}|{DEMO_SEED}".encode())
    for rel in INPUTS:
        p = REPO / rel
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(REPO)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def build_demo(cache_root: Path) -> SupervisionDemo:
    """The built demo under ``cache_root/<inputs hash>``, building it when missing.

    Locked: with parallel test workers the first one builds, the other waits and reuses it.
    """
    Path(cache_root).mkdir(parents=True, exist_ok=True)
    with open(Path(cache_root) / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_demo(cache_root)


def _build_demo(cache_root: Path) -> SupervisionDemo:
    from orchestration.lib.demo_data import generate

    key = inputs_hash()
    data = Path(cache_root) / key
    demo = SupervisionDemo(data)
    if (data / "BUILT").is_file() and demo.serving.is_file() and demo.manifest.is_file():
        return demo
    for old in Path(cache_root).glob("*"):
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    data.mkdir(parents=True, exist_ok=True)
    generate(
        data / "landing", days=DEMO_DAYS, agents=DEMO_AGENTS, seed=DEMO_SEED, end_date=DEMO_END
    )
    env = {
        **os.environ,
        "SWITCHBOARD_DATA_DIR": str(data),
        "DAGSTER_HOME": str(data / "dagster_home"),
        "SWITCHBOARD_DBT_TARGET": str(data / "dbt_target"),
    }
    for var in ("SWITCHBOARD_LANDING", "SWITCHBOARD_WAREHOUSE", "SWITCHBOARD_SERVING"):
        env.pop(var, None)
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "build"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    (data / "BUILT").write_text(key)
    return demo
