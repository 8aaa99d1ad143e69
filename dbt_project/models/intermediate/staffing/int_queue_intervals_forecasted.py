"""Offered and AHT forecast per queue x interval (published by fct_forecast_intervals).

A dbt Python model: dbt-duckdb runs it in dbt's own process on dbt's connection, so the forecast
is part of the pipeline's one `dbt build` (no second dbt process after a Python step). The
numerical code is orchestration/lib/forecast (importable through the profile's module_paths); it
reads the marts by name, and the refs below name what it reads, so dbt orders this model after
them and Dagster draws the lineage. Settings: the forecast_* vars of dbt_project.yml.
"""


def model(dbt, session):
    from orchestration.lib.forecast.pipeline import build_forecast, finite, settings_from_json

    dbt.ref("fct_queue_intervals")
    dbt.ref("dim_queues")
    dbt.ref("holidays")
    forecast, _ = settings_from_json(dbt.config.get("staffing_settings"))
    intervals, _, _ = build_forecast(session, forecast)
    return finite(intervals)
