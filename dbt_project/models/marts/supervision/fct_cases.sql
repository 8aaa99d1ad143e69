-- One row per CRM case (crm/cases) attributed to the contact that opened it (fct_contacts:
-- queue, handling agent, the agent's team, contact date), with resolution and ageing:
--   * hours_to_resolve: closed_at - opened_at in hours, for closed cases.
--   * is_open: status open or pending; age_days = as-of date - opened date (local date of the
--     contact when known, else the UTC date), age_bucket 0-2 / 3-7 / 8-14 / 15-30 / 31+ days.
-- Cases without a contact (or whose contact is unknown to the ACD) keep null queue/agent/team.
with

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

contacts as (

    select * from {{ ref('fct_contacts') }}
    where contact_id in (select contact_id from cases)  -- the cases' contacts only

),

as_of as (

    select {{ supervision_as_of_date() }} as as_of_date

),

joined as (

    select
        c.case_id,
        c.contact_id,
        k.queue_id,
        k.agent_id,
        k.team_id,
        c.category,
        c.is_complaint,
        c.is_escalated,
        c.status,
        c.status in ('open', 'pending') as is_open,
        c.opened_at,
        c.closed_at,
        k.contact_date,
        cast(
            {{ to_local_timestamp('c.opened_at', "coalesce(k.site_timezone, '" ~ var('default_timezone') ~ "')") }}
            as date
        ) as opened_date,
        a.as_of_date
    from cases as c
    cross join as_of as a
    left join contacts as k
        on k.contact_id = c.contact_id

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
    is_open,
    opened_at,
    closed_at,
    opened_date,
    contact_date,
    case
        when closed_at is not null then cast({{ dbt.datediff('opened_at', 'closed_at', 'second') }} / 3600.0 as double)
    end as hours_to_resolve,
    case when is_open then cast({{ dbt.datediff('opened_date', 'as_of_date', 'day') }} as bigint) end as age_days,
    case
        when not is_open then null
        when {{ dbt.datediff('opened_date', 'as_of_date', 'day') }} <= 2 then '0-2 days'
        when {{ dbt.datediff('opened_date', 'as_of_date', 'day') }} <= 7 then '3-7 days'
        when {{ dbt.datediff('opened_date', 'as_of_date', 'day') }} <= 14 then '8-14 days'
        when {{ dbt.datediff('opened_date', 'as_of_date', 'day') }} <= 30 then '15-30 days'
        else '31+ days'
    end as age_bucket,
    as_of_date
from joined
