"""``uv run python -m orchestration.lib.report [--week YYYY-MM-DD] [--out DIR] [--no-pdf]``:
the weekly report of the published snapshot (settings' serving path and its manifest)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from apps.queries.semantic import find_manifest
from orchestration.lib.report import build_weekly_report
from orchestration.settings import get_settings


def main() -> None:
    settings = get_settings()
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--week", type=date.fromisoformat, default=None)
    p.add_argument("--out", type=Path, default=settings.data_dir / "reports")
    p.add_argument("--no-pdf", action="store_true")
    a = p.parse_args()
    files = build_weekly_report(
        settings.serving_path,
        find_manifest(settings.serving_path),
        a.out,
        week_start=a.week,
        pdf=not a.no_pdf,
    )
    print(files.html)
    if files.pdf:
        print(files.pdf)


if __name__ == "__main__":
    main()
