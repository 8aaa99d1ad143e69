-- One row per contact date x queue x team x agent x complaint category with handled contacts and
-- complaints, the app-facing complaint rollup. Rate per 1,000 handled = 1000 x sum(complaints) /
-- sum(handled_contacts) over any slice; handled contacts carry category '(all)' (they have no
-- category), so the rate by category divides the category's complaints by the slice's handled
-- contacts: sum complaints over rows of the category, handled over all rows.
-- Complaints are the complaint cases of the contacts (fct_contacts.complaint_cases on the
-- contact date - the semantic complaint_rate), escalations/resolution/open from fct_cases.
-- Keys may be null (unhandled contact: no agent or team).
--
-- Incremental by contact_date (macros/reprocess_window.sql), like rpt_customer_daily: a run
-- recomputes the days of its window from the contacts of those days and the complaint cases
-- about them (the orchestrator's window reaches back to the contact day of every case it loads,
-- and no column used here depends on the as-of date). Rebuilt whole, it read every contact of
-- the history on every run.
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='contact_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': true},
) }}
with

contacts as (

    select * from {{ ref('fct_contacts') }}
    where {{ window_filter('contact_date') }}

),

cases as (

    select * from {{ ref('fct_cases') }}
    where is_complaint and contact_date is not null
        and {{ window_filter('contact_date') }}

),

handled as (

    select
        contact_date,
        queue_id,
        team_id,
        agent_id,
        '(all)' as category,
        sum(case when is_handled then 1 else 0 end) as handled_contacts,
        0 as complaints,
        0 as escalated_complaints,
        0 as closed_complaints,
        cast(0 as double) as hours_to_resolve_sum,
        0 as open_complaints
    from contacts
    group by contact_date, queue_id, team_id, agent_id

),

complaints as (

    select
        contact_date,
        queue_id,
        team_id,
        agent_id,
        category,
        0 as handled_contacts,
        count(*) as complaints,
        sum(case when is_escalated then 1 else 0 end) as escalated_complaints,
        sum(case when closed_at is not null then 1 else 0 end) as closed_complaints,
        sum(coalesce(hours_to_resolve, 0)) as hours_to_resolve_sum,
        sum(case when is_open then 1 else 0 end) as open_complaints
    from cases
    group by contact_date, queue_id, team_id, agent_id, category

),

unioned as (

    select * from handled
    union all
    select * from complaints

)

select
    contact_date,
    queue_id,
    team_id,
    agent_id,
    category,
    cast(sum(handled_contacts) as bigint) as handled_contacts,
    cast(sum(complaints) as bigint) as complaints,
    cast(sum(escalated_complaints) as bigint) as escalated_complaints,
    cast(sum(closed_complaints) as bigint) as closed_complaints,
    cast(sum(hours_to_resolve_sum) as double) as hours_to_resolve_sum,
    cast(sum(open_complaints) as bigint) as open_complaints
from unioned
group by contact_date, queue_id, team_id, agent_id, category
