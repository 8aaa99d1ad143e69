-- App-facing rollup: one row per queue x local day (site time zone) of fct_queue_intervals.
-- Every measure is a sum of the interval primitives (max for max_wait_seconds), and every
-- ratio is computed from those sums with safe_ratio (null when the denominator is 0) - never
-- an average of interval ratios. Attribution follows the interval fact: queue-entry day for
-- offered/answered/abandoned/SL/waits, answer day for handled and handle time.
-- The service-level policy is versioned by local date, so a day has one policy.
with

intervals as (

    select * from {{ ref('fct_queue_intervals') }}

),

daily as (

    select
        queue_id,
        interval_date,
        site_id,
        site_timezone,
        count(*) as interval_count,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(flowed_out) as flowed_out,
        sum(callback_requested) as callback_requested,
        sum(answered_within_threshold) as answered_within_threshold,
        sum(abandoned_within_threshold) as abandoned_within_threshold,
        sum(callback_requested_within_threshold) as callback_requested_within_threshold,
        sum(sl_numerator) as sl_numerator,
        sum(sl_denominator) as sl_denominator,
        sum(answered_wait_seconds) as answered_wait_seconds,
        sum(abandoned_wait_seconds) as abandoned_wait_seconds,
        max(max_wait_seconds) as max_wait_seconds,
        sum(handled) as handled,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(acw_seconds) as acw_seconds,
        sum(handle_seconds) as handle_seconds,
        sum(transfers) as transfers,
        sum(holds) as holds,
        max(sl_threshold_seconds) as sl_threshold_seconds,
        max(short_abandon_seconds) as short_abandon_seconds,
        max(sl_target_pct) as sl_target_pct,
        max(abandon_treatment) as abandon_treatment,
        max(sl_policy_preset) as sl_policy_preset
    from intervals
    group by queue_id, interval_date, site_id, site_timezone

),

final as (

    select
        -- keys
        cast(queue_id as {{ dbt.type_string() }}) as queue_id,
        cast(interval_date as date) as interval_date,
        cast(site_id as {{ dbt.type_string() }}) as site_id,
        cast(site_timezone as {{ dbt.type_string() }}) as site_timezone,
        cast(interval_count as bigint) as interval_count,
        -- sums
        cast(offered as bigint) as offered,
        cast(answered as bigint) as answered,
        cast(abandoned as bigint) as abandoned,
        cast(short_abandoned as bigint) as short_abandoned,
        cast(flowed_out as bigint) as flowed_out,
        cast(callback_requested as bigint) as callback_requested,
        cast(answered_within_threshold as bigint) as answered_within_threshold,
        cast(abandoned_within_threshold as bigint) as abandoned_within_threshold,
        cast(callback_requested_within_threshold as bigint) as callback_requested_within_threshold,
        cast(sl_numerator as bigint) as sl_numerator,
        cast(sl_denominator as bigint) as sl_denominator,
        cast(answered_wait_seconds as bigint) as answered_wait_seconds,
        cast(abandoned_wait_seconds as bigint) as abandoned_wait_seconds,
        cast(max_wait_seconds as bigint) as max_wait_seconds,
        cast(handled as bigint) as handled,
        cast(talk_seconds as bigint) as talk_seconds,
        cast(hold_seconds as bigint) as hold_seconds,
        cast(acw_seconds as bigint) as acw_seconds,
        cast(handle_seconds as bigint) as handle_seconds,
        cast(transfers as bigint) as transfers,
        cast(holds as bigint) as holds,
        -- policy in force on the day
        cast(sl_threshold_seconds as bigint) as sl_threshold_seconds,
        cast(short_abandon_seconds as bigint) as short_abandon_seconds,
        cast(sl_target_pct as double) as sl_target_pct,
        cast(abandon_treatment as {{ dbt.type_string() }}) as abandon_treatment,
        cast(sl_policy_preset as {{ dbt.type_string() }}) as sl_policy_preset,
        -- ratios of sums
        {{ safe_ratio('sl_numerator', 'sl_denominator') }} as service_level,
        {{ safe_ratio('answered_wait_seconds', 'answered') }} as asa_seconds,
        {{ safe_ratio('abandoned_wait_seconds', 'abandoned') }} as average_abandon_seconds,
        {{ safe_ratio('abandoned', 'offered') }} as abandonment_rate,
        {{ safe_ratio('abandoned - short_abandoned', 'offered - short_abandoned') }}
            as abandonment_rate_excluding_short,
        {{ safe_ratio('handle_seconds', 'handled') }} as aht_seconds,
        {{ safe_ratio('talk_seconds', 'handled') }} as average_talk_seconds,
        {{ safe_ratio('hold_seconds', 'handled') }} as average_hold_seconds,
        {{ safe_ratio('acw_seconds', 'handled') }} as average_acw_seconds,
        {{ safe_ratio('transfers', 'handled') }} as transfer_rate,
        {{ safe_ratio('holds', 'handled') }} as holds_per_handled
    from daily

)

select * from final
