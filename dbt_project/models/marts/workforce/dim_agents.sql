-- One row per agent id seen in any export, with the current roster attributes (latest
-- snapshot). Agents that appear only in ACD or survey exports have null roster attributes
-- (is_in_roster = false). Tenure is measured to the termination date, else to the latest
-- roster snapshot date (as_of_date), so it is deterministic for a given set of exports. tenure_band buckets the same span
-- (macros/tenure_band.sql); fct_agent_days and fct_headcount_daily carry the band as of each day.
with

roster as (

    select * from {{ ref('stg_hr__agents') }}

),

located as (

    select * from {{ ref('int_agents_located') }}

),

teams as (

    select * from {{ ref('stg_hr__teams') }}

),

latest_snapshot as (

    select max(snapshot_date) as as_of_date from roster

),

latest_per_agent as (

    select
        *,
        row_number() over (partition by agent_id order by snapshot_date desc) as snapshot_rank
    from roster

),

final as (

    select
        -- ids
        cast(located.agent_id as string) as agent_id,
        cast(latest.team_id as string) as team_id,
        cast(latest.supervisor_id as string) as supervisor_id,
        cast(coalesce(latest.site_id, located.site_id) as string) as site_id,
        -- attributes
        cast(latest.full_name as string) as full_name,
        cast(teams.team_name as string) as team_name,
        cast(latest.role as string) as role,
        cast(located.site_timezone as string) as site_timezone,
        cast(latest.hire_date as date) as hire_date,
        cast(latest.termination_date as date) as termination_date,
        cast(latest.termination_type as string) as termination_type,
        cast(latest.agent_id is not null as boolean) as is_in_roster,
        cast(
            latest.agent_id is not null
            and latest.snapshot_date = latest_snapshot.as_of_date
            and (latest.termination_date is null or latest.termination_date >= latest_snapshot.as_of_date)
            as boolean
        ) as is_active,
        cast(latest.snapshot_date as date) as last_snapshot_date,
        cast(latest_snapshot.as_of_date as date) as as_of_date,
        cast(
            {{ dbt.datediff(
                'latest.hire_date',
                'coalesce(latest.termination_date, latest_snapshot.as_of_date)',
                'day'
            ) }} as bigint
        ) as tenure_days,
        cast(
            {{ tenure_band('latest.hire_date', 'coalesce(latest.termination_date, latest_snapshot.as_of_date)') }}
            as string
        ) as tenure_band

    from located
    cross join latest_snapshot
    left join latest_per_agent as latest
        on located.agent_id = latest.agent_id
        and latest.snapshot_rank = 1
    left join teams
        on latest.team_id = teams.team_id

)

select * from final
