"""`dbt build` of the project as a subprocess, for the fixture-warehouse tests of tests/dbt.

dbt runs as a subprocess, not through dbtRunner: DuckDB allows one process to hold the file,
and the tests read the warehouse after dbt has exited (STACK.md section 5). The subprocess gets
TZ=Pacific/Auckland so that a session time zone far from UTC would show in the local-time
columns if a conversion depended on it. Each build uses its own target/log folders (under
`work_dir`) so it never disturbs the project's dbt_project/target (which Dagster reads).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def run_dbt_build(
    warehouse: Path,
    work_dir: Path,
    vars_: dict | None = None,
    timeout: int = 900,
    select: str | None = None,
) -> tuple[subprocess.CompletedProcess, dict]:
    """Run `dbt build` on `warehouse`; return the process and target/run_results.json (or no results)."""
    env = {
        **os.environ,
        "SWITCHBOARD_WAREHOUSE": str(warehouse),
        "SWITCHBOARD_REPO_ROOT": str(REPO_ROOT),  # dbt runs in REPO_ROOT here, not dbt_project/
        "TZ": "Pacific/Auckland",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    args = [
        str(Path(sys.executable).parent / "dbt"),
        "build",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    if vars_:
        args += ["--vars", json.dumps(vars_)]
    if select:
        args += ["--select", select]
    proc = subprocess.run(
        args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    results_path = work_dir / "target" / "run_results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"results": []}
    return proc, results


def assert_build_ok(proc: subprocess.CompletedProcess, results: dict) -> None:
    """dbt exited 0 and every node succeeded, passed or was a no-op."""
    bad = [
        (r["unique_id"], r["status"], r.get("message"))
        for r in results["results"]
        if r["status"] not in ("success", "pass", "no-op")
    ]
    assert proc.returncode == 0 and not bad, (
        f"dbt build failed: {bad}\n{proc.stdout[-5000:]}\n{proc.stderr[-2000:]}"
    )
