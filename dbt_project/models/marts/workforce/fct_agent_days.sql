-- One row per agent x local day with any activity: a handled segment, logged-in state time, a
-- scheduled activity, a timesheet, or an approved leave day. The day is local to the agent's
-- site (int_agents_located). Team, supervisor and site are the roster's as of that day
-- (int_agent_team_history), so a team's history does not move when an agent transfers.
-- Only additive seconds and counts live here; ratios are computed from sums (rpt_agent_daily,
-- docs/metrics.md "Agent and workforce metrics").
-- Attribution: handled segments and their talk/hold/ACW count on the local day of answer;
-- agent-state and schedule time is split at local midnight.
-- Incremental by activity_date (macros/reprocess_window.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='activity_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}
{%- set reasons = agent_interval_aux_reasons() %}
{%- set activities = agent_interval_activities() %}
{%- set planned_activities = ['break', 'lunch', 'training', 'meeting', 'coaching'] %}
with

segments as (

    select * from {{ ref('int_segments_enriched') }}
    where is_answered and agent_id is not null
        and {{ window_filter('interval_date', slack_days=1) }}

),

agents as (

    select * from {{ ref('int_agents_located') }}

),

states as (

    select * from {{ ref('int_agent_states_split_to_days') }}
    where {{ window_filter('activity_date') }}

),

adherence_ranges as (

    select * from {{ ref('int_schedules_matched_to_states') }}
    where {{ window_filter('activity_date') }}

),

leave_days as (

    select * from {{ ref('int_agent_leave_days') }}

),

timesheets as (

    select * from {{ ref('stg_hr__timesheets') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

roster as (

    select * from {{ ref('stg_hr__agents') }}

),

hire_dates as (

    -- hire date of the latest roster snapshot per agent
    select
        agent_id,
        hire_date
    from (
        select
            agent_id,
            hire_date,
            row_number() over (partition by agent_id order by snapshot_date desc) as snapshot_rank
        from roster
    ) as ranked
    where snapshot_rank = 1

),

handled as (

    select
        segments.agent_id,
        cast({{ to_local_timestamp('segments.answered_at', 'agents.site_timezone') }} as date) as activity_date,
        count(*) as handled,
        sum(segments.talk_seconds) as talk_seconds,
        sum(segments.hold_seconds) as hold_seconds,
        sum(segments.acw_seconds) as acw_seconds,
        sum(segments.handle_seconds) as handle_seconds,
        sum(case when segments.is_transferred then 1 else 0 end) as transfers,
        sum(segments.hold_count) as holds
    from segments
    inner join agents
        on segments.agent_id = agents.agent_id
    group by
        segments.agent_id,
        cast({{ to_local_timestamp('segments.answered_at', 'agents.site_timezone') }} as date)

),

state_days as (

    select
        agent_id,
        activity_date,
        {{ agent_state_seconds_sums('state_seconds') }},
        min(piece_started_at) as first_logged_in_at
    from states
    group by agent_id, activity_date

),

schedule_days as (

    select
        agent_id,
        activity_date,
        {{ agent_schedule_seconds_sums('range_seconds') }},
        min(case when range_kind = 'scheduled' and activity <> 'off' then starts_at end) as first_scheduled_at
    from adherence_ranges
    group by agent_id, activity_date

),

timesheet_days as (

    select
        agent_id,
        work_date as activity_date,
        cast(round(hours_worked * 3600) as bigint) as timesheet_paid_seconds
    from timesheets

),

agent_days as (

    select agent_id, activity_date from handled
    union
    select agent_id, activity_date from state_days
    union
    select agent_id, activity_date from schedule_days
    union
    select agent_id, activity_date from timesheet_days
    union
    select agent_id, leave_date as activity_date from leave_days

),

joined as (

    select
        agent_days.agent_id,
        agent_days.activity_date,
        history.team_id,
        history.supervisor_id,
        coalesce(history.site_id, agents.site_id) as site_id,
        agents.site_timezone,
        {{ tenure_band('hire_dates.hire_date', 'agent_days.activity_date') }} as tenure_band,
        coalesce(handled.handled, 0) as handled,
        coalesce(handled.talk_seconds, 0) as talk_seconds,
        coalesce(handled.hold_seconds, 0) as hold_seconds,
        coalesce(handled.acw_seconds, 0) as acw_seconds,
        coalesce(handled.handle_seconds, 0) as handle_seconds,
        coalesce(handled.transfers, 0) as transfers,
        coalesce(handled.holds, 0) as holds,
        coalesce(state_days.available_seconds, 0) as available_seconds,
        coalesce(state_days.on_contact_seconds, 0) as on_contact_seconds,
        coalesce(state_days.acw_state_seconds, 0) as acw_state_seconds,
        coalesce(state_days.aux_seconds, 0) as aux_seconds,
        {%- for reason in reasons %}
        coalesce(state_days.aux_{{ reason }}_seconds, 0) as aux_{{ reason }}_seconds,
        {%- endfor %}
        coalesce(state_days.logged_in_seconds, 0) as logged_in_seconds,
        state_days.first_logged_in_at,
        {%- for activity in activities %}
        coalesce(schedule_days.scheduled_{{ activity }}_seconds, 0) as scheduled_{{ activity }}_seconds,
        {%- endfor %}
        coalesce(schedule_days.scheduled_work_seconds, 0) as scheduled_work_seconds,
        coalesce(schedule_days.adherent_seconds, 0) as adherent_seconds,
        coalesce(schedule_days.adherence_forgiven_seconds, 0) as adherence_forgiven_seconds,
        coalesce(schedule_days.scheduled_off_seconds, 0) - coalesce(schedule_days.off_logged_in_seconds, 0)
            as off_adherent_seconds,
        schedule_days.first_scheduled_at,
        timesheet_days.timesheet_paid_seconds,
        leave_days.agent_id is not null as is_on_approved_leave,
        coalesce(leave_days.is_planned, false) as is_planned_leave,
        leave_days.leave_type,
        -- weekday of the local date: 0 = Sunday ... 6 = Saturday
        cast(extract(dow from agent_days.activity_date) as integer) as day_of_week
    from agent_days
    inner join agents
        on agent_days.agent_id = agents.agent_id
    left join handled
        on agent_days.agent_id = handled.agent_id
        and agent_days.activity_date = handled.activity_date
    left join state_days
        on agent_days.agent_id = state_days.agent_id
        and agent_days.activity_date = state_days.activity_date
    left join schedule_days
        on agent_days.agent_id = schedule_days.agent_id
        and agent_days.activity_date = schedule_days.activity_date
    left join timesheet_days
        on agent_days.agent_id = timesheet_days.agent_id
        and agent_days.activity_date = timesheet_days.activity_date
    left join leave_days
        on agent_days.agent_id = leave_days.agent_id
        and agent_days.activity_date = leave_days.leave_date
    left join hire_dates
        on agent_days.agent_id = hire_dates.agent_id
    left join history
        on agent_days.agent_id = history.agent_id
        and agent_days.activity_date >= history.valid_from
        and agent_days.activity_date < history.valid_to

),

shrinkage as (

    -- Shrinkage (docs/metrics.md): every second of the base is either available for contacts
    -- or in exactly one shrinkage bucket.
    --   leave_seconds: on a day of approved leave without any logged-in time, the scheduled
    --     working seconds of the day, else (nothing scheduled) var('leave_day_seconds'), on
    --     weekends only when var('leave_counts_weekends').
    --   absence_seconds: scheduled working seconds of a day without logged-in time and without
    --     approved leave (unexcused absence).
    --   on days with logged-in time: planned = scheduled break/lunch/training/meeting/coaching;
    --     unplanned = late login (first login after the first scheduled working activity, capped
    --     at the scheduled time left) + aux personal and system (unscheduled aux).
    select
        *,
        case
            when not is_on_approved_leave or logged_in_seconds > 0 then 0
            when scheduled_work_seconds > 0 then scheduled_work_seconds
            when {{ 'true' if var('leave_counts_weekends') else 'day_of_week not in (0, 6)' }}
                then {{ var('leave_day_seconds') }}
            else 0
        end as leave_seconds,
        case
            when not is_on_approved_leave and logged_in_seconds = 0 then scheduled_work_seconds
            else 0
        end as absence_seconds,
        case
            when logged_in_seconds > 0 and first_scheduled_at is not null
                and first_logged_in_at > first_scheduled_at
                -- capped at the scheduled on-queue time: a late start into a scheduled
                -- training or break is already planned shrinkage, not counted twice
                then least(
                    {{ seconds_between('first_scheduled_at', 'first_logged_in_at') }},
                    scheduled_on_queue_seconds
                )
            else 0
        end as late_login_seconds,
        case
            when logged_in_seconds > 0
                then {% for activity in planned_activities %}scheduled_{{ activity }}_seconds{% if not loop.last %} + {% endif %}{% endfor %}
            else 0
        end as planned_activity_seconds,
        case
            when logged_in_seconds > 0 then aux_personal_seconds + aux_system_seconds
            else 0
        end as unscheduled_aux_seconds
    from joined

),

final as (

    select
        -- keys
        cast(agent_id as string) as agent_id,
        cast(activity_date as date) as activity_date,
        cast(team_id as string) as team_id,
        cast(supervisor_id as string) as supervisor_id,
        cast(site_id as string) as site_id,
        cast(site_timezone as string) as site_timezone,
        cast(tenure_band as string) as tenure_band,
        -- handled contacts (day of answer)
        cast(handled as bigint) as handled,
        cast(talk_seconds as bigint) as talk_seconds,
        cast(hold_seconds as bigint) as hold_seconds,
        cast(acw_seconds as bigint) as acw_seconds,
        cast(handle_seconds as bigint) as handle_seconds,
        cast(transfers as bigint) as transfers,
        cast(holds as bigint) as holds,
        -- agent-state time (split at local midnight)
        cast(available_seconds as bigint) as available_seconds,
        cast(on_contact_seconds as bigint) as on_contact_seconds,
        cast(acw_state_seconds as bigint) as acw_state_seconds,
        cast(aux_seconds as bigint) as aux_seconds,
        {%- for reason in reasons %}
        cast(aux_{{ reason }}_seconds as bigint) as aux_{{ reason }}_seconds,
        {%- endfor %}
        cast(logged_in_seconds as bigint) as logged_in_seconds,
        cast(available_seconds + on_contact_seconds + acw_state_seconds as bigint) as on_queue_seconds,
        cast(first_logged_in_at as timestamp) as first_logged_in_at,
        -- schedule and adherence
        {%- for activity in activities %}
        cast(scheduled_{{ activity }}_seconds as bigint) as scheduled_{{ activity }}_seconds,
        {%- endfor %}
        cast(scheduled_work_seconds as bigint) as scheduled_work_seconds,
        cast(adherent_seconds as bigint) as adherent_seconds,
        cast(adherence_forgiven_seconds as bigint) as adherence_forgiven_seconds,
        cast(off_adherent_seconds as bigint) as off_adherent_seconds,
        cast(first_scheduled_at as timestamp) as first_scheduled_at,
        -- paid time and leave
        cast(timesheet_paid_seconds as bigint) as timesheet_paid_seconds,
        cast(is_on_approved_leave as boolean) as is_on_approved_leave,
        cast(is_planned_leave as boolean) as is_planned_leave,
        cast(leave_type as string) as leave_type,
        -- shrinkage (seconds of shrinkage_base_seconds)
        cast(case when is_planned_leave then leave_seconds else 0 end as bigint) as planned_leave_seconds,
        cast(case when is_planned_leave then 0 else leave_seconds end as bigint) as unplanned_leave_seconds,
        cast(absence_seconds as bigint) as absence_seconds,
        cast(late_login_seconds as bigint) as late_login_seconds,
        cast(planned_activity_seconds as bigint) as planned_activity_seconds,
        cast(unscheduled_aux_seconds as bigint) as unscheduled_aux_seconds,
        cast(
            planned_activity_seconds + case when is_planned_leave then leave_seconds else 0 end
            as bigint
        ) as planned_shrinkage_seconds,
        cast(
            case when is_planned_leave then 0 else leave_seconds end
            + absence_seconds + late_login_seconds + unscheduled_aux_seconds
            as bigint
        ) as unplanned_shrinkage_seconds,
        cast(
            scheduled_work_seconds + case when scheduled_work_seconds = 0 then leave_seconds else 0 end
            as bigint
        ) as shrinkage_base_seconds

    from shrinkage

)

select * from final
where {{ window_filter('activity_date') }}
