-- One row per coaching session.
-- Grain: coaching session; key: session_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('hr', 'coaching_sessions'), ['session_id'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(session_id as string) as session_id,
        cast(agent_id as string) as agent_id,
        cast(supervisor_id as string) as supervisor_id,
        -- attributes
        cast(focus_metric as string) as focus_metric,
        cast(baseline_value as double) as baseline_value,
        cast(target_value as double) as target_value,
        cast(commitment as string) as commitment,
        -- timestamps
        cast(held_at as timestamp) as held_at,
        cast(follow_up_due_on as date) as follow_up_due_on,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
