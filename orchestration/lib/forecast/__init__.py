"""Contact-volume and handle-time forecasting with a rolling-origin backtest (plain numpy/pandas).

See ``methods`` (seasonal baseline, Holt-Winters), ``backtest`` (WAPE, method selection),
``core.run_forecast`` (all queues at once) and ``rootcause`` (service-level attribution).
"""

from orchestration.lib.forecast.backtest import BacktestScores, score_backtest, select_method, wape
from orchestration.lib.forecast.core import DEFAULT_METHOD, METHODS, ForecastResult, run_forecast
from orchestration.lib.forecast.methods import (
    holt_winters,
    holt_winters_daily,
    intraday_profile,
    seasonal_aht,
    seasonal_baseline,
)

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "BacktestScores",
    "ForecastResult",
    "holt_winters",
    "holt_winters_daily",
    "intraday_profile",
    "run_forecast",
    "score_backtest",
    "seasonal_aht",
    "seasonal_baseline",
    "select_method",
    "wape",
]
