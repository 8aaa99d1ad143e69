-- Materialized as a table (an exception to the intermediate-views rule): several marts and
-- tests read it, and as a view each of them would redo the time-zone conversions. Incremental
-- by local day of queue entry (macros/reprocess_window.sql): a run recomputes the days of its
-- reprocessing window only, from the segments that entered the queue up to a day before it.
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='interval_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': false},
) }}

-- One row per queue segment, joined to its queue's site time zone and to the service-level
-- policy in force on the local date of queue entry (int_queue_sl_policies_versioned), with the
-- wait, the local times, the interval of queue entry and of answer, the outcome and threshold
-- flags that the segment and interval facts share, and the segment's service-level numerator
-- and denominator under that policy (0/1; macros sl_numerator / sl_denominator), and the
-- answering agent's team on the local day of answer (int_agent_team_history).
--
-- Interval keys: a local interval start is ambiguous on a fall-back day (01:00-01:59 happens
-- twice), so every interval is also keyed by its UTC start:
--   interval_start_utc = interval_start_local - (entered_queue_at_local - entered_queue_at)
-- i.e. the local interval start shifted by the UTC offset in force at queue entry.
with

segments as (

    select * from {{ ref('stg_acd__calls') }}
    where {{ window_filter('entered_queue_at', slack_days=1) }}

),

queues as (

    select * from {{ ref('int_queues_defaulted') }}

),

policies as (

    select * from {{ ref('int_queue_sl_policies_versioned') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

localized as (

    select
        segments.*,
        queues.site_id,
        queues.site_timezone,
        segments.outcome = 'answered' as is_answered,
        segments.outcome = 'abandoned' as is_abandoned,
        -- leaving the queue: connected to an agent, or the end of the segment otherwise
        case when segments.outcome = 'answered' then segments.answered_at else segments.ended_at end
            as left_queue_at,
        {{ to_local_timestamp('segments.entered_queue_at', 'queues.site_timezone') }} as entered_queue_at_local,
        {{ to_local_timestamp('segments.answered_at', 'queues.site_timezone') }} as answered_at_local

    from segments
    inner join queues
        on segments.queue_id = queues.queue_id

),

timed as (

    select
        *,
        {{ seconds_between('entered_queue_at', 'left_queue_at') }} as wait_seconds,
        {{ interval_start('entered_queue_at_local') }} as interval_start_local,
        {{ interval_start('answered_at_local') }} as answered_interval_start_local,
        {{ seconds_between('entered_queue_at', 'entered_queue_at_local') }} as entered_utc_offset_seconds,
        {{ seconds_between('answered_at', 'answered_at_local') }} as answered_utc_offset_seconds

    from localized

),

policied as (

    -- the policy in force on the local date of queue entry
    select
        timed.*,
        policies.sl_threshold_seconds,
        policies.short_abandon_seconds,
        policies.sl_target_pct,
        policies.abandon_treatment,
        policies.callbacks_in_favour,
        policies.sl_policy_preset
    from timed
    inner join policies
        on timed.queue_id = policies.queue_id
        and cast(timed.entered_queue_at_local as date) >= policies.valid_from
        and cast(timed.entered_queue_at_local as date) < policies.valid_to

),

flagged as (

    select
        -- ids
        segment_id,
        contact_id,
        segment_seq,
        queue_id,
        site_id,
        agent_id,
        customer_id,
        customer_phone_hash,
        coalesce(customer_id, customer_phone_hash) as customer_key,
        transferred_to_queue_id,
        -- attributes
        channel,
        direction,
        outcome,
        wrapup_code,
        site_timezone,
        -- service-level policy in force on the local date of queue entry
        sl_threshold_seconds,
        short_abandon_seconds,
        sl_target_pct,
        abandon_treatment,
        callbacks_in_favour,
        sl_policy_preset,
        -- flags
        is_answered,
        is_abandoned,
        is_abandoned and wait_seconds <= short_abandon_seconds as is_short_abandoned,
        outcome = 'flowed_out' as is_flowed_out,
        outcome = 'callback_requested' as is_callback_requested,
        transferred_to_queue_id is not null as is_transferred,
        is_answered and wait_seconds <= sl_threshold_seconds as is_answered_within_threshold,
        is_abandoned and wait_seconds <= sl_threshold_seconds as is_abandoned_within_threshold,
        outcome = 'callback_requested' and wait_seconds <= sl_threshold_seconds
            as is_callback_requested_within_threshold,
        -- durations
        wait_seconds,
        talk_seconds,
        hold_seconds,
        hold_count,
        acw_seconds,
        case when is_answered then talk_seconds + hold_seconds + acw_seconds else 0 end as handle_seconds,
        -- timestamps (UTC unless _local)
        entered_queue_at,
        entered_queue_at_local,
        answered_at,
        answered_at_local,
        ended_at,
        updated_at,
        -- interval of queue entry (offered, answered, abandoned ... are counted here)
        interval_start_local,
        cast({{ dbt.dateadd('second', '-entered_utc_offset_seconds', 'interval_start_local') }} as timestamp)
            as interval_start_utc,
        cast(interval_start_local as date) as interval_date,
        -- interval of answer (handled contacts and their handle time are counted here)
        answered_interval_start_local,
        cast({{ dbt.dateadd('second', '-answered_utc_offset_seconds', 'answered_interval_start_local') }} as timestamp)
            as answered_interval_start_utc,
        cast(answered_at_local as date) as answered_date,
        -- lineage
        _source_file,
        _source_row

    from policied

),

scored as (

    select
        *,
        {{ sl_numerator(
            'abandon_treatment',
            'callbacks_in_favour',
            'case when is_answered_within_threshold then 1 else 0 end',
            'case when is_abandoned_within_threshold then 1 else 0 end',
            'case when is_callback_requested_within_threshold then 1 else 0 end',
        ) }} as sl_numerator,
        {{ sl_denominator(
            'abandon_treatment',
            'case when is_answered then 1 else 0 end',
            'case when is_abandoned then 1 else 0 end',
            'case when is_short_abandoned then 1 else 0 end',
            'case when is_abandoned_within_threshold then 1 else 0 end',
            'case when is_flowed_out then 1 else 0 end',
            'case when is_callback_requested then 1 else 0 end',
        ) }} as sl_denominator
    from flagged

),

teamed as (

    -- the answering agent's team on the local day of answer (roster history; null unanswered)
    select
        scored.*,
        history.team_id
    from scored
    left join history
        on scored.agent_id = history.agent_id
        and scored.answered_date >= history.valid_from
        and scored.answered_date < history.valid_to

)

select * from teamed
where {{ window_filter('interval_date') }}
