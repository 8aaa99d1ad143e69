-- Rolling-origin backtest of the forecast: one row per queue x method x horizon (days ahead)...
-- Thin mart over the Python asset's table (see _staffing__sources.yml and
-- orchestration/defs/staffing/assets.py); empty until that asset has run once.
{{ select_source_or_empty('staffing', 'forecast_accuracy', [
        ('queue_id', 'varchar'),
        ('method', 'varchar'),
        ('horizon_days', 'bigint'),
        ('scored_days', 'bigint'),
        ('actual_offered', 'double'),
        ('abs_error', 'double'),
        ('abs_error_daily', 'double'),
        ('wape', 'double'),
        ('wape_daily', 'double'),
        ('is_selected', 'boolean'),
        ('selection_reason', 'varchar'),
]) }}
