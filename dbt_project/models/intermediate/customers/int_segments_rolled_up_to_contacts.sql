-- One row per customer contact (contact_id): the queue segments of a transfer chain rolled up.
--   * customer_key: the contact's CRM customer_id (min over its segments), else its hashed
--     caller phone (min over its segments); null when neither is known;
--   * direction/channel/first_queue_id: of the first segment (lowest segment_seq);
--   * queue_id: the queue of the last answered segment (the handling queue), else of the last
--     segment; site_timezone is that queue's, and contact_date is the local date (in it) of
--     the contact's first queue entry;
--   * agent_id: the last answering agent; answered_date: that answer's local date;
--   * started_at: first queue entry; ended_at: end of the last-ending segment (UTC).
-- A table, incremental by contact_date (macros/reprocess_window.sql): read by the order
-- attribution and by fct_contacts; a run rolls up the segments from a day before its window.
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='contact_date',
    on_schema_change='fail',
) }}
with

segments as (

    select * from {{ ref('int_segments_enriched') }}
    where {{ window_filter('interval_date', slack_days=1) }}

),

queues as (

    select * from {{ ref('int_queues_defaulted') }}

),

ordered as (

    select
        segments.*,
        queues.line_of_business,
        row_number() over (
            partition by segments.contact_id
            order by segments.segment_seq, segments.entered_queue_at, segments.segment_id
        ) as first_rank,
        row_number() over (
            partition by segments.contact_id
            order by segments.segment_seq desc, segments.entered_queue_at desc, segments.segment_id desc
        ) as last_rank,
        case
            when segments.is_answered then row_number() over (
                partition by segments.contact_id, segments.is_answered
                order by segments.segment_seq desc, segments.answered_at desc, segments.segment_id desc
            )
        end as last_answered_rank
    from segments
    inner join queues
        on segments.queue_id = queues.queue_id

),

rolled_up as (

    select
        contact_id,
        count(*) as segment_count,
        min(customer_id) as customer_id,
        min(customer_phone_hash) as customer_phone_hash,
        min(entered_queue_at) as started_at,
        max(ended_at) as ended_at,
        max(case when is_answered then 1 else 0 end) = 1 as is_handled,
        max(case when is_answered and line_of_business = 'sales' then 1 else 0 end) = 1
            as is_sales_contact,
        sum(case when is_answered then 1 else 0 end) as handled_segments,
        sum(case when is_answered and is_transferred then 1 else 0 end) as transfers,
        sum(case when is_abandoned then 1 else 0 end) as abandoned_segments,
        sum(handle_seconds) as handle_seconds
    from ordered
    group by contact_id

),

firsts as (

    select
        contact_id,
        queue_id as first_queue_id,
        direction,
        channel
    from ordered
    where first_rank = 1

),

lasts as (

    select
        contact_id,
        queue_id as last_queue_id,
        outcome as last_outcome
    from ordered
    where last_rank = 1

),

last_answered as (

    select
        contact_id,
        queue_id as handling_queue_id,
        agent_id,
        answered_date
    from ordered
    where last_answered_rank = 1

),

joined as (

    select
        rolled_up.contact_id,
        coalesce(last_answered.handling_queue_id, lasts.last_queue_id) as queue_id,
        firsts.first_queue_id,
        lasts.last_queue_id,
        last_answered.agent_id,
        rolled_up.customer_id,
        coalesce(rolled_up.customer_id, rolled_up.customer_phone_hash) as customer_key,
        firsts.direction,
        firsts.channel,
        lasts.last_outcome,
        rolled_up.segment_count,
        rolled_up.handled_segments,
        rolled_up.transfers,
        rolled_up.abandoned_segments,
        rolled_up.handle_seconds,
        rolled_up.is_handled,
        rolled_up.is_sales_contact,
        rolled_up.started_at,
        rolled_up.ended_at,
        last_answered.answered_date
    from rolled_up
    inner join firsts
        on rolled_up.contact_id = firsts.contact_id
    inner join lasts
        on rolled_up.contact_id = lasts.contact_id
    left join last_answered
        on rolled_up.contact_id = last_answered.contact_id

),

localized as (

    select
        joined.*,
        queues.site_timezone,
        queues.line_of_business,
        cast({{ to_local_timestamp('joined.started_at', 'queues.site_timezone') }} as date) as contact_date
    from joined
    inner join queues
        on joined.queue_id = queues.queue_id

)

select * from localized
where {{ window_filter('contact_date') }}
