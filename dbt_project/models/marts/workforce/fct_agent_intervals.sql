-- One row per agent x interval of var('agent_interval_minutes') (default 30) in the agent's
-- local time, with any activity: handled contacts (interval of answer), agent-state seconds,
-- scheduled and adherent seconds. Body: macros/agent_interval_fact.sql.
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
    minutes=var('agent_interval_minutes'),
) }}
