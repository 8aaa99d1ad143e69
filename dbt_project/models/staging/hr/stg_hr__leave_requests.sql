-- One row per leave request.
-- Grain: leave request; key: request_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('hr', 'leave_requests'), ['request_id'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(request_id as string) as request_id,
        cast(agent_id as string) as agent_id,
        cast(decided_by as string) as decided_by,
        -- attributes
        cast(leave_type as string) as leave_type,
        cast(status as string) as status,
        -- timestamps
        cast(starts_on as date) as starts_on,
        cast(ends_on as date) as ends_on,
        cast(requested_at as timestamp) as requested_at,
        cast(decided_at as timestamp) as decided_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
