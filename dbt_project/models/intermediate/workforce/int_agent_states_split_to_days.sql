-- Materialized as a table (an exception to the intermediate-views rule): several marts and
-- tests read it, and as a view each of them would redo the time-zone conversions.
-- Incremental by activity_date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='activity_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}

-- Agent state intervals (logged_out excluded) split at the agent's local midnights: one row per
-- state interval x local day it overlaps, with the seconds inside that day. Day boundaries are
-- computed in UTC from local midnights, so a state spanning a DST change gets its true length.
with

states as (

    select * from {{ ref('stg_acd__agent_states') }}
    where state <> 'logged_out'
        and ended_at > started_at
        and {{ window_filter('ended_at', slack_days=1) }}

),

agents as (

    select * from {{ ref('int_agents_located') }}

),

split as (

    {{ split_at_local_midnights(
        source='states',
        agents='agents',
        start_col='started_at',
        end_col='ended_at',
        columns=['state', 'reason_code'],
        seconds_col='state_seconds',
    ) }}

)

select * from split
where state_seconds > 0
    and {{ window_filter('activity_date') }}
