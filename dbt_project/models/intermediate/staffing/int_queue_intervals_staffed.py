"""Required (Erlang C and A), scheduled and staffed agents per queue x interval, the gap and the
service-level root cause (published by fct_staffing_intervals, rolled up by rpt_sl_root_cause_*).

A dbt Python model like int_queue_intervals_forecasted (see there). The forecast it staffs is that
model's table as published, typed by its contract, by fct_forecast_intervals (so an empty
forecast still has timestamp keys). Settings: the staffing_* vars of dbt_project.yml.
"""


def model(dbt, session):
    from orchestration.lib.forecast.pipeline import (
        build_staffing_intervals,
        finite,
        settings_from_json,
    )

    forecast_intervals = dbt.ref("fct_forecast_intervals").df()
    dbt.ref("fct_queue_intervals")
    dbt.ref("dim_queues")
    dbt.ref("fct_agent_intervals")
    dbt.ref("fct_agent_days")
    dbt.ref("fct_contact_segments")
    _, staffing = settings_from_json(dbt.config.get("staffing_settings"))
    return finite(build_staffing_intervals(session, forecast_intervals, staffing))
