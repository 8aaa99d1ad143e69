-- Approved leave (hr/leave_requests with status approved) expanded to one row per agent x
-- leave day (starts_on..ends_on inclusive). A leave day is planned when the request was made
-- at least var('planned_leave_notice_days') days before the leave's first day (date of
-- requested_at, UTC), else unplanned (a same-day sick call approved afterwards is still
-- unplanned shrinkage). Overlapping requests: one row per day, planned if any request is.
with

leave_requests as (

    select * from {{ ref('stg_hr__leave_requests') }}
    where status = 'approved'
        and ends_on >= starts_on

),

day_numbers as (

    {{ dbt.generate_series(var('spine_max_days')) }}

),

expanded as (

    select
        leave_requests.agent_id,
        leave_requests.request_id,
        leave_requests.leave_type,
        cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'leave_requests.starts_on') }} as date)
            as leave_date,
        case
            when {{ dbt.datediff('cast(leave_requests.requested_at as date)', 'leave_requests.starts_on', 'day') }}
                >= {{ var('planned_leave_notice_days') }}
                then 1
            else 0
        end as is_planned_number
    from leave_requests
    inner join day_numbers
        on day_numbers.generated_number - 1
        <= {{ dbt.datediff('leave_requests.starts_on', 'leave_requests.ends_on', 'day') }}

),

leave_days as (

    select
        agent_id,
        leave_date,
        min(leave_type) as leave_type,
        min(request_id) as request_id,
        max(is_planned_number) = 1 as is_planned
    from expanded
    group by agent_id, leave_date

)

select * from leave_days
