-- One row per agent x interval of var('agent_interval_minutes') (default 30) in the agent's
-- local time, with any activity: handled contacts (interval of answer), agent-state seconds,
-- scheduled and adherent seconds. Body: macros/agent_interval_fact.sql; at a multiple of 15
-- minutes (15, 30, 60) it is summed from fct_agent_intervals_15m (macros/agent_interval_rollup.sql),
-- so the agent states and schedules are cut into intervals once per build, not once per grain.
-- Incremental by local interval date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='interval_date',
    on_schema_change='fail',
) }}
{%- if var('agent_interval_minutes') % 15 == 0 %}
{{ agent_interval_rollup(ref('fct_agent_intervals_15m'), minutes=var('agent_interval_minutes')) }}
{%- else %}
{{ agent_interval_fact(
    segments=ref('int_segments_enriched'),
    agents=ref('int_agents_located'),
    states=ref('int_agent_states_split_to_days'),
    adherence_ranges=ref('int_schedules_matched_to_states'),
    history=ref('int_agent_team_history'),
    minutes=var('agent_interval_minutes'),
) }}
{%- endif %}
