-- One row per team.
-- Grain: team; key: team_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('hr', 'teams'), ['team_id'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(team_id as string) as team_id,
        cast(site_id as string) as site_id,
        -- attributes
        cast(team_name as string) as team_name,
        cast(line_of_business as string) as line_of_business,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
