-- rpt_customer_daily sums equal fct_contacts' and fct_survey_responses' totals (surveys about
-- a known contact). Returns a row when they disagree. An incremental run checks the days it
-- recomputed (tested_days).
with

window_contacts as (

    select * from {{ ref('fct_contacts') }}
    where {{ tested_days('contact_date') }}

),

daily as (

    select
        sum(contacts) as contacts,
        sum(handled_contacts) as handled_contacts,
        sum(fcr_contacts) as fcr_contacts,
        sum(fcr_resolved_contacts) as fcr_resolved_contacts,
        sum(sales_contacts) as sales_contacts,
        sum(converted_sales_contacts) as converted_sales_contacts,
        sum(complaint_cases) as complaint_cases,
        sum(surveys_sent) as surveys_sent,
        sum(csat_responses) as csat_responses
    from {{ ref('rpt_customer_daily') }}
    where {{ tested_days('contact_date') }}

),

contacts as (

    select
        count(*) as contacts,
        sum(case when is_handled then 1 else 0 end) as handled_contacts,
        sum(case when is_fcr_eligible and is_fcr_window_complete then 1 else 0 end) as fcr_contacts,
        sum(case when is_resolved_first_contact then 1 else 0 end) as fcr_resolved_contacts,
        sum(case when is_handled and is_sales_contact then 1 else 0 end) as sales_contacts,
        sum(case when is_handled and is_sales_contact and has_order_within_window then 1 else 0 end)
            as converted_sales_contacts,
        sum(complaint_cases) as complaint_cases
    from window_contacts

),

surveys as (

    select
        count(*) as surveys_sent,
        count(surveys.csat) as csat_responses
    from {{ ref('fct_survey_responses') }} as surveys
    inner join window_contacts as contacts
        on surveys.contact_id = contacts.contact_id

)

select *
from daily
cross join contacts
cross join surveys
where coalesce(daily.contacts, 0) <> contacts.contacts
    or coalesce(daily.handled_contacts, 0) <> coalesce(contacts.handled_contacts, 0)
    or coalesce(daily.fcr_contacts, 0) <> coalesce(contacts.fcr_contacts, 0)
    or coalesce(daily.fcr_resolved_contacts, 0) <> coalesce(contacts.fcr_resolved_contacts, 0)
    or coalesce(daily.sales_contacts, 0) <> coalesce(contacts.sales_contacts, 0)
    or coalesce(daily.converted_sales_contacts, 0) <> coalesce(contacts.converted_sales_contacts, 0)
    or coalesce(daily.complaint_cases, 0) <> coalesce(contacts.complaint_cases, 0)
    or coalesce(daily.surveys_sent, 0) <> surveys.surveys_sent
    or coalesce(daily.csat_responses, 0) <> surveys.csat_responses
