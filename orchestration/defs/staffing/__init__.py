"""Forecast -> staffing -> schedule -> actuals (issue 7). Wire `staffing_assets` into Definitions."""

from orchestration.defs.staffing.assets import (
    FORECAST_ACCURACY,
    FORECAST_INTERVALS,
    STAFFING_INTERVALS,
    staffing_assets,
)

__all__ = ["FORECAST_ACCURACY", "FORECAST_INTERVALS", "STAFFING_INTERVALS", "staffing_assets"]
