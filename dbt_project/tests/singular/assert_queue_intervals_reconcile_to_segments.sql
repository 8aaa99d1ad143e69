-- The queue-interval fact loses and double-counts nothing: per queue, its sums equal the
-- contact-segment fact's counts and second-sums. Returns the queues that disagree.
with

intervals as (

    select
        queue_id,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(flowed_out) as flowed_out,
        sum(callback_requested) as callback_requested,
        sum(answered_within_threshold) as answered_within_threshold,
        sum(abandoned_within_threshold) as abandoned_within_threshold,
        sum(answered_wait_seconds) as answered_wait_seconds,
        sum(abandoned_wait_seconds) as abandoned_wait_seconds,
        max(max_wait_seconds) as max_wait_seconds,
        sum(handled) as handled,
        sum(handle_seconds) as handle_seconds,
        sum(transfers) as transfers,
        sum(holds) as holds
    from {{ ref('fct_queue_intervals') }}
    group by queue_id

),

segments as (

    select
        queue_id,
        count(*) as offered,
        sum(case when is_answered then 1 else 0 end) as answered,
        sum(case when is_abandoned then 1 else 0 end) as abandoned,
        sum(case when is_short_abandoned then 1 else 0 end) as short_abandoned,
        sum(case when is_flowed_out then 1 else 0 end) as flowed_out,
        sum(case when is_callback_requested then 1 else 0 end) as callback_requested,
        sum(case when is_answered_within_threshold then 1 else 0 end) as answered_within_threshold,
        sum(case when is_abandoned_within_threshold then 1 else 0 end) as abandoned_within_threshold,
        sum(case when is_answered then wait_seconds else 0 end) as answered_wait_seconds,
        sum(case when is_abandoned then wait_seconds else 0 end) as abandoned_wait_seconds,
        max(wait_seconds) as max_wait_seconds,
        sum(case when is_answered then 1 else 0 end) as handled,
        sum(handle_seconds) as handle_seconds,
        sum(case when is_answered and is_transferred then 1 else 0 end) as transfers,
        sum(case when is_answered then hold_count else 0 end) as holds
    from {{ ref('fct_contact_segments') }}
    group by queue_id

)

select
    coalesce(intervals.queue_id, segments.queue_id) as queue_id,
    intervals.offered as interval_offered,
    segments.offered as segment_offered
from intervals
full outer join segments
    on intervals.queue_id = segments.queue_id
where intervals.queue_id is null
    or segments.queue_id is null
    or intervals.offered <> segments.offered
    or intervals.answered <> segments.answered
    or intervals.abandoned <> segments.abandoned
    or intervals.short_abandoned <> segments.short_abandoned
    or intervals.flowed_out <> segments.flowed_out
    or intervals.callback_requested <> segments.callback_requested
    or intervals.answered_within_threshold <> segments.answered_within_threshold
    or intervals.abandoned_within_threshold <> segments.abandoned_within_threshold
    or intervals.answered_wait_seconds <> segments.answered_wait_seconds
    or intervals.abandoned_wait_seconds <> segments.abandoned_wait_seconds
    or intervals.max_wait_seconds <> segments.max_wait_seconds
    or intervals.handled <> segments.handled
    or intervals.handle_seconds <> segments.handle_seconds
    or intervals.transfers <> segments.transfers
    or intervals.holds <> segments.holds
