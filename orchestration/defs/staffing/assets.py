"""Forecast, forecast accuracy and the staffing gap / root-cause table, as Python assets.

They read the marts (schema ``main``) and write schema ``staffing`` of the warehouse; thin dbt
models (``dbt_project/models/marts/staffing``) publish them to ``main`` with contracts and tests,
and roll the root cause up to days and weeks. The dbt sources of those models are these assets'
keys (``[staffing, <table>]``), so lineage runs marts -> these assets -> staffing marts -> the
serving snapshot. Numerical work is numpy (see ``orchestration/lib/forecast/pipeline.py`` for why
it is Python, not SQL).
"""
# No `from __future__ import annotations` in Dagster definition modules (see STACK.md).

import time

import dagster as dg
import numpy as np
import pandas as pd

from orchestration.defs.resources import WarehouseResource

SCHEMA = "staffing"
FORECAST_INTERVALS = dg.AssetKey([SCHEMA, "forecast_intervals"])
FORECAST_ACCURACY = dg.AssetKey([SCHEMA, "forecast_accuracy"])
STAFFING_INTERVALS = dg.AssetKey([SCHEMA, "staffing_intervals"])

# dbt marts and the holidays seed these assets read (dagster-dbt's default keys: the node name)
MART_DEPS = [dg.AssetKey(n) for n in ("fct_queue_intervals", "dim_queues")] + [
    dg.AssetKey(["seeds", "holidays"])
]
CAPACITY_DEPS = [
    dg.AssetKey(n) for n in ("fct_agent_intervals", "fct_agent_days", "fct_contact_segments")
]


class StaffingConfig(dg.Config):
    # forecast
    horizon_days: int = 14  # how far ahead the forecast goes (2 weeks)
    lead_days: int = 7  # past days carry the forecast made this many days before them
    backtest_horizon: int = 14  # horizons scored by the rolling-origin backtest
    weeks: int = 4  # same-weekday weeks averaged by the seasonal baseline and the intraday profile
    min_scored_days: int = 7  # fewer scored origins: keep the seasonal baseline
    # staffing
    shrinkage: float = 0.30  # positions = required / (1 - shrinkage)
    max_occupancy: float = 0.85  # occupancy cap for required agents (1.0 = no cap)
    share_window_days: int = 28  # trailing days of handle time that allocate agents to queues


def write_table(con, name: str, df: pd.DataFrame) -> int:
    """Replace staffing.<name> with the frame (inf -> null; one statement, one transaction)."""
    df = df.replace([np.inf, -np.inf], np.nan)
    con.execute(f"create schema if not exists {SCHEMA}")
    con.register("_frame", df)
    try:
        con.execute(f'create or replace table {SCHEMA}."{name}" as select * from _frame')
    finally:
        con.unregister("_frame")
    return len(df)


# One step computes the forecast and, from it, the staffing table: as two Dagster steps, the dbt
# marts over them would be split into two dbt invocations as well (Dagster gives every asset of
# a multi-asset downstream of another step a later step), each ~10 s of dbt start-up.
@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            FORECAST_INTERVALS,
            deps=MART_DEPS,
            group_name="staffing",
            kinds={"python", "duckdb"},
            description="Offered and AHT forecast per queue x interval: the next horizon_days "
            "(kind 'forecast') and, for history, the forecast made lead_days earlier (kind "
            "'backtest'), both methods and the selected one, with actuals beside them.",
        ),
        dg.AssetSpec(
            FORECAST_ACCURACY,
            deps=MART_DEPS,
            group_name="staffing",
            kinds={"python", "duckdb"},
            description="Rolling-origin backtest: WAPE per queue x method x horizon (days) and "
            "the method selected per queue.",
        ),
        dg.AssetSpec(
            STAFFING_INTERVALS,
            deps=[FORECAST_INTERVALS, *MART_DEPS[:2], *CAPACITY_DEPS],
            group_name="staffing",
            kinds={"python", "duckdb"},
            description="Per queue x interval: required agents (forecast and actuals; Erlang C "
            "and A), scheduled (net of leave) and staffed agents (allocated by handle-time "
            "share), the gap in agents and hours, modelled vs realised service level and its "
            "root-cause contributions.",
        ),
    ],
    name="forecast_and_staffing",
)
def forecast_and_staffing(
    context: dg.AssetExecutionContext, config: StaffingConfig, warehouse: WarehouseResource
):
    # imported here: the numerical stack (scipy) costs ~3 s to import, which loading the
    # definitions (every CLI run, every Dagster code-server start) should not pay
    from orchestration.lib.forecast.pipeline import (
        ForecastSettings,
        StaffingSettings,
        build_forecast,
        build_staffing_intervals,
    )

    forecast_settings = ForecastSettings(
        horizon_days=config.horizon_days,
        lead_days=config.lead_days,
        backtest_horizon=config.backtest_horizon,
        weeks=config.weeks,
        min_scored_days=config.min_scored_days,
    )
    staffing_settings = StaffingSettings(
        shrinkage=config.shrinkage,
        max_occupancy=None if config.max_occupancy >= 1 else config.max_occupancy,
        share_window_days=config.share_window_days,
    )
    t0 = time.perf_counter()
    with warehouse.connect() as con:
        intervals, accuracy, selection = build_forecast(con, forecast_settings)
        accuracy = accuracy.merge(
            selection[["queue_id", "reason"]], on="queue_id", how="left"
        ).rename(columns={"reason": "selection_reason"})
        n_int = write_table(con, "forecast_intervals", intervals)
        n_acc = write_table(con, "forecast_accuracy", accuracy)
        t_forecast = round(time.perf_counter() - t0, 2)
        context.log.info(f"forecast: {n_int} interval rows, {n_acc} accuracy rows in {t_forecast}s")
        t1 = time.perf_counter()
        fc = con.execute(f"select * from {SCHEMA}.forecast_intervals").df()
        df = build_staffing_intervals(con, fc, staffing_settings)
        n = write_table(con, "staffing_intervals", df)
    t_staffing = round(time.perf_counter() - t1, 2)
    missed = int(df["is_missed"].sum())
    context.log.info(f"staffing_intervals: {n} rows ({missed} missed intervals) in {t_staffing}s")
    selected = {r.queue_id: r.method for r in selection.itertuples()}
    yield dg.MaterializeResult(
        asset_key=FORECAST_INTERVALS,
        metadata={
            "rows": n_int,
            "seconds": t_forecast,
            "selected_method": dg.MetadataValue.json(selected),
        },
    )
    yield dg.MaterializeResult(
        asset_key=FORECAST_ACCURACY,
        metadata={"rows": n_acc, "selection": dg.MetadataValue.json(selection.to_dict("records"))},
    )
    yield dg.MaterializeResult(
        asset_key=STAFFING_INTERVALS,
        metadata={"rows": n, "missed_intervals": missed, "seconds": t_staffing},
    )


staffing_assets = [forecast_and_staffing]
