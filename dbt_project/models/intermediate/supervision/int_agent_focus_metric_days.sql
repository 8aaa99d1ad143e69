-- One row per agent x local day x coaching focus metric with the metric's additive numerator and
-- denominator, so any window's value is sum(numerator) / sum(denominator) - the same
-- definitions (and variant vars) as the semantic-layer metric of that name:
--   average_handle_time           handle_seconds / handled            (fct_agent_days, day of answer)
--   transfer_rate                 transfers / handled                 (fct_agent_days)
--   adherence                     adherent / scheduled working secs   (fct_agent_days; var adherence_includes_off)
--   qa_score                      sum(score_pct) / scored evaluations (fct_qa_evaluations, activity date; mean of evaluations)
--   csat_score                    sum(csat) / csat responses          (fct_survey_responses, sent date)
--   first_contact_resolution_rate resolved / eligible, window complete (fct_contacts, contact date)
--   sales_conversion_rate         converted / handled sales contacts   (fct_contacts, contact date)
-- Rows with a zero denominator are dropped (they add nothing to any window).
-- Units as the semantic layer: seconds, fractions 0-1, QA in percent, CSAT 1-5.
-- A table, not a view: read twice and tested, and it aggregates the big facts; a view would be recomputed by each of them.
{{ config(materialized='table') }}
with

agent_days as (

    select * from {{ ref('fct_agent_days') }}

),

evaluations as (

    select * from {{ ref('fct_qa_evaluations') }}

),

surveys as (

    select * from {{ ref('fct_survey_responses') }}

),

contacts as (

    select * from {{ ref('fct_contacts') }}

),

unioned as (

    select agent_id, activity_date as metric_date, 'average_handle_time' as focus_metric,
        cast(handle_seconds as double) as numerator, cast(handled as double) as denominator
    from agent_days

    union all

    select agent_id, activity_date, 'transfer_rate',
        cast(transfers as double), cast(handled as double)
    from agent_days

    union all

    select agent_id, activity_date, 'adherence',
        {% if var('adherence_includes_off') -%}
        cast(adherent_seconds + off_adherent_seconds as double),
        cast(scheduled_work_seconds + scheduled_off_seconds as double)
        {%- else -%}
        cast(adherent_seconds as double), cast(scheduled_work_seconds as double)
        {%- endif %}
    from agent_days

    union all

    select agent_id, activity_date, 'qa_score',
        sum(case when is_scored then coalesce(score_pct, 0) else 0 end),
        sum(case when is_scored then 1.0 else 0.0 end)
    from evaluations
    group by agent_id, activity_date

    union all

    select agent_id, sent_date, 'csat_score',
        cast(sum(csat) as double), cast(count(csat) as double)
    from surveys
    where agent_id is not null
    group by agent_id, sent_date

    union all

    select agent_id, contact_date, 'first_contact_resolution_rate',
        sum(case when is_resolved_first_contact then 1.0 else 0.0 end),
        sum(case when is_fcr_eligible and is_fcr_window_complete then 1.0 else 0.0 end)
    from contacts
    where agent_id is not null
    group by agent_id, contact_date

    union all

    select agent_id, contact_date, 'sales_conversion_rate',
        sum(case when is_handled and is_sales_contact and has_order_within_window then 1.0 else 0.0 end),
        sum(case when is_handled and is_sales_contact then 1.0 else 0.0 end)
    from contacts
    where agent_id is not null
    group by agent_id, contact_date

)

select
    agent_id,
    metric_date,
    focus_metric,
    sum(numerator) as numerator,
    sum(denominator) as denominator
from unioned
where agent_id is not null and metric_date is not null
group by agent_id, metric_date, focus_metric
having sum(denominator) > 0
