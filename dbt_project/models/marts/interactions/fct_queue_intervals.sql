-- One row per queue x interval (var interval_minutes, default 30) in the site's local time,
-- keyed by (queue_id, interval_start_utc) so the repeated hour of a fall-back day stays two
-- rows. Every interval of every local day between the queue's first and last day with activity
-- is present (zeros when empty).
-- Attribution:
--   * offered, answered, abandoned, short_abandoned, flowed_out, callback_requested, the
--     within-threshold counts, the wait sums and max_wait_seconds: interval of queue entry;
--   * handled, talk/hold/acw/handle seconds, holds and transfers: interval of answer.
-- All columns except max_wait_seconds are additive; max_wait_seconds is a max.
with

spine as (

    select * from {{ ref('int_queue_intervals_spined') }}

),

queues as (

    select * from {{ ref('int_queues_defaulted') }}

),

segments as (

    select * from {{ ref('int_segments_enriched') }}

),

entered as (

    select
        queue_id,
        interval_start_utc,
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
        max(wait_seconds) as max_wait_seconds
    from segments
    group by queue_id, interval_start_utc

),

handled as (

    select
        queue_id,
        answered_interval_start_utc as interval_start_utc,
        count(*) as handled,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(handle_seconds) as handle_seconds,
        sum(case when is_transferred then 1 else 0 end) as transfers,
        sum(hold_count) as holds
    from segments
    where is_answered
    group by queue_id, answered_interval_start_utc

),

final as (

    select
        -- keys
        cast(spine.queue_id as string) as queue_id,
        cast(spine.interval_start_utc as timestamp) as interval_start_utc,
        cast(spine.interval_start_local as timestamp) as interval_start_local,
        cast(spine.interval_date as date) as interval_date,
        cast({{ var('interval_minutes') }} as integer) as interval_minutes,
        cast(queues.site_id as string) as site_id,
        cast(spine.site_timezone as string) as site_timezone,
        -- queue-entry interval counts
        cast(coalesce(entered.offered, 0) as bigint) as offered,
        cast(coalesce(entered.answered, 0) as bigint) as answered,
        cast(coalesce(entered.abandoned, 0) as bigint) as abandoned,
        cast(coalesce(entered.short_abandoned, 0) as bigint) as short_abandoned,
        cast(coalesce(entered.flowed_out, 0) as bigint) as flowed_out,
        cast(coalesce(entered.callback_requested, 0) as bigint) as callback_requested,
        cast(coalesce(entered.answered_within_threshold, 0) as bigint) as answered_within_threshold,
        cast(coalesce(entered.abandoned_within_threshold, 0) as bigint) as abandoned_within_threshold,
        cast(coalesce(entered.answered_wait_seconds, 0) as bigint) as answered_wait_seconds,
        cast(coalesce(entered.abandoned_wait_seconds, 0) as bigint) as abandoned_wait_seconds,
        cast(coalesce(entered.max_wait_seconds, 0) as bigint) as max_wait_seconds,
        -- answer interval sums
        cast(coalesce(handled.handled, 0) as bigint) as handled,
        cast(coalesce(handled.talk_seconds, 0) as bigint) as talk_seconds,
        cast(coalesce(handled.hold_seconds, 0) as bigint) as hold_seconds,
        cast(coalesce(handled.acw_seconds, 0) as bigint) as acw_seconds,
        cast(coalesce(handled.handle_seconds, 0) as bigint) as handle_seconds,
        cast(coalesce(handled.transfers, 0) as bigint) as transfers,
        cast(coalesce(handled.holds, 0) as bigint) as holds,
        -- policy in force
        cast(queues.sl_threshold_seconds as bigint) as sl_threshold_seconds,
        cast(queues.short_abandon_seconds as bigint) as short_abandon_seconds,
        cast(queues.sl_target_pct as double) as sl_target_pct

    from spine
    inner join queues
        on spine.queue_id = queues.queue_id
    left join entered
        on spine.queue_id = entered.queue_id
        and spine.interval_start_utc = entered.interval_start_utc
    left join handled
        on spine.queue_id = handled.queue_id
        and spine.interval_start_utc = handled.interval_start_utc

)

select * from final
