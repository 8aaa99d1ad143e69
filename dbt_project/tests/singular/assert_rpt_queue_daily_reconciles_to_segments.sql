-- The app-facing daily rollup loses nothing: per queue, rpt_queue_daily's sums equal the
-- contact-segment fact's counts, second-sums and service-level terms. Returns the queues that
-- disagree.
with

daily as (

    select
        queue_id,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(sl_numerator) as sl_numerator,
        sum(sl_denominator) as sl_denominator,
        sum(answered_wait_seconds) as answered_wait_seconds,
        sum(handled) as handled,
        sum(handle_seconds) as handle_seconds
    from {{ ref('rpt_queue_daily') }}
    group by queue_id

),

segments as (

    select
        queue_id,
        count(*) as offered,
        sum(case when is_answered then 1 else 0 end) as answered,
        sum(case when is_abandoned then 1 else 0 end) as abandoned,
        sum(case when is_short_abandoned then 1 else 0 end) as short_abandoned,
        sum(sl_numerator) as sl_numerator,
        sum(sl_denominator) as sl_denominator,
        sum(case when is_answered then wait_seconds else 0 end) as answered_wait_seconds,
        sum(case when is_answered then 1 else 0 end) as handled,
        sum(handle_seconds) as handle_seconds
    from {{ ref('fct_contact_segments') }}
    group by queue_id

)

select
    coalesce(daily.queue_id, segments.queue_id) as queue_id
from daily
full outer join segments
    on daily.queue_id = segments.queue_id
where daily.queue_id is null
    or segments.queue_id is null
    or daily.offered <> segments.offered
    or daily.answered <> segments.answered
    or daily.abandoned <> segments.abandoned
    or daily.short_abandoned <> segments.short_abandoned
    or daily.sl_numerator <> segments.sl_numerator
    or daily.sl_denominator <> segments.sl_denominator
    or daily.answered_wait_seconds <> segments.answered_wait_seconds
    or daily.handled <> segments.handled
    or daily.handle_seconds <> segments.handle_seconds
