"""The `orchestration` code location: `dagster dev -m orchestration.definitions`."""
# No `from __future__ import annotations` in Dagster definition modules: Dagster compares the
# context annotation by identity (see STACK.md).


import dagster as dg

from orchestration.defs.ingestion.landing import landing_tables
from orchestration.defs.quality.checks import quality_checks
from orchestration.defs.reporting import reporting_assets, reporting_jobs, reporting_schedules
from orchestration.defs.resources import build_resources
from orchestration.defs.schedules import build_everything_job, nightly_build_schedule
from orchestration.defs.sensors import landing_files_sensor
from orchestration.defs.serving.publish import serving_snapshot
from orchestration.defs.transform.dbt import switchboard_dbt_assets

defs = dg.Definitions(
    assets=[landing_tables, switchboard_dbt_assets, serving_snapshot, *reporting_assets],
    asset_checks=quality_checks,
    jobs=[build_everything_job, *reporting_jobs],
    schedules=[nightly_build_schedule, *reporting_schedules],
    sensors=[landing_files_sensor],
    resources=build_resources(),
    # One DuckDB writer: steps run one after another in the run's process.
    executor=dg.in_process_executor,
)
