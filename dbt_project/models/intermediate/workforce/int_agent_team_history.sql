-- Slowly changing dimension (type 2) of each agent's team, supervisor, site and role, built
-- from the daily roster snapshots (hr/agents): consecutive snapshots with the same attributes
-- collapse into one version. A version is valid on days valid_from <= day < valid_to.
--   * A change is dated by the first snapshot that shows it (gaps between snapshots are
--     attributed to the earlier version).
--   * The first version reaches back to 1900-01-01, so activity before the first snapshot (a
--     user who exports only today's roster) is attributed to the earliest known team.
--   * The current version is open-ended (valid_to = 9999-12-31).
-- A table, not a view: read by 17 models and tests; a view would be recomputed by each of them.
{{ config(materialized='table') }}
with

roster as (

    select * from {{ ref('stg_hr__agents') }}

),

flagged as (

    select
        agent_id,
        team_id,
        supervisor_id,
        site_id,
        role,
        snapshot_date,
        case
            when lag(snapshot_date) over (partition by agent_id order by snapshot_date) is null then 1
            when lag(team_id) over (partition by agent_id order by snapshot_date) <> team_id then 1
            when lag(supervisor_id) over (partition by agent_id order by snapshot_date) <> supervisor_id then 1
            when lag(site_id) over (partition by agent_id order by snapshot_date) <> site_id then 1
            when lag(role) over (partition by agent_id order by snapshot_date) <> role then 1
            else 0
        end as is_new_version
    from roster

),

numbered as (

    select
        *,
        sum(is_new_version) over (
            partition by agent_id order by snapshot_date
            rows between unbounded preceding and current row
        ) as version_number
    from flagged

),

versions as (

    select
        agent_id,
        version_number,
        team_id,
        supervisor_id,
        site_id,
        role,
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date
    from numbered
    group by agent_id, version_number, team_id, supervisor_id, site_id, role

),

dated as (

    select
        -- ids
        agent_id,
        cast(version_number as bigint) as version_number,
        team_id,
        supervisor_id,
        site_id,
        -- attributes
        role,
        -- validity
        case
            when version_number = 1 then cast('1900-01-01' as date)
            else first_snapshot_date
        end as valid_from,
        coalesce(
            lead(first_snapshot_date) over (partition by agent_id order by version_number),
            cast('9999-12-31' as date)
        ) as valid_to,
        lead(first_snapshot_date) over (partition by agent_id order by version_number) is null as is_current,
        first_snapshot_date,
        last_snapshot_date
    from versions

)

select * from dated
