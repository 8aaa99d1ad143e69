-- One row per agent x 15-minute interval in the agent's local time: the same measures and
-- attribution as fct_agent_intervals (which is summed from it) at the finer grain. Body:
-- macros/agent_interval_fact.sql, over the 15-minute cuts of the agent states and the
-- adherence ranges (int_agent_state_intervals_15m, int_agent_schedule_intervals_15m).
-- Incremental by local interval date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='interval_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}
{{ agent_interval_fact(
    segments=ref('int_segments_enriched'),
    agents=ref('int_agents_located'),
    state_intervals=ref('int_agent_state_intervals_15m'),
    schedule_intervals=ref('int_agent_schedule_intervals_15m'),
    history=ref('int_agent_team_history'),
    minutes=15,
) }}
