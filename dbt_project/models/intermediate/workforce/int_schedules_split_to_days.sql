-- Materialized as a table (an exception to the intermediate-views rule): the adherence model
-- and the agent-day fact read it, and as a view each would redo the time-zone conversions.
{{ config(materialized="table") }}

-- Scheduled activities (hr/schedules) split at the agent's local midnights: one row per
-- activity x local day it overlaps, with the scheduled seconds inside that day. The same
-- split as int_agent_states_split_to_days, so schedules and states meet on (agent, local day).
-- The activity's own starts_at/ends_at are kept: adherence tolerance applies at the real
-- activity edges, not at the artificial midnight cut.
with

schedules as (

    select * from {{ ref('stg_hr__schedules') }}
    where ends_at > starts_at

),

agents as (

    select * from {{ ref('int_agents_located') }}

),

day_numbers as (

    {{ dbt.generate_series(var('spine_max_days')) }}

),

localized as (

    select
        schedules.agent_id,
        schedules.activity,
        schedules.starts_at,
        schedules.ends_at,
        agents.site_timezone,
        cast({{ to_local_timestamp('schedules.starts_at', 'agents.site_timezone') }} as date) as first_local_date,
        -- ends_at is exclusive: an activity ending exactly at local midnight stays on its day
        cast({{ to_local_timestamp(dbt.dateadd('second', -1, 'schedules.ends_at'), 'agents.site_timezone') }} as date)
            as last_local_date
    from schedules
    inner join agents
        on schedules.agent_id = agents.agent_id

),

single_day as (

    select
        agent_id,
        first_local_date as activity_date,
        activity,
        site_timezone,
        starts_at,
        ends_at,
        starts_at as piece_started_at,
        ends_at as piece_ended_at,
        {{ seconds_between('starts_at', 'ends_at') }} as scheduled_seconds
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
        activity,
        site_timezone,
        starts_at,
        ends_at,
        greatest(starts_at, day_start_utc) as piece_started_at,
        least(ends_at, next_day_start_utc) as piece_ended_at,
        {{ seconds_between('greatest(starts_at, day_start_utc)', 'least(ends_at, next_day_start_utc)') }}
            as scheduled_seconds
    from bounded

),

split as (

    select * from single_day
    union all
    select * from multi_day

)

select * from split
where scheduled_seconds > 0
