-- One row per scheduled activity of an agent.
-- Grain: scheduled activity; key: agent_id, starts_at. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('hr', 'schedules'), ['agent_id', 'starts_at'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(agent_id as string) as agent_id,
        -- attributes
        cast(activity as string) as activity,
        -- timestamps
        cast(starts_at as timestamp) as starts_at,
        cast(ends_at as timestamp) as ends_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
