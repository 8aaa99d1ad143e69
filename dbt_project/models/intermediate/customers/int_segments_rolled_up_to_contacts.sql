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
    meta={'reprocess_lookback': false},
) }}
{%- set first_segment_fields = {'queue_id': 'segments.queue_id', 'direction': 'segments.direction', 'channel': 'segments.channel'} %}
{%- set last_segment_fields = {'queue_id': 'segments.queue_id', 'outcome': 'segments.outcome'} %}
{%- set last_answered_fields = {'queue_id': 'segments.queue_id', 'agent_id': 'segments.agent_id', 'answered_date': 'segments.answered_date'} %}
{%- set segment_order = ['segments.segment_seq', 'segments.entered_queue_at', 'segments.segment_id'] %}
{%- set answer_order = ['segments.segment_seq', 'segments.answered_at', 'segments.segment_id'] %}
{#- The segments with their queue's line of business, read by three statements below. A subquery,
    not a CTE: DuckDB materializes a CTE read more than once, every column of 10 M segments at a
    year (3-4 GB, spilled beside the other models of a build), where each read of the table
    scans only the columns it needs. -#}
{%- set segments_in_queues -%}
    (
        select
            segments.*,
            queues.line_of_business
        from {{ ref('int_segments_enriched') }} as segments
        inner join {{ ref('int_queues_defaulted') }} as queues
            on segments.queue_id = queues.queue_id
        where {{ window_filter('segments.interval_date', slack_days=1) }}
    )
{%- endset %}
with

queues as (

    select * from {{ ref('int_queues_defaulted') }}

),

-- Most contacts have one segment (94% of 9.6 M at the bench's 10M set). Only the contacts
-- with several go through the aggregation; a one-segment contact's roll-up is its segment.
-- At a year of a 500-seat center (10 M segments) this halves the model's time (38 s -> 21 s
-- alone): the group-by's per-contact state (three records, macros/record_by.sql) is what spills.
repeated_contacts as (

    select contact_id
    from {{ segments_in_queues }} as segments
    group by contact_id
    having count(*) > 1

),

rolled_up as (

    -- one aggregation pass per contact; the first / last / last answered segment's columns
    -- come from min_by / max_by over the segment order (macros/record_by.sql), which avoids
    -- three window sorts over every segment
    select
        segments.contact_id,
        count(*) as segment_count,
        min(segments.customer_id) as customer_id,
        min(segments.customer_phone_hash) as customer_phone_hash,
        min(segments.entered_queue_at) as started_at,
        max(segments.ended_at) as ended_at,
        max(case when segments.is_answered then 1 else 0 end) = 1 as is_handled,
        max(case when segments.is_answered and segments.line_of_business = 'sales' then 1 else 0 end) = 1
            as is_sales_contact,
        sum(case when segments.is_answered then 1 else 0 end) as handled_segments,
        sum(case when segments.is_answered and segments.is_transferred then 1 else 0 end) as transfers,
        sum(case when segments.is_abandoned then 1 else 0 end) as abandoned_segments,
        sum(segments.handle_seconds) as handle_seconds,
        {{ first_record(first_segment_fields, segment_order) }} as first_segment,
        {{ last_record(last_segment_fields, segment_order) }} as last_segment,
        {{ last_record(last_answered_fields, answer_order, where='segments.is_answered') }} as last_answered
    from {{ segments_in_queues }} as segments
    where exists (
        select 1 from repeated_contacts
        where repeated_contacts.contact_id = segments.contact_id
    )
    group by segments.contact_id

    union all

    -- the same columns for a contact of one segment: each aggregate over that one row
    select
        segments.contact_id,
        1 as segment_count,
        segments.customer_id,
        segments.customer_phone_hash,
        segments.entered_queue_at as started_at,
        segments.ended_at,
        (case when segments.is_answered then 1 else 0 end) = 1 as is_handled,
        (case when segments.is_answered and segments.line_of_business = 'sales' then 1 else 0 end) = 1
            as is_sales_contact,
        case when segments.is_answered then 1 else 0 end as handled_segments,
        case when segments.is_answered and segments.is_transferred then 1 else 0 end as transfers,
        case when segments.is_abandoned then 1 else 0 end as abandoned_segments,
        segments.handle_seconds,
        {{ record(first_segment_fields) }} as first_segment,
        {{ record(last_segment_fields) }} as last_segment,
        case when segments.is_answered then {{ record(last_answered_fields) }} end as last_answered
    from {{ segments_in_queues }} as segments
    where not exists (
        select 1 from repeated_contacts
        where repeated_contacts.contact_id = segments.contact_id
    )

),

joined as (

    select
        contact_id,
        coalesce(rolled_up.last_answered.queue_id, rolled_up.last_segment.queue_id) as queue_id,
        rolled_up.first_segment.queue_id as first_queue_id,
        rolled_up.last_segment.queue_id as last_queue_id,
        rolled_up.last_answered.agent_id as agent_id,
        customer_id,
        coalesce(customer_id, customer_phone_hash) as customer_key,
        rolled_up.first_segment.direction as direction,
        rolled_up.first_segment.channel as channel,
        rolled_up.last_segment.outcome as last_outcome,
        segment_count,
        handled_segments,
        transfers,
        abandoned_segments,
        handle_seconds,
        is_handled,
        is_sales_contact,
        started_at,
        ended_at,
        rolled_up.last_answered.answered_date as answered_date
    from rolled_up

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
