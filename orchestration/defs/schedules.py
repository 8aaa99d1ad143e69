"""The whole-graph job and its nightly schedule."""


import dagster as dg

# The weekly report has its own job and Monday schedule (orchestration/defs/reporting): a
# nightly or sensor-triggered build must not re-render it (nor need Chromium for its PDF).
build_everything_job = dg.define_asset_job(
    "build_everything",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reporting"),
    description="Load new landing files, build and test every dbt model, publish the serving snapshot.",
)

nightly_build_schedule = dg.ScheduleDefinition(
    name="nightly_build_schedule",
    job=build_everything_job,
    cron_schedule="0 6 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
