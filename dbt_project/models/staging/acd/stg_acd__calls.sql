-- One row per queue segment. A customer contact that is transferred between queues has one segment per queue entered, sharing contact_id.
-- Grain: segment; key: segment_id. Re-delivered keys are deduplicated: the row with the latest
-- `updated_at`, then _loaded_at, _source_file, _source_row wins.
-- Incremental by key (a table, like the other event staging models: the segment fact is the
-- big one): a run re-ranks only the versions of the segments delivered since the last run. Its data tests check the rows
-- from the reprocessing window's first day on (meta tested_from_column, macros/reprocess_window.sql).
{{ config(materialized='incremental', unique_key='segment_id', incremental_strategy='delete+insert', on_schema_change='fail',
    meta={'tested_from_column': 'entered_queue_at', 'reprocess_lookback': false}) }}
with

source as (

    {{ versions_ranked(
        source('acd', 'calls'),
        ['segment_id'],
        ['updated_at desc nulls last', '_loaded_at desc', '_source_file desc', '_source_row desc'],
        new_keys_only=is_incremental(),
    ) }}

),

renamed as (

    select
        -- ids
        cast(segment_id as string) as segment_id,
        cast(contact_id as string) as contact_id,
        cast(queue_id as string) as queue_id,
        cast(customer_id as string) as customer_id,
        cast(agent_id as string) as agent_id,
        cast(transferred_to_queue_id as string) as transferred_to_queue_id,
        -- attributes
        cast(segment_seq as bigint) as segment_seq,
        cast(channel as string) as channel,
        cast(direction as string) as direction,
        {{ hash_pii('customer_phone') }} as customer_phone_hash,
        cast(outcome as string) as outcome,
        cast(hold_count as bigint) as hold_count,
        cast(wrapup_code as string) as wrapup_code,
        -- durations
        cast(talk_seconds as bigint) as talk_seconds,
        cast(hold_seconds as bigint) as hold_seconds,
        cast(acw_seconds as bigint) as acw_seconds,
        -- timestamps
        cast(entered_queue_at as timestamp) as entered_queue_at,
        cast(answered_at as timestamp) as answered_at,
        cast(ended_at as timestamp) as ended_at,
        cast(updated_at as timestamp) as updated_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
