-- One row per CRM case (crm/cases) attributed to the contact that opened it (fct_contacts:
-- queue, handling agent, the agent's team, contact date), with resolution:
--   * hours_to_resolve: closed_at - opened_at in hours, for closed cases.
--   * is_open: status open or pending; opened_date: the local date of the contact's site when
--     the contact is known, else in var default_timezone.
-- Cases without a contact (or whose contact is unknown to the ACD) keep null queue/agent/team.
-- How old the open cases are (as of the supervision as-of date) is fct_open_cases: an age moves
-- every day, a case's facts only when the case or its contact is re-delivered.
--
-- Incremental by opened_date (macros/reprocess_window.sql): a run recomputes the cases opened
-- from its window on (a day of slack on the UTC date; the output keeps opened_date >= the
-- window). A re-delivered case moves the window back to its own and its contact's day
-- (orchestration/lib/incremental.py), and a case is opened after its contact starts, so a
-- corrected contact's cases are in its window too.
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='opened_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': true},
) }}
with

cases as (

    select * from {{ ref('stg_crm__cases') }}
    where {{ window_filter('cast(opened_at as date)', 1) }}

),

contacts as (

    select * from {{ ref('fct_contacts') }}
    where contact_id in (select contact_id from cases)  -- the cases' contacts only

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
        ) as opened_date
    from cases as c
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
    end as hours_to_resolve
from joined
where {{ window_filter('opened_date') }}
