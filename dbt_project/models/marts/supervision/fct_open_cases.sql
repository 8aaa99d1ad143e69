-- One row per CRM case open (status open or pending) on the supervision as-of date
-- (macros/supervision_as_of_date.sql), with its age: the complaints a supervisor has to chase.
--   * age_days = as-of date - opened date (fct_cases.opened_date: local date of the contact's
--     site), age_bucket 0-2 / 3-7 / 8-14 / 15-30 / 31+ days.
-- A snapshot rebuilt every run from fct_cases (every age moves daily); only the open cases,
-- so it stays small while the case history grows.
with

open_cases as (

    select * from {{ ref('fct_cases') }}
    where is_open

),

as_of as (

    select {{ supervision_as_of_date() }} as as_of_date

),

aged as (

    select
        o.*,
        a.as_of_date,
        {{ dbt.datediff('o.opened_date', 'a.as_of_date', 'day') }} as age
    from open_cases as o
    cross join as_of as a

)

select
    case_id,
    contact_id,
    queue_id,
    agent_id,
    team_id,
    category,
    is_complaint,
    is_escalated,
    status,
    opened_at,
    opened_date,
    contact_date,
    as_of_date,
    cast(age as bigint) as age_days,
    case
        when age <= 2 then '0-2 days'
        when age <= 7 then '3-7 days'
        when age <= 14 then '8-14 days'
        when age <= 30 then '15-30 days'
        else '31+ days'
    end as age_bucket
from aged
