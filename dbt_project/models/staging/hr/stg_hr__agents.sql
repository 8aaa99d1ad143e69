-- Daily full roster snapshot; one row per agent per snapshot_date. Team and supervisor history is built from these snapshots.
-- Grain: agent per snapshot day; key: agent_id, snapshot_date. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
-- A table, not a view: read by 7 models and tests (every daily roster snapshot); a view would be recomputed by each of them.
{{ config(materialized='table') }}
with

source as (

    {{ versions_ranked(source('hr', 'agents'), ['agent_id', 'snapshot_date'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(agent_id as string) as agent_id,
        cast(team_id as string) as team_id,
        cast(supervisor_id as string) as supervisor_id,
        cast(site_id as string) as site_id,
        -- attributes
        cast(full_name as string) as full_name,
        cast(role as string) as role,
        cast(termination_type as string) as termination_type,
        -- timestamps
        cast(hire_date as date) as hire_date,
        cast(termination_date as date) as termination_date,
        cast(snapshot_date as date) as snapshot_date,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
