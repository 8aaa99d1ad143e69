"""The weekly management report: a scheduled asset over the published serving snapshot.

The asset is a thin wrapper over orchestration.lib.report.build_weekly_report (numbers from the
semantic layer, HTML + PDF under <data dir>/reports/<YYYY-Www>/). It depends on the serving
snapshot, so lineage shows the report downstream of the published marts; its own job and
Monday-07:00 schedule run it without rebuilding anything.
"""

from datetime import date
from pathlib import Path

import dagster as dg

from apps.queries.semantic import find_manifest
from orchestration.defs.resources import ServingResource
from orchestration.lib.report import build_weekly_report, pdf_page_count
from orchestration.settings import get_settings

REPORT_KEY = dg.AssetKey(["reporting", "weekly_management_report"])
SERVING_KEY = dg.AssetKey(["serving", "warehouse_snapshot"])


class WeeklyReportConfig(dg.Config):
    """week: any ISO date in the week to report ("" = the latest complete Monday-Sunday week in
    the data); reports_dir: "" = <data dir>/reports; pdf: also print the PDF."""

    week: str = ""
    reports_dir: str = ""
    pdf: bool = True


@dg.asset(
    key=REPORT_KEY,
    group_name="reporting",
    deps=[SERVING_KEY],
    kinds={"html", "pdf"},
    description="Weekly management report (headline KPIs vs targets with week-over-week change, "
    "trends, staffing, quality, customer voice, top three issues) as self-contained HTML and PDF "
    "in data/reports/<YYYY-Www>/.",
)
def weekly_management_report(
    context: dg.AssetExecutionContext, config: WeeklyReportConfig, serving: ServingResource
) -> dg.MaterializeResult:
    snapshot = Path(serving.path)
    reports_dir = (
        Path(config.reports_dir) if config.reports_dir else get_settings().data_dir / "reports"
    )
    files = build_weekly_report(
        snapshot,
        find_manifest(snapshot),
        reports_dir,
        week_start=date.fromisoformat(config.week) if config.week else None,
        pdf=config.pdf,
    )
    pages = pdf_page_count(files.pdf.read_bytes()) if files.pdf else 0
    context.log.info(
        f"weekly report {files.folder.name}: {files.html}"
        + (f", {files.pdf} ({pages} pages)" if files.pdf else "")
    )
    return dg.MaterializeResult(
        metadata={
            "week": files.folder.name,
            "html": dg.MetadataValue.path(str(files.html)),
            "pdf": dg.MetadataValue.path(str(files.pdf)) if files.pdf else "",
            "pdf_pages": pages,
            "top_issues": dg.MetadataValue.md(
                "\n".join(f"{n}. {i.text}" for n, i in enumerate(files.data.issues, 1)) or "none"
            ),
        }
    )


weekly_report_job = dg.define_asset_job(
    "weekly_report_job",
    selection=dg.AssetSelection.assets(REPORT_KEY),
    description="Render the weekly management report from the published snapshot.",
)

# Monday 07:00 UTC: after the 06:00 nightly build has published Sunday's data.
weekly_management_report_schedule = dg.ScheduleDefinition(
    name="weekly_management_report_schedule",
    job=weekly_report_job,
    cron_schedule="0 7 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
