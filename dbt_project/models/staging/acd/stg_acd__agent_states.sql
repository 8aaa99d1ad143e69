-- One row per agent state interval (ACD presence/routing status).
-- Grain: agent state interval; key: agent_id, started_at. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    select
        *,
        row_number() over (
            partition by agent_id, started_at
            order by _loaded_at desc, _source_file desc, _source_row desc
        ) as version_rank
    from {{ source('acd', 'agent_states') }}

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
