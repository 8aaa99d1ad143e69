-- One row per queue x interval: the contacts-offered and AHT forecast (kind 'forecast': the horizon
-- after the last day of history; kind 'backtest': past intervals with the forecast made lead_days before).
-- Thin mart over the dbt Python model int_queue_intervals_forecasted (models/intermediate/staffing): types and contract.
{{ select_typed(ref('int_queue_intervals_forecasted'), [
        ('queue_id', 'varchar'),
        ('interval_start_utc', 'timestamp'),
        ('interval_start_local', 'timestamp'),
        ('interval_date', 'date'),
        ('interval_minutes', 'bigint'),
        ('kind', 'varchar'),
        ('origin_date', 'date'),
        ('horizon_days', 'bigint'),
        ('method', 'varchar'),
        ('is_holiday', 'boolean'),
        ('offered_forecast', 'double'),
        ('offered_seasonal_baseline', 'double'),
        ('offered_holt_winters', 'double'),
        ('aht_forecast_seconds', 'double'),
        ('offered_actual', 'double'),
        ('handled_actual', 'double'),
        ('handle_seconds_actual', 'double'),
        ('aht_actual_seconds', 'double'),
]) }}
