-- Materialized as a table (an exception to the intermediate-views rule): the adherence model
-- and the agent-day fact read it, and as a view each would redo the time-zone conversions.
-- Incremental by activity_date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='activity_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}

-- Scheduled activities (hr/schedules) split at the agent's local midnights: one row per
-- activity x local day it overlaps, with the scheduled seconds inside that day. The same
-- split as int_agent_states_split_to_days, so schedules and states meet on (agent, local day).
-- The activity's own starts_at/ends_at are kept: adherence tolerance applies at the real
-- activity edges, not at the artificial midnight cut.
with

schedules as (

    select * from {{ ref('stg_hr__schedules') }}
    where ends_at > starts_at
        and {{ window_filter('ends_at', slack_days=1) }}

),

agents as (

    select * from {{ ref('int_agents_located') }}

),

split as (

    -- ends_at is exclusive: an activity ending exactly at local midnight stays on its day
    {{ split_at_local_midnights(
        source='schedules',
        agents='agents',
        start_col='starts_at',
        end_col='ends_at',
        columns=['activity'],
        seconds_col='scheduled_seconds',
        end_exclusive=true,
    ) }}

)

select * from split
where scheduled_seconds > 0
    and {{ window_filter('activity_date') }}
