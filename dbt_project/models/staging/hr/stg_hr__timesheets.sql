-- One row per agent per worked day.
-- Grain: agent day; key: agent_id, work_date. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('hr', 'timesheets'), ['agent_id', 'work_date'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(agent_id as string) as agent_id,
        cast(approved_by as string) as approved_by,
        -- attributes
        cast(hours_worked as double) as hours_worked,
        cast(overtime_hours as double) as overtime_hours,
        -- timestamps
        cast(work_date as date) as work_date,
        cast(submitted_at as timestamp) as submitted_at,
        cast(approved_at as timestamp) as approved_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
