-- One row per queue x 15-minute interval in the site's local time: the same measures,
-- attribution and policy columns as fct_queue_intervals (same macro, macros/
-- queue_interval_fact.sql) at the finer grain; 96 intervals a day, 92 on a spring-forward day
-- and 100 on a fall-back day.
-- Incremental by local interval date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='interval_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}
{{ queue_interval_fact(
    spine=ref('int_queue_intervals_spined_15m'),
    segments=ref('int_segments_enriched'),
    queues=ref('int_queues_defaulted'),
    policies=ref('int_queue_sl_policies_versioned'),
    minutes=15,
) }}
