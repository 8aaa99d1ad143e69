-- One row per queue segment (a contact transferred between queues has one segment per queue
-- entered). Local times are in the queue's site time zone; the team is the answering agent's
-- team on the local day of answer (int_agent_team_history).
--
-- A view (an exception to the mart-tables rule): it is int_segments_enriched's rows, column for
-- column (the team included), and that table is already incremental by local day of queue entry. As a
-- table it wrote the same 10 M rows x 48 columns a second time in every full build (21.8 s of
-- node time at a year of a 500-seat center) and every day's window again in a one-day run. The
-- contract still checks its columns and types at build time; a view has no constraints, so its
-- not-nulls are one not_null_columns test (fct_contact_segments.yml).
-- The serving snapshot stores it as a table, in day order, updated by window like the
-- incremental facts (`meta.tested_from_column`: rows before a run's window never change, so
-- tests and the publish step read the window's days only; orchestration/lib/publish.py).
{{ config(
    materialized='view',
    meta={'tested_from_column': 'interval_date', 'reprocess_lookback': false},
) }}
with

segments as (

    select * from {{ ref('int_segments_enriched') }}

),

final as (

    select
        -- ids
        cast(segments.segment_id as string) as segment_id,
        cast(segments.contact_id as string) as contact_id,
        cast(segments.segment_seq as bigint) as segment_seq,
        cast(segments.queue_id as string) as queue_id,
        cast(segments.site_id as string) as site_id,
        cast(segments.agent_id as string) as agent_id,
        cast(segments.team_id as string) as team_id,
        cast(segments.customer_key as string) as customer_key,
        cast(segments.transferred_to_queue_id as string) as transferred_to_queue_id,
        -- attributes
        cast(segments.channel as string) as channel,
        cast(segments.direction as string) as direction,
        cast(segments.outcome as string) as outcome,
        cast(segments.wrapup_code as string) as wrapup_code,
        -- flags
        cast(segments.is_answered as boolean) as is_answered,
        cast(segments.is_abandoned as boolean) as is_abandoned,
        cast(segments.is_short_abandoned as boolean) as is_short_abandoned,
        cast(segments.is_flowed_out as boolean) as is_flowed_out,
        cast(segments.is_callback_requested as boolean) as is_callback_requested,
        cast(segments.is_transferred as boolean) as is_transferred,
        cast(segments.is_answered_within_threshold as boolean) as is_answered_within_threshold,
        cast(segments.is_abandoned_within_threshold as boolean) as is_abandoned_within_threshold,
        cast(segments.is_callback_requested_within_threshold as boolean) as is_callback_requested_within_threshold,
        -- policy in force
        cast(segments.sl_threshold_seconds as bigint) as sl_threshold_seconds,
        cast(segments.short_abandon_seconds as bigint) as short_abandon_seconds,
        cast(segments.sl_target_pct as double) as sl_target_pct,
        cast(segments.abandon_treatment as string) as abandon_treatment,
        cast(segments.sl_numerator as bigint) as sl_numerator,
        cast(segments.sl_denominator as bigint) as sl_denominator,
        -- durations
        cast(segments.wait_seconds as bigint) as wait_seconds,
        cast(segments.talk_seconds as bigint) as talk_seconds,
        cast(segments.hold_seconds as bigint) as hold_seconds,
        cast(segments.hold_count as bigint) as hold_count,
        cast(segments.acw_seconds as bigint) as acw_seconds,
        cast(segments.handle_seconds as bigint) as handle_seconds,
        -- timestamps
        cast(segments.site_timezone as string) as site_timezone,
        cast(segments.entered_queue_at as timestamp) as entered_queue_at,
        cast(segments.entered_queue_at_local as timestamp) as entered_queue_at_local,
        cast(segments.answered_at as timestamp) as answered_at,
        cast(segments.answered_at_local as timestamp) as answered_at_local,
        cast(segments.ended_at as timestamp) as ended_at,
        cast(segments.interval_start_utc as timestamp) as interval_start_utc,
        cast(segments.interval_start_local as timestamp) as interval_start_local,
        cast(segments.interval_date as date) as interval_date,
        cast(segments.answered_interval_start_utc as timestamp) as answered_interval_start_utc,
        cast(segments.answered_date as date) as answered_date

    from segments

)

select * from final
