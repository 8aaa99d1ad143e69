-- Every agent id seen in any export (roster, calls, agent states, surveys, schedules,
-- timesheets, leave requests, QA evaluations) with the site and
-- time zone used for the agent's local days:
--   site: the agent's current roster site;
--   time zone: that site's time zone (from the queues of the site), else the time zone of the
--   queue where the agent answered most segments, else var('default_timezone').
-- A table, not a view: read by 11 models and tests, and it scans every export for agent ids; a view would be recomputed by each of them.
{{ config(materialized='table') }}
with

history as (

    select * from {{ ref('int_agent_team_history') }}

),

queues as (

    select * from {{ ref('int_queues_defaulted') }}

),

segments as (

    select * from {{ ref('int_segments_enriched') }}

),

states as (

    select * from {{ ref('stg_acd__agent_states') }}

),

surveys as (

    select * from {{ ref('stg_survey__survey_responses') }}

),

schedules as (

    select * from {{ ref('stg_hr__schedules') }}

),

timesheets as (

    select * from {{ ref('stg_hr__timesheets') }}

),

leave_requests as (

    select * from {{ ref('stg_hr__leave_requests') }}

),

qa_evaluations as (

    select * from {{ ref('stg_hr__qa_evaluations') }}

),

agent_ids as (

    select agent_id from history
    union
    select agent_id from segments where agent_id is not null
    union
    select agent_id from states
    union
    select agent_id from surveys where agent_id is not null
    union
    select agent_id from schedules
    union
    select agent_id from timesheets
    union
    select agent_id from leave_requests
    union
    select agent_id from qa_evaluations

),

site_timezones as (

    select
        site_id,
        max(site_timezone) as site_timezone
    from queues
    where is_configured and site_id is not null
    group by site_id

),

answered_timezones as (

    select
        agent_id,
        site_timezone,
        row_number() over (
            partition by agent_id order by count(*) desc, site_timezone
        ) as timezone_rank
    from segments
    where is_answered and agent_id is not null
    group by agent_id, site_timezone

),

located as (

    select
        agent_ids.agent_id,
        history.site_id,
        coalesce(
            site_timezones.site_timezone,
            answered_timezones.site_timezone,
            '{{ var("default_timezone") }}'
        ) as site_timezone
    from agent_ids
    left join history
        on agent_ids.agent_id = history.agent_id
        and history.is_current
    left join site_timezones
        on history.site_id = site_timezones.site_id
    left join answered_timezones
        on agent_ids.agent_id = answered_timezones.agent_id
        and answered_timezones.timezone_rank = 1

)

select * from located
