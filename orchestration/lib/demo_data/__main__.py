"""CLI: ``python -m orchestration.lib.demo_data --days 90 --agents 60 --seed 42 --out data/landing``.

Measured generation rate (2-core machine shared with other jobs, load average 4-10, 2026-11-23):

- ``--days 365 --agents 500 --seed 42 --end-date 2026-11-22``: 9,299,283 segments, 28.0 M agent
  states, 45.3 M rows in 4,062 files (4.4 GB) in 502 s wall clock = 18,500 segments/s; the
  process got 58% of a core (292 s CPU), i.e. about 32,000 segments per CPU-second. Peak RSS 1.0 GB.
- ``--days 30 --agents 500``: 764,471 segments in 40 s wall (22.5 s CPU).
- default ``--days 90 --agents 60`` (ending 2026-11-22): 285,875 segments in 5.9 s (48,000 segments/s).

After the staffing/service-level retune (square-root staffing, SL-driven routing, 2026-11-23,
load average 6-7, back-to-back against the previous version on the same machine):

- ``--days 30 --agents 500 --seed 42 --end-date 2026-11-22``: 791,258 segments (+3.5%) in 21.7-23.5 s
  CPU (previous version: 764,471 segments in 20.3-21.9 s CPU), i.e. ~34,700 vs ~36,200 segments
  per CPU-second (-4%); wall clock 29-50 s for both, dominated by the machine's load. A year at
  500 seats is therefore about 9.6 M segments (not re-measured).
- default ``--days 90 --agents 60`` (ending 2026-11-22): 260,418 segments (48 per agent per
  calendar day; small centers need a larger staffing buffer, so run at lower occupancy).

Single process, pure Python event loop (heap + merged sorted arrivals), lines formatted with
f-strings and a precomputed time-of-day table, one file write per table per day.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from .generator import generate


def main(argv: list[str] | None = None) -> int:
    from orchestration.settings import get_settings

    p = argparse.ArgumentParser(prog="python -m orchestration.lib.demo_data", description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=90, help="number of days (default 90)")
    p.add_argument("--agents", type=int, default=60, help="agents on the roster (default 60)")
    p.add_argument("--seed", type=int, default=42, help="random seed (same seed -> identical files)")
    p.add_argument("--out", type=Path, default=None, help="landing folder (default: settings' landing dir)")
    p.add_argument("--end-date", type=date.fromisoformat, default=None, help="last day, YYYY-MM-DD (default yesterday)")
    p.add_argument("--queues", type=int, default=None, help="number of queues, 2-8 (default 5)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the full summary as JSON")
    a = p.parse_args(argv)
    out = a.out or get_settings().landing_dir
    summary = generate(out, a.days, a.agents, a.seed, a.end_date, a.queues, progress=not a.no_progress)
    if a.json:
        print(json.dumps(summary, indent=2))
    rows = summary["rows"]
    print(
        f"demo data: {summary['start_date']}..{summary['end_date']}, {a.agents} agents, {summary['queues']} queues -> {out}: "
        f"{summary['segments']:,} segments, {rows.get('acd/agent_states', 0):,} agent states, "
        f"{sum(rows.values()):,} rows in {summary['files']} files in {summary['seconds']:.1f} s "
        f"({summary['segments_per_second']:,.0f} segments/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
