-- One row per team: hr/teams plus team ids that appear only in the roster (is_configured =
-- false, name falls back to the id).
with

teams as (

    select * from {{ ref('stg_hr__teams') }}

),

roster as (

    select * from {{ ref('stg_hr__agents') }}

),

team_ids as (

    select team_id from teams
    union
    select team_id from roster

),

final as (

    select
        cast(team_ids.team_id as string) as team_id,
        cast(coalesce(teams.team_name, team_ids.team_id) as string) as team_name,
        cast(teams.site_id as string) as site_id,
        cast(teams.line_of_business as string) as line_of_business,
        cast(teams.team_id is not null as boolean) as is_configured
    from team_ids
    left join teams
        on team_ids.team_id = teams.team_id

)

select * from final
