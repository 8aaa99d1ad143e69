-- App-facing rollup: one row per queue x local day of the customer metrics. Grain follows
-- fct_contacts: queue_id is the contact's handling queue (last answered segment, else last
-- queue entered) and contact_date the local date of its first queue entry. Surveys and
-- complaint cases count on the day/queue of the contact they are about. Every ratio is
-- computed from the sums here with safe_ratio (null when the denominator is 0).
--
-- Incremental by contact_date (macros/reprocess_window.sql): a run recomputes the days of its
-- window from the contacts of those days and the surveys about them (the orchestrator's window
-- reaches back to the contact day of every survey, case and order it loads).
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

surveys as (

    select * from {{ ref('fct_survey_responses') }}

),

contact_sums as (

    select
        queue_id,
        contact_date,
        site_timezone,
        count(*) as contacts,
        sum(case when is_handled then 1 else 0 end) as handled_contacts,
        -- repeat-contact FCR
        sum(case when is_fcr_eligible and is_fcr_window_complete then 1 else 0 end) as fcr_contacts,
        sum(case when is_resolved_first_contact then 1 else 0 end) as fcr_resolved_contacts,
        sum(case when is_handled and not has_customer_key then 1 else 0 end) as fcr_unidentified_contacts,
        sum(case when is_fcr_eligible and not is_fcr_window_complete then 1 else 0 end)
            as fcr_window_incomplete_contacts,
        -- sales
        sum(case when is_handled and is_sales_contact then 1 else 0 end) as sales_contacts,
        sum(case when is_handled and is_sales_contact and has_order_within_window then 1 else 0 end)
            as converted_sales_contacts,
        sum(case when is_handled and is_sales_contact then order_amount else 0 end) as sales_revenue,
        count(distinct case when is_handled and is_sales_contact then order_currency end)
            as sales_currency_count,
        max(case when is_handled and is_sales_contact then order_currency end) as sales_currency,
        -- complaints
        sum(complaint_cases) as complaint_cases
    from contacts
    group by queue_id, contact_date, site_timezone

),

survey_sums as (

    select
        contacts.queue_id,
        contacts.contact_date,
        count(*) as surveys_sent,
        sum(case when surveys.is_responded then 1 else 0 end) as surveys_responded,
        count(surveys.csat) as csat_responses,
        sum(surveys.csat) as csat_sum,
        sum(case when surveys.is_csat_top2box then 1 else 0 end) as csat_top2box_responses,
        count(surveys.nps) as nps_responses,
        sum(case when surveys.is_promoter then 1 else 0 end) as nps_promoters,
        sum(case when surveys.is_detractor then 1 else 0 end) as nps_detractors,
        count(surveys.is_resolved) as resolution_answers,
        sum(case when surveys.is_resolved then 1 else 0 end) as resolved_yes_answers
    from surveys
    inner join contacts
        on surveys.contact_id = contacts.contact_id
    group by contacts.queue_id, contacts.contact_date

),

final as (

    select
        -- keys
        cast(contact_sums.queue_id as {{ dbt.type_string() }}) as queue_id,
        cast(contact_sums.contact_date as date) as contact_date,
        cast(contact_sums.site_timezone as {{ dbt.type_string() }}) as site_timezone,
        -- contacts
        cast(contact_sums.contacts as bigint) as contacts,
        cast(contact_sums.handled_contacts as bigint) as handled_contacts,
        -- first-contact resolution, repeat contact
        cast(contact_sums.fcr_contacts as bigint) as fcr_contacts,
        cast(contact_sums.fcr_resolved_contacts as bigint) as fcr_resolved_contacts,
        cast(contact_sums.fcr_unidentified_contacts as bigint) as fcr_unidentified_contacts,
        cast(contact_sums.fcr_window_incomplete_contacts as bigint) as fcr_window_incomplete_contacts,
        {{ safe_ratio('contact_sums.fcr_resolved_contacts', 'contact_sums.fcr_contacts') }} as fcr_rate,
        -- surveys
        cast(coalesce(survey_sums.surveys_sent, 0) as bigint) as surveys_sent,
        cast(coalesce(survey_sums.surveys_responded, 0) as bigint) as surveys_responded,
        cast(coalesce(survey_sums.csat_responses, 0) as bigint) as csat_responses,
        cast(coalesce(survey_sums.csat_sum, 0) as bigint) as csat_sum,
        cast(coalesce(survey_sums.csat_top2box_responses, 0) as bigint) as csat_top2box_responses,
        cast(coalesce(survey_sums.nps_responses, 0) as bigint) as nps_responses,
        cast(coalesce(survey_sums.nps_promoters, 0) as bigint) as nps_promoters,
        cast(coalesce(survey_sums.nps_detractors, 0) as bigint) as nps_detractors,
        cast(coalesce(survey_sums.resolution_answers, 0) as bigint) as resolution_answers,
        cast(coalesce(survey_sums.resolved_yes_answers, 0) as bigint) as resolved_yes_answers,
        {{ safe_ratio('survey_sums.surveys_responded', 'survey_sums.surveys_sent') }} as survey_response_rate,
        {{ safe_ratio('survey_sums.csat_sum', 'survey_sums.csat_responses') }} as csat_mean,
        {{ safe_ratio('survey_sums.csat_top2box_responses', 'survey_sums.csat_responses') }} as csat_top2box_rate,
        100 * {{ safe_ratio('survey_sums.nps_promoters - survey_sums.nps_detractors', 'survey_sums.nps_responses') }}
            as nps,
        {{ safe_ratio('survey_sums.resolved_yes_answers', 'survey_sums.resolution_answers') }} as fcr_survey_rate,
        -- sales
        cast(contact_sums.sales_contacts as bigint) as sales_contacts,
        cast(contact_sums.converted_sales_contacts as bigint) as converted_sales_contacts,
        cast(contact_sums.sales_revenue as double) as sales_revenue,
        cast(
            case when contact_sums.sales_currency_count > 1 then 'mixed' else contact_sums.sales_currency end
            as {{ dbt.type_string() }}
        ) as sales_currency,
        {{ safe_ratio('contact_sums.converted_sales_contacts', 'contact_sums.sales_contacts') }}
            as sales_conversion_rate,
        {{ safe_ratio('contact_sums.sales_revenue', 'contact_sums.sales_contacts') }}
            as revenue_per_sales_contact,
        -- complaints
        cast(contact_sums.complaint_cases as bigint) as complaint_cases,
        1000 * {{ safe_ratio('contact_sums.complaint_cases', 'contact_sums.handled_contacts') }}
            as complaints_per_1000_handled
    from contact_sums
    left join survey_sums
        on contact_sums.queue_id = survey_sums.queue_id
        and contact_sums.contact_date = survey_sums.contact_date

)

select * from final
