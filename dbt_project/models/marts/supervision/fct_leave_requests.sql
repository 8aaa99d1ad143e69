-- One row per leave request (hr/leave_requests) with its impact on scheduled staffing:
--   * requested_on_queue_hours: the requester's scheduled on-queue hours (fct_agent_days
--     scheduled_on_queue_seconds) on the leave days - the staffing that goes if it is granted
--     (0 when the schedule for those days is not published yet, or was already cleared).
--   * team_on_queue_hours: the whole team's scheduled on-queue hours on the same days, and
--     impact_share = requested / team (the share of the team's planned queue time lost).
--   * team / supervisor: the roster's on the first leave day, else the current roster.
--   * decision_hours: requested_at -> decided_at.
with

requests as (

    select * from {{ ref('stg_hr__leave_requests') }}

),

agent_days as (

    select * from {{ ref('fct_agent_days') }}

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

located as (

    select
        r.*,
        coalesce(h.team_id, a.team_id) as team_id,
        coalesce(h.supervisor_id, a.supervisor_id) as supervisor_id
    from requests as r
    left join history as h
        on h.agent_id = r.agent_id
        and r.starts_on >= h.valid_from
        and r.starts_on < h.valid_to
    left join agents as a
        on a.agent_id = r.agent_id

),

own_schedule as (

    select
        l.request_id,
        sum(d.scheduled_on_queue_seconds) as seconds
    from located as l
    inner join agent_days as d
        on d.agent_id = l.agent_id
        and d.activity_date between l.starts_on and l.ends_on
    group by l.request_id

),

team_schedule as (

    select
        l.request_id,
        sum(d.scheduled_on_queue_seconds) as seconds
    from located as l
    inner join agent_days as d
        on d.team_id = l.team_id
        and d.activity_date between l.starts_on and l.ends_on
    group by l.request_id

)

select
    l.request_id,
    l.agent_id,
    l.team_id,
    l.supervisor_id,
    l.leave_type,
    l.status,
    l.status = 'pending' as is_pending,
    l.starts_on,
    l.ends_on,
    cast({{ dbt.datediff('l.starts_on', 'l.ends_on', 'day') }} + 1 as bigint) as leave_days,
    l.requested_at,
    l.decided_at,
    l.decided_by,
    case
        when l.decided_at is not null
        then cast({{ dbt.datediff('l.requested_at', 'l.decided_at', 'second') }} / 3600.0 as double)
    end as decision_hours,
    cast({{ dbt.datediff('cast(l.requested_at as date)', 'o.as_of_date', 'day') }} as bigint) as days_since_request,
    cast(coalesce(s.seconds, 0) / 3600.0 as double) as requested_on_queue_hours,
    cast(coalesce(t.seconds, 0) / 3600.0 as double) as team_on_queue_hours,
    cast({{ safe_ratio('coalesce(s.seconds, 0)', 't.seconds') }} as double) as impact_share,
    o.as_of_date
from located as l
cross join as_of as o
left join own_schedule as s on s.request_id = l.request_id
left join team_schedule as t on t.request_id = l.request_id
