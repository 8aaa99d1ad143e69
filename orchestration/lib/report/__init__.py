"""The weekly management report (issue 8): numbers from the semantic layer (data.py), the
"top three issues" rule (issues.py), inline-SVG charts (svg.py), HTML + PDF rendering
(render.py). Entry point: :func:`build_weekly_report`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from orchestration.lib.report.render import ReportFiles, pdf_page_count, write_report

__all__ = ["ReportFiles", "build_weekly_report", "pdf_page_count"]


def build_weekly_report(
    snapshot: Path,
    manifest: Path,
    reports_dir: Path,
    *,
    week_start: date | None = None,
    targets: dict[str, float] | None = None,
    pdf: bool = True,
) -> ReportFiles:
    """Collect the week's numbers from the serving snapshot through the semantic layer (the
    manifest published beside it) and write ``<reports_dir>/<YYYY-Www>/weekly_report.html``
    (+ ``.pdf``). ``week_start``: any day of the week to report; default the latest complete
    Monday-Sunday week in the data."""
    from apps.queries.semantic import SemanticLayer
    from orchestration.lib.report.data import collect

    layer = SemanticLayer(Path(manifest))
    data = collect(Path(snapshot), layer, week_start=week_start, targets=targets)
    return write_report(data, reports_dir, pdf=pdf)
