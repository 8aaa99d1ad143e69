{#- The body of the queue-interval facts (fct_queue_intervals for the default interval,
    fct_queue_intervals_15m): one row per queue x interval of `minutes` on the spine, with the
    additive primitives bucketed from the enriched segments and the service-level policy in
    force on the interval's local date.

    Bucketing: a segment's local interval is interval_start(<local time>, minutes); its UTC
    start is that local start shifted back by the UTC offset in force at the event (DST changes
    happen on the hour, so an interval never straddles one). Attribution:
      * interval of queue entry: offered, answered, abandoned, short_abandoned, flowed_out,
        callback_requested, the within-threshold counts, sl_numerator/sl_denominator, the wait
        sums and max_wait_seconds;
      * interval of answer: handled, talk/hold/acw/handle seconds, transfers and holds.
    The relations are passed by the calling model so dbt sees the dependencies. In an incremental
    run the spine is cut to the reprocessing window and the segments to a day before it (an
    answer in the window can belong to a segment that entered the queue the day before). -#}
{% macro queue_interval_fact(spine, segments, queues, policies, minutes) -%}
with

spine as (

    select * from {{ spine }}
    where {{ window_filter('interval_date') }}

),

queues as (

    select * from {{ queues }}

),

policies as (

    select * from {{ policies }}

),

segments as (

    select * from {{ segments }}
    where {{ window_filter('interval_date', slack_days=1) }}

),

bucketed as (

    select
        *,
        cast({{ dbt.dateadd(
            'second',
            '-' ~ seconds_between('entered_queue_at', 'entered_queue_at_local'),
            interval_start('entered_queue_at_local', minutes),
        ) }} as timestamp) as entered_interval_start_utc,
        cast({{ dbt.dateadd(
            'second',
            '-' ~ seconds_between('answered_at', 'answered_at_local'),
            interval_start('answered_at_local', minutes),
        ) }} as timestamp) as answer_interval_start_utc
    from segments

),

entered as (

    select
        queue_id,
        entered_interval_start_utc as interval_start_utc,
        count(*) as offered,
        sum(case when is_answered then 1 else 0 end) as answered,
        sum(case when is_abandoned then 1 else 0 end) as abandoned,
        sum(case when is_short_abandoned then 1 else 0 end) as short_abandoned,
        sum(case when is_flowed_out then 1 else 0 end) as flowed_out,
        sum(case when is_callback_requested then 1 else 0 end) as callback_requested,
        sum(case when is_answered_within_threshold then 1 else 0 end) as answered_within_threshold,
        sum(case when is_abandoned_within_threshold then 1 else 0 end) as abandoned_within_threshold,
        sum(case when is_callback_requested_within_threshold then 1 else 0 end)
            as callback_requested_within_threshold,
        sum(sl_numerator) as sl_numerator,
        sum(sl_denominator) as sl_denominator,
        sum(case when is_answered then wait_seconds else 0 end) as answered_wait_seconds,
        sum(case when is_abandoned then wait_seconds else 0 end) as abandoned_wait_seconds,
        max(wait_seconds) as max_wait_seconds
    from bucketed
    group by queue_id, entered_interval_start_utc

),

handled as (

    select
        queue_id,
        answer_interval_start_utc as interval_start_utc,
        count(*) as handled,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(handle_seconds) as handle_seconds,
        sum(case when is_transferred then 1 else 0 end) as transfers,
        sum(hold_count) as holds
    from bucketed
    where is_answered
    group by queue_id, answer_interval_start_utc

),

final as (

    select
        -- keys
        cast(spine.queue_id as {{ dbt.type_string() }}) as queue_id,
        cast(spine.interval_start_utc as timestamp) as interval_start_utc,
        cast(spine.interval_start_local as timestamp) as interval_start_local,
        cast(spine.interval_date as date) as interval_date,
        cast({{ minutes }} as integer) as interval_minutes,
        cast(queues.site_id as {{ dbt.type_string() }}) as site_id,
        cast(spine.site_timezone as {{ dbt.type_string() }}) as site_timezone,
        -- queue-entry interval counts
        cast(coalesce(entered.offered, 0) as bigint) as offered,
        cast(coalesce(entered.answered, 0) as bigint) as answered,
        cast(coalesce(entered.abandoned, 0) as bigint) as abandoned,
        cast(coalesce(entered.short_abandoned, 0) as bigint) as short_abandoned,
        cast(coalesce(entered.flowed_out, 0) as bigint) as flowed_out,
        cast(coalesce(entered.callback_requested, 0) as bigint) as callback_requested,
        cast(coalesce(entered.answered_within_threshold, 0) as bigint) as answered_within_threshold,
        cast(coalesce(entered.abandoned_within_threshold, 0) as bigint) as abandoned_within_threshold,
        cast(coalesce(entered.callback_requested_within_threshold, 0) as bigint)
            as callback_requested_within_threshold,
        cast(coalesce(entered.answered_wait_seconds, 0) as bigint) as answered_wait_seconds,
        cast(coalesce(entered.abandoned_wait_seconds, 0) as bigint) as abandoned_wait_seconds,
        cast(coalesce(entered.max_wait_seconds, 0) as bigint) as max_wait_seconds,
        -- service level under the policy in force (additive; SL = sum(num) / sum(den))
        cast(coalesce(entered.sl_numerator, 0) as bigint) as sl_numerator,
        cast(coalesce(entered.sl_denominator, 0) as bigint) as sl_denominator,
        -- answer interval sums
        cast(coalesce(handled.handled, 0) as bigint) as handled,
        cast(coalesce(handled.talk_seconds, 0) as bigint) as talk_seconds,
        cast(coalesce(handled.hold_seconds, 0) as bigint) as hold_seconds,
        cast(coalesce(handled.acw_seconds, 0) as bigint) as acw_seconds,
        cast(coalesce(handled.handle_seconds, 0) as bigint) as handle_seconds,
        cast(coalesce(handled.transfers, 0) as bigint) as transfers,
        cast(coalesce(handled.holds, 0) as bigint) as holds,
        -- policy in force on the interval's local date
        cast(policies.sl_threshold_seconds as bigint) as sl_threshold_seconds,
        cast(policies.short_abandon_seconds as bigint) as short_abandon_seconds,
        cast(policies.sl_target_pct as double) as sl_target_pct,
        cast(policies.abandon_treatment as {{ dbt.type_string() }}) as abandon_treatment,
        cast(policies.callbacks_in_favour as boolean) as callbacks_in_favour,
        cast(policies.sl_policy_preset as {{ dbt.type_string() }}) as sl_policy_preset

    from spine
    inner join queues
        on spine.queue_id = queues.queue_id
    inner join policies
        on spine.queue_id = policies.queue_id
        and spine.interval_date >= policies.valid_from
        and spine.interval_date < policies.valid_to
    left join entered
        on spine.queue_id = entered.queue_id
        and spine.interval_start_utc = entered.interval_start_utc
    left join handled
        on spine.queue_id = handled.queue_id
        and spine.interval_start_utc = handled.interval_start_utc

)

select * from final
{%- endmacro %}
