"""Rolling-origin backtest per queue x method x horizon, and the method selected per queue
(published by fct_forecast_accuracy).

A dbt Python model like int_queue_intervals_forecasted (see there). It runs the same
deterministic forecast on the same marts and keeps the scores instead of the intervals: a dbt
model returns one table, and the forecast costs well under a second at a year of a 500-seat
center (0.4-0.6 s, against the Erlang work of int_queue_intervals_staffed). The refs name what
the library reads; dbt needs them written out in each model.
"""


def model(dbt, session):
    from orchestration.lib.forecast.pipeline import (
        build_forecast,
        finite,
        forecast_scores,
        settings_from_json,
    )

    dbt.ref("fct_queue_intervals")
    dbt.ref("dim_queues")
    dbt.ref("holidays")
    forecast, _ = settings_from_json(dbt.config.get("staffing_settings"))
    _, accuracy, selection = build_forecast(session, forecast)
    return finite(forecast_scores(accuracy, selection))
