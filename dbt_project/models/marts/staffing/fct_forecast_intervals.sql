-- One row per queue x interval: the contacts-offered and AHT forecast. kind 'forecast' = the...
-- Thin mart over the Python asset's table (see _staffing__sources.yml and
-- orchestration/defs/staffing/assets.py); empty until that asset has run once.
{{ select_source_or_empty('staffing', 'forecast_intervals', [
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
