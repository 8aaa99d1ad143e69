-- Agent-state seconds (by state and aux reason) per agent x local day x 15-minute interval:
-- int_agent_states_split_to_days cut at the interval boundaries, input of fct_agent_intervals_15m (and through it
-- fct_agent_intervals). A table of its own so that each cut has the warehouse's memory to
-- itself (macros/agent_interval_fact.sql).
-- Incremental by activity_date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='activity_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}
{{ agent_state_intervals(ref('int_agent_states_split_to_days'), minutes=15) }}
