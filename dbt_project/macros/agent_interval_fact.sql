{#- The body of fct_agent_intervals_15m (and, summed from it, fct_agent_intervals; see
    agent_interval_rollup.sql): one row per agent x interval of `minutes` with any activity
    (sparse: no spine), local to the agent's site.
      * handled, talk/hold/ACW/handle seconds, transfers, holds: interval of answer;
      * agent-state seconds (by state and aux reason): `state_intervals`, the agent states
        already split at local midnight and cut at the interval boundaries
        (agent_state_intervals below, model int_agent_state_intervals_15m);
      * scheduled seconds by activity and adherent/forgiven/off-adherent seconds:
        `schedule_intervals`, the adherence ranges of int_schedules_matched_to_states cut the
        same way (agent_schedule_intervals, model int_agent_schedule_intervals_15m), so a day's
        intervals add up to the agent-day fact exactly.
    Team, supervisor and site are the roster's on the interval's local date.
    The relations are passed by the calling model so dbt sees the dependencies. In an incremental
    run the inputs are cut to the reprocessing window (answers from a day before it: a segment's
    interval_date is its queue entry's local date).
    The cut into intervals is a model of its own per input: in one statement with the joins
    below, the three aggregations held memory at once and spilled (10M segments: 90 s in one
    statement, 48 s in three). -#}
{% macro agent_interval_fact(segments, agents, state_intervals, schedule_intervals, history, minutes) -%}
{%- set reasons = agent_interval_aux_reasons() %}
{%- set activities = agent_interval_activities() %}
{#- the window's predicate on the interval tables, set once: they are read twice (below) -#}
{%- set intervals_in_window = window_filter('activity_date') %}
with

segments as (

    select * from {{ segments }}
    where is_answered and agent_id is not null
        and {{ window_filter('interval_date', slack_days=1) }}

),

agents as (

    select * from {{ agents }}

),

state_intervals as (

    select * from {{ state_intervals }}
    where {{ intervals_in_window }}

),

schedule_intervals as (

    select * from {{ schedule_intervals }}
    where {{ intervals_in_window }}

),

history as (

    select * from {{ history }}

),

handled as (

    select
        segments.agent_id,
        cast({{ interval_start('segments.answered_at', minutes) }} as timestamp) as interval_start_utc,
        count(*) as handled,
        sum(segments.talk_seconds) as talk_seconds,
        sum(segments.hold_seconds) as hold_seconds,
        sum(segments.acw_seconds) as acw_seconds,
        sum(segments.handle_seconds) as handle_seconds,
        sum(case when segments.is_transferred then 1 else 0 end) as transfers,
        sum(segments.hold_count) as holds
    from segments
    group by
        segments.agent_id,
        cast({{ interval_start('segments.answered_at', minutes) }} as timestamp)

),

agent_intervals as (

    -- the interval tables are read here for their keys, not through the CTEs above: DuckDB
    -- materializes a CTE read more than once, every column of millions of intervals
    select agent_id, interval_start_utc from handled
    union
    select agent_id, interval_start_utc from {{ state_intervals }}
    where {{ intervals_in_window }}
    union
    select agent_id, interval_start_utc from {{ schedule_intervals }}
    where {{ intervals_in_window }}

),

localized as (

    select
        agent_intervals.agent_id,
        agent_intervals.interval_start_utc,
        {{ to_local_timestamp('agent_intervals.interval_start_utc', 'agents.site_timezone') }} as interval_start_local,
        agents.site_id as located_site_id,
        agents.site_timezone
    from agent_intervals
    inner join agents
        on agent_intervals.agent_id = agents.agent_id

),

final as (

    select
        -- keys
        cast(localized.agent_id as string) as agent_id,
        cast(localized.interval_start_utc as timestamp) as interval_start_utc,
        cast(localized.interval_start_local as timestamp) as interval_start_local,
        cast(localized.interval_start_local as date) as interval_date,
        cast({{ minutes }} as integer) as interval_minutes,
        cast(history.team_id as string) as team_id,
        cast(history.supervisor_id as string) as supervisor_id,
        cast(coalesce(history.site_id, localized.located_site_id) as string) as site_id,
        cast(localized.site_timezone as string) as site_timezone,
        -- handled contacts (interval of answer)
        cast(coalesce(handled.handled, 0) as bigint) as handled,
        cast(coalesce(handled.talk_seconds, 0) as bigint) as talk_seconds,
        cast(coalesce(handled.hold_seconds, 0) as bigint) as hold_seconds,
        cast(coalesce(handled.acw_seconds, 0) as bigint) as acw_seconds,
        cast(coalesce(handled.handle_seconds, 0) as bigint) as handle_seconds,
        cast(coalesce(handled.transfers, 0) as bigint) as transfers,
        cast(coalesce(handled.holds, 0) as bigint) as holds,
        -- agent-state time
        cast(coalesce(state_intervals.available_seconds, 0) as bigint) as available_seconds,
        cast(coalesce(state_intervals.on_contact_seconds, 0) as bigint) as on_contact_seconds,
        cast(coalesce(state_intervals.acw_state_seconds, 0) as bigint) as acw_state_seconds,
        cast(coalesce(state_intervals.aux_seconds, 0) as bigint) as aux_seconds,
        {%- for reason in reasons %}
        cast(coalesce(state_intervals.aux_{{ reason }}_seconds, 0) as bigint) as aux_{{ reason }}_seconds,
        {%- endfor %}
        cast(coalesce(state_intervals.logged_in_seconds, 0) as bigint) as logged_in_seconds,
        cast(
            coalesce(state_intervals.available_seconds, 0)
            + coalesce(state_intervals.on_contact_seconds, 0)
            + coalesce(state_intervals.acw_state_seconds, 0)
            as bigint
        ) as on_queue_seconds,
        -- schedule and adherence
        {%- for activity in activities %}
        cast(coalesce(schedule_intervals.scheduled_{{ activity }}_seconds, 0) as bigint)
            as scheduled_{{ activity }}_seconds,
        {%- endfor %}
        cast(coalesce(schedule_intervals.scheduled_work_seconds, 0) as bigint) as scheduled_work_seconds,
        cast(coalesce(schedule_intervals.adherent_seconds, 0) as bigint) as adherent_seconds,
        cast(coalesce(schedule_intervals.adherence_forgiven_seconds, 0) as bigint) as adherence_forgiven_seconds,
        cast(
            coalesce(schedule_intervals.scheduled_off_seconds, 0) - coalesce(schedule_intervals.off_logged_in_seconds, 0)
            as bigint
        ) as off_adherent_seconds

    from localized
    left join handled
        on localized.agent_id = handled.agent_id
        and localized.interval_start_utc = handled.interval_start_utc
    left join state_intervals
        on localized.agent_id = state_intervals.agent_id
        and localized.interval_start_utc = state_intervals.interval_start_utc
    left join schedule_intervals
        on localized.agent_id = schedule_intervals.agent_id
        and localized.interval_start_utc = schedule_intervals.interval_start_utc
    left join history
        on localized.agent_id = history.agent_id
        and cast(localized.interval_start_local as date) >= history.valid_from
        and cast(localized.interval_start_local as date) < history.valid_to

)

select * from final
where {{ window_filter('interval_date') }}
{%- endmacro %}



{#- Agent-state seconds per agent x local day x interval of `minutes` (by state and aux reason):
    the states already split at local midnight (int_agent_states_split_to_days), cut at the
    interval boundaries (split_to_intervals). -#}
{% macro agent_state_intervals(states, minutes) -%}
with

states as (

    select * from {{ states }}
    where {{ window_filter('activity_date') }}

),

state_pieces as (

    {{ split_to_intervals('states', 'piece_started_at', 'piece_ended_at', minutes) }}

)

select
    agent_id,
    activity_date,
    interval_start_utc,
    {{ agent_state_seconds_sums('interval_seconds') }}
from state_pieces
group by agent_id, activity_date, interval_start_utc
{%- endmacro %}


{#- Scheduled, adherent, forgiven and off-logged-in seconds per agent x local day x interval of
    `minutes`: the adherence ranges (int_schedules_matched_to_states) cut at the interval
    boundaries. -#}
{% macro agent_schedule_intervals(adherence_ranges, minutes) -%}
with

adherence_ranges as (

    select * from {{ adherence_ranges }}
    where {{ window_filter('activity_date') }}

),

adherence_pieces as (

    {{ split_to_intervals('adherence_ranges', 'range_started_at', 'range_ended_at', minutes) }}

)

select
    agent_id,
    activity_date,
    interval_start_utc,
    {{ agent_schedule_seconds_sums('interval_seconds') }}
from adherence_pieces
group by agent_id, activity_date, interval_start_utc
{%- endmacro %}
