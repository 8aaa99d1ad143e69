-- One row per survey sent. The survey is tied to the contact's last answered segment (highest
-- segment_seq among answered segments): its queue, and, when the survey export has no agent,
-- its agent. sent_date is local to that queue's site (else var default_timezone). The team is
-- the agent's team on the local day the contact was answered (else the day sent).
--
-- Incremental by sent_date (macros/reprocess_window.sql): a run recomputes the surveys sent
-- from its window on (a day of slack on the UTC date; the output keeps sent_date >= the
-- window). A survey delivered late moves the window back to its contact's day
-- (orchestration/lib/incremental.py), and a survey is sent after its contact.
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='sent_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}
with

surveys as (

    select * from {{ ref('stg_survey__survey_responses') }}
    where {{ window_filter('cast(sent_at as date)', 1) }}

),

-- Only the segments of surveyed contacts are ranked (a semi-join first: most contacts get no
-- survey, and ranking every answered segment of the history is the model's largest cost).
segments as (

    select * from {{ ref('int_segments_enriched') }}
    where contact_id in (select contact_id from surveys)

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

last_answered as (

    select
        contact_id,
        queue_id,
        agent_id,
        site_timezone,
        answered_date,
        row_number() over (
            partition by contact_id order by segment_seq desc, answered_at desc, segment_id desc
        ) as answer_rank
    from segments
    where is_answered

),

joined as (

    select
        surveys.response_id,
        surveys.contact_id,
        coalesce(surveys.agent_id, last_answered.agent_id) as agent_id,
        last_answered.queue_id,
        last_answered.answered_date,
        coalesce(last_answered.site_timezone, '{{ var("default_timezone") }}') as site_timezone,
        surveys.sent_at,
        surveys.responded_at,
        surveys.csat,
        surveys.nps,
        surveys.is_resolved,
        surveys.comment
    from surveys
    left join last_answered
        on surveys.contact_id = last_answered.contact_id
        and last_answered.answer_rank = 1

),

dated as (

    select
        *,
        cast({{ to_local_timestamp('sent_at', 'site_timezone') }} as date) as sent_date
    from joined

),

final as (

    select
        -- ids
        cast(dated.response_id as string) as response_id,
        cast(dated.contact_id as string) as contact_id,
        cast(dated.agent_id as string) as agent_id,
        cast(dated.queue_id as string) as queue_id,
        cast(history.team_id as string) as team_id,
        -- timestamps
        cast(dated.sent_at as timestamp) as sent_at,
        cast(dated.responded_at as timestamp) as responded_at,
        cast(dated.sent_date as date) as sent_date,
        -- answers
        cast(dated.responded_at is not null as boolean) as is_responded,
        cast(dated.csat as bigint) as csat,
        cast(dated.nps as bigint) as nps,
        cast(case when dated.csat is not null then dated.csat >= 4 end as boolean) as is_csat_top2box,
        cast(case when dated.nps is not null then dated.nps >= 9 end as boolean) as is_promoter,
        cast(case when dated.nps is not null then dated.nps <= 6 end as boolean) as is_detractor,
        cast(dated.is_resolved as boolean) as is_resolved,
        cast(dated.comment as string) as comment

    from dated
    left join history
        on dated.agent_id = history.agent_id
        and coalesce(dated.answered_date, dated.sent_date) >= history.valid_from
        and coalesce(dated.answered_date, dated.sent_date) < history.valid_to
    where {{ window_filter('dated.sent_date') }}

)

select * from final
