-- Materialized as a table (an exception to the intermediate-views rule): several marts and
-- tests read it, and as a view each of them would redo the time-zone conversions.
{{ config(materialized="table") }}

-- Agent state intervals (logged_out excluded) split at the agent's local midnights: one row per
-- state interval x local day it overlaps, with the seconds inside that day. Day boundaries are
-- computed in UTC from local midnights, so a state spanning a DST change gets its true length.
with

states as (

    select * from {{ ref('stg_acd__agent_states') }}
    where state <> 'logged_out'
        and ended_at > started_at

),

agents as (

    select * from {{ ref('int_agents_located') }}

),

day_numbers as (

    {{ dbt.generate_series(var('spine_max_days')) }}

),

localized as (

    select
        states.agent_id,
        states.state,
        states.reason_code,
        states.started_at,
        states.ended_at,
        agents.site_timezone,
        cast({{ to_local_timestamp('states.started_at', 'agents.site_timezone') }} as date) as first_local_date,
        cast({{ to_local_timestamp('states.ended_at', 'agents.site_timezone') }} as date) as last_local_date
    from states
    inner join agents
        on states.agent_id = agents.agent_id

),

single_day as (

    -- most states start and end on the same local day: no split needed
    select
        agent_id,
        first_local_date as activity_date,
        state,
        reason_code,
        site_timezone,
        started_at,
        ended_at,
        started_at as piece_started_at,
        ended_at as piece_ended_at,
        {{ seconds_between('started_at', 'ended_at') }} as state_seconds
    from localized
    where first_local_date = last_local_date

),

expanded as (

    select
        localized.*,
        cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'localized.first_local_date') }} as date)
            as activity_date
    from localized
    inner join day_numbers
        on day_numbers.generated_number - 1
        <= {{ dbt.datediff('localized.first_local_date', 'localized.last_local_date', 'day') }}
    where localized.first_local_date < localized.last_local_date

),

bounded as (

    select
        *,
        {{ to_utc_timestamp('cast(activity_date as timestamp)', 'site_timezone') }} as day_start_utc,
        {{ to_utc_timestamp(
            'cast(' ~ dbt.dateadd('day', 1, 'activity_date') ~ ' as timestamp)', 'site_timezone'
        ) }} as next_day_start_utc
    from expanded

),

multi_day as (

    select
        agent_id,
        activity_date,
        state,
        reason_code,
        site_timezone,
        started_at,
        ended_at,
        greatest(started_at, day_start_utc) as piece_started_at,
        least(ended_at, next_day_start_utc) as piece_ended_at,
        {{ seconds_between('greatest(started_at, day_start_utc)', 'least(ended_at, next_day_start_utc)') }}
            as state_seconds
    from bounded

),

split as (

    select * from single_day
    union all
    select * from multi_day

)

select * from split
where state_seconds > 0
