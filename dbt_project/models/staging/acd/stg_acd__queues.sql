-- Queue configuration, one row per queue (latest delivery wins).
-- Grain: queue; key: queue_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('acd', 'queues'), ['queue_id'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(queue_id as string) as queue_id,
        cast(site_id as string) as site_id,
        -- attributes
        cast(queue_name as string) as queue_name,
        cast(line_of_business as string) as line_of_business,
        cast(site_timezone as string) as site_timezone,
        cast(sl_target_pct as double) as sl_target_pct,
        -- durations
        cast(sl_threshold_seconds as bigint) as sl_threshold_seconds,
        cast(short_abandon_seconds as bigint) as short_abandon_seconds,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
