-- One row per queue x interval of var('interval_minutes') (default 30) in the site's local
-- time, keyed by (queue_id, interval_start_utc) so the repeated hour of a fall-back day stays
-- two rows. Every interval of every local day between the queue's first and last day with
-- activity is present (zeros when empty). The SQL is shared with fct_queue_intervals_15m
-- (macros/queue_interval_fact.sql), which holds the same sums at 15 minutes.
-- Attribution:
--   * offered, answered, abandoned, short_abandoned, flowed_out, callback_requested, the
--     within-threshold counts, sl_numerator/sl_denominator, the wait sums and
--     max_wait_seconds: interval of queue entry;
--   * handled, talk/hold/acw/handle seconds, holds and transfers: interval of answer.
-- All columns except max_wait_seconds are additive; max_wait_seconds is a max.
-- Incremental by local interval date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='interval_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}
{{ queue_interval_fact(
    spine=ref('int_queue_intervals_spined'),
    segments=ref('int_segments_enriched'),
    queues=ref('int_queues_defaulted'),
    policies=ref('int_queue_sl_policies_versioned'),
    minutes=var('interval_minutes'),
) }}
