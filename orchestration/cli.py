"""Command line for the Makefile targets: `python -m orchestration.cli {build,demo-data,init}`.

`build` runs the build_everything job in this process, recorded in the Dagster instance under
$DAGSTER_HOME, so the run shows up in the Dagster UI (`make dagster`) like a scheduled one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from orchestration.settings import get_settings

_DAGSTER_YAML_V1 = """\
# Written by `python -m orchestration.cli init`. Local instance for Switchboard.
telemetry:
  enabled: false
"""
DAGSTER_YAML = _DAGSTER_YAML_V1 + """\
# Run event logs: the stock SQLite storage and files, with pooled connections
# (orchestration/lib/dagster_storage.py says why).
event_log_storage:
  module: orchestration.lib.dagster_storage
  class: PooledSqliteEventLogStorage
"""


def say(msg: str) -> None:
    print(f"[switchboard {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def init_instance() -> Path:
    s = get_settings()
    s.dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = s.dagster_home / "dagster.yaml"
    if not cfg.exists() or cfg.read_text() == _DAGSTER_YAML_V1:  # ours, and older: upgrade it
        cfg.write_text(DAGSTER_YAML)
    s.landing_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(s.env_for_subprocesses())
    return s.dagster_home


def build(full_refresh: bool = False, from_date: date | None = None) -> int:
    init_instance()
    s = get_settings()
    files = sum(1 for _ in s.landing_dir.rglob("*.csv")) if s.landing_dir.exists() else 0
    say(f"building from {s.landing_dir} ({files} landing files) into {s.warehouse_path}")
    t0 = time.perf_counter()
    from orchestration.defs.transform.project import parse_if_changed

    if parse_if_changed():
        say(f"dbt project parsed in {time.perf_counter() - t0:.1f}s")
    else:
        say("dbt project unchanged since the manifest was parsed: not re-parsed")
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.runs import FULL_REFRESH_TAG, REPROCESS_FROM_TAG

    tags = {}
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    if from_date is not None:
        tags[REPROCESS_FROM_TAG] = from_date.isoformat()

    job = defs.resolve_job_def("build_everything")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags=tags or None,
            # INFO: the per-table load counts and dbt's "N of M" lines are the progress report
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
        say("step timings:")
        starts: dict[str, float] = {}
        for entry in instance.all_logs(result.run_id):
            ev = entry.dagster_event
            if ev is None:
                continue
            if ev.event_type_value == "STEP_START":
                starts[ev.step_key] = entry.timestamp
            elif ev.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and ev.step_key in starts:
                status = "ok" if ev.event_type_value == "STEP_SUCCESS" else "FAILED"
                print(f"    {ev.step_key:<40} {entry.timestamp - starts[ev.step_key]:7.1f}s  {status}")
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed]
    say(f"{len(checks)} asset checks, {len(failed)} failed")
    for c in failed:
        print(f"    FAILED check {c.asset_key.to_user_string()}:{c.check_name} ({c.severity.value})")
    if not result.success:
        for ev in result.all_events:
            if ev.event_type_value == "STEP_FAILURE":
                print(f"\n--- {ev.step_key} failed ---\n{ev.event_specific_data.error.to_string() if ev.event_specific_data and ev.event_specific_data.error else ev.message}")
        say(f"build FAILED after {time.perf_counter() - t0:.1f}s (run {result.run_id}; details in `make dagster`)")
        return 1
    say(f"build finished in {time.perf_counter() - t0:.1f}s; snapshot {s.serving_path}")
    return 0


def demo_data(days: int, agents: int, seed: int, force: bool) -> int:
    s = get_settings()
    from orchestration.lib.demo_data import generate

    marker = s.landing_dir / ".demo_data.json"
    end = date.today() - timedelta(days=1)
    want = f'{{"days": {days}, "agents": {agents}, "seed": {seed}, "end_date": "{end}"}}'
    if not force and marker.exists() and marker.read_text() == want:
        say(f"demo exports for {days} days x {agents} agents (seed {seed}) already in {s.landing_dir}; reusing them")
        return 0
    if marker.exists():
        # The landing folder holds an older demo set: replace it, and the warehouse built from
        # it, so no day of the old set lingers. (A folder without the marker is never touched.)
        import shutil

        say("replacing the previous demo exports and the warehouse built from them")
        shutil.rmtree(s.landing_dir)
        for p in (s.warehouse_path, s.warehouse_path.with_name(s.warehouse_path.name + ".wal")):
            p.unlink(missing_ok=True)
        s.landing_dir.mkdir(parents=True)
    say(f"generating demo exports: {days} days ending {end}, {agents} agents, seed {seed} -> {s.landing_dir}")
    t0 = time.perf_counter()
    generate(s.landing_dir, days=days, agents=agents, seed=seed, end_date=end)
    marker.write_text(want)
    say(f"demo exports written in {time.perf_counter() - t0:.1f}s")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m orchestration.cli")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("init", help="create the Dagster instance folder and the landing folder")
    b = sub.add_parser("build", help="materialize every asset from what is in the landing folder")
    b.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental models from all history instead of the new days only",
    )
    b.add_argument(
        "--from-date",
        type=date.fromisoformat,
        default=None,
        help="backfill: recompute every day from this local date (YYYY-MM-DD) on",
    )
    d = sub.add_parser("demo-data", help="generate the demo exports into the landing folder")
    d.add_argument("--days", type=int, default=90)
    d.add_argument("--agents", type=int, default=60)
    d.add_argument("--seed", type=int, default=42)
    d.add_argument("--force", action="store_true", help="regenerate even if the same data is there")
    args = p.parse_args(argv)
    if args.cmd == "init":
        print(init_instance())
        return 0
    if args.cmd == "build":
        return build(full_refresh=args.full_refresh, from_date=args.from_date)
    return demo_data(args.days, args.agents, args.seed, args.force)


if __name__ == "__main__":
    sys.exit(main())
