"""CLI: ``python -m orchestration.lib.demo_data --days 90 --agents 60 --seed 42 --out data/landing``.

Measured generation rate (2-core machine): see RATE below, filled in from real runs.
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
