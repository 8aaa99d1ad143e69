-- Rolling-origin backtest of the forecast: one row per queue x method x horizon (days ahead), with
-- the method selected per queue.
-- Thin mart over the dbt Python model int_forecast_methods_scored (models/intermediate/staffing): types and contract.
{{ select_typed(ref('int_forecast_methods_scored'), [
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
