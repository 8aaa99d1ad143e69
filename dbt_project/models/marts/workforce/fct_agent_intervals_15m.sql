-- One row per agent x 15-minute interval in the agent's local time: the same measures and
-- attribution as fct_agent_intervals (same macro, macros/agent_interval_fact.sql) at the
-- finer grain.
-- Incremental by local interval date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='interval_date',
    on_schema_change='fail',
) }}
{{ agent_interval_fact(
    segments=ref('int_segments_enriched'),
    agents=ref('int_agents_located'),
    states=ref('int_agent_states_split_to_days'),
    adherence_ranges=ref('int_schedules_matched_to_states'),
    history=ref('int_agent_team_history'),
    minutes=15,
) }}
