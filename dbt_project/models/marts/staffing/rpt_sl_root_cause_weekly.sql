-- One row per queue x local week (weeks start on Monday, dbt.date_trunc('week')): the daily
-- decomposition rolled up the same way (weights sl_denominator; see rpt_sl_root_cause_daily).
{{ sl_root_cause_rollup(ref('fct_staffing_intervals'), dbt.date_trunc('week', 'interval_date'), 'week') }}
