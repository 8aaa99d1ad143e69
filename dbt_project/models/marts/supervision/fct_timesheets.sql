-- One row per agent x work date timesheet (hr/timesheets) with approval state and weekly hours:
--   * approval_status: not_submitted (no submitted_at) | pending (submitted, not approved) |
--     approved. waiting_days = as-of date - submission date, for pending ones.
--   * week_start: ISO week (Monday) of the work date; week_hours = the agent's paid hours in
--     that week; is_week_over_limit when week_hours > weekly_hours_limit (40).
--   * team / supervisor: the roster's on the work date (who approves), else the current roster.
with

timesheets as (

    select * from {{ ref('stg_hr__timesheets') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

as_of as (

    select {{ supervision_as_of_date() }} as as_of_date

),

joined as (

    select
        t.agent_id,
        t.work_date,
        cast({{ dbt.date_trunc('week', 't.work_date') }} as date) as week_start,
        coalesce(h.team_id, a.team_id) as team_id,
        coalesce(h.supervisor_id, a.supervisor_id) as supervisor_id,
        t.hours_worked,
        t.overtime_hours,
        t.submitted_at,
        t.approved_at,
        t.approved_by,
        o.as_of_date
    from timesheets as t
    cross join as_of as o
    left join history as h
        on h.agent_id = t.agent_id
        and t.work_date >= h.valid_from
        and t.work_date < h.valid_to
    left join agents as a
        on a.agent_id = t.agent_id

)

select
    agent_id,
    work_date,
    week_start,
    team_id,
    supervisor_id,
    cast(hours_worked as double) as hours_worked,
    cast(overtime_hours as double) as overtime_hours,
    overtime_hours > 0 as has_overtime,
    submitted_at,
    approved_at,
    approved_by,
    case
        when approved_at is not null then 'approved'
        when submitted_at is null then 'not_submitted'
        else 'pending'
    end as approval_status,
    case
        when approved_at is null and submitted_at is not null
        then cast({{ dbt.datediff('cast(submitted_at as date)', 'as_of_date', 'day') }} as bigint)
    end as waiting_days,
    cast(sum(hours_worked) over (partition by agent_id, week_start) as double) as week_hours,
    sum(hours_worked) over (partition by agent_id, week_start) > {{ var('weekly_hours_limit', 40) }} as is_week_over_limit,
    as_of_date
from joined
