-- One row per agent x interval of var('agent_interval_minutes') (default 30) in the agent's
-- local time, with any activity: handled contacts (interval of answer), agent-state seconds,
-- scheduled and adherent seconds: summed from fct_agent_intervals_15m
-- (macros/agent_interval_rollup.sql), so the agent states and schedules are cut into intervals
-- once per build, not once per grain. var('agent_interval_minutes'): 15, 30 or 60.
-- Incremental by local interval date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='interval_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}
{%- if var('agent_interval_minutes') not in [15, 30, 60] %}
{{ exceptions.raise_compiler_error("var agent_interval_minutes must be 15, 30 or 60, got " ~ var('agent_interval_minutes')) }}
{%- endif %}
{{ agent_interval_rollup(ref('fct_agent_intervals_15m'), minutes=var('agent_interval_minutes')) }}
