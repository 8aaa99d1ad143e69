-- One row per agent state interval (ACD presence/routing status).
-- Grain: agent state interval; key: agent_id, started_at. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
-- Incremental by key (a table: 30 million rows a year at 500 seats): a run re-ranks only the
-- versions of the keys delivered since the last run. Its data tests check the rows
-- from the reprocessing window's first day on (meta tested_from_column, macros/reprocess_window.sql).
{{ config(materialized='incremental', unique_key=['agent_id', 'started_at'], incremental_strategy='delete+insert', on_schema_change='fail',
    meta={'tested_from_column': 'started_at', 'reprocess_lookback': false}) }}
with

source as (

    {{ versions_ranked(
        source('acd', 'agent_states'),
        ['agent_id', 'started_at'],
        ['_loaded_at desc', '_source_file desc', '_source_row desc'],
        new_keys_only=is_incremental(),
    ) }}

),

renamed as (

    select
        -- ids
        cast(agent_id as string) as agent_id,
        -- attributes
        cast(state as string) as state,
        cast(reason_code as string) as reason_code,
        -- timestamps
        cast(started_at as timestamp) as started_at,
        cast(ended_at as timestamp) as ended_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
