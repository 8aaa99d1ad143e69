-- One row per local day x site x team x tenure band with employees: headcount, hires and
-- leavers (voluntary / involuntary), from the roster snapshots (hr/agents).
--   * Days: every date from the first to the latest roster snapshot.
--   * Employment: hire_date <= day <= termination_date (the last day of employment; a leaver
--     is in the headcount on that day). Hire and termination dates are the agent's latest
--     snapshot's. An agent who drops out of the roster without a termination date stops
--     counting after the last snapshot that lists them (and is not counted as a leaver).
--   * Team, site: the roster history (int_agent_team_history) on the day.
--   * Tenure band: as of the day (macros/tenure_band.sql).
-- Attrition over a period of D days (annualized) = leavers / average headcount x 365 / D,
-- and with average headcount = sum(headcount) / D that is 365 x sum(leavers) / sum(headcount):
-- additive across teams, sites and days (docs/metrics.md).
with

roster as (

    select * from {{ ref('stg_hr__agents') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

bounds as (

    select
        min(snapshot_date) as first_date,
        max(snapshot_date) as last_date
    from roster

),

day_numbers as (

    {{ dbt.generate_series(var('spine_max_days')) }}

),

days as (

    select
        cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'bounds.first_date') }} as date) as headcount_date
    from bounds
    inner join day_numbers
        on day_numbers.generated_number - 1 <= {{ dbt.datediff('bounds.first_date', 'bounds.last_date', 'day') }}

),

latest as (

    select
        agent_id,
        hire_date,
        termination_date,
        termination_type,
        snapshot_date as last_snapshot_date
    from (
        select
            *,
            row_number() over (partition by agent_id order by snapshot_date desc) as snapshot_rank
        from roster
    ) as ranked
    where snapshot_rank = 1

),

employment as (

    select
        latest.agent_id,
        latest.hire_date,
        latest.termination_date,
        latest.termination_type,
        case
            when latest.termination_date is not null then latest.termination_date
            when latest.last_snapshot_date = bounds.last_date then cast('9999-12-31' as date)
            else latest.last_snapshot_date
        end as employed_until
    from latest
    cross join bounds

),

agent_days as (

    select
        days.headcount_date,
        employment.agent_id,
        employment.hire_date,
        employment.termination_type,
        employment.hire_date = days.headcount_date as is_hire,
        employment.termination_date = days.headcount_date as is_leaver
    from days
    inner join employment
        on days.headcount_date >= employment.hire_date
        and days.headcount_date <= employment.employed_until

),

attributed as (

    select
        agent_days.*,
        history.team_id,
        history.site_id,
        {{ tenure_band('agent_days.hire_date', 'agent_days.headcount_date') }} as tenure_band
    from agent_days
    left join history
        on agent_days.agent_id = history.agent_id
        and agent_days.headcount_date >= history.valid_from
        and agent_days.headcount_date < history.valid_to

),

final as (

    select
        cast(headcount_date as date) as headcount_date,
        cast(site_id as string) as site_id,
        cast(team_id as string) as team_id,
        cast(tenure_band as string) as tenure_band,
        cast(count(*) as bigint) as headcount,
        cast(sum(case when is_hire then 1 else 0 end) as bigint) as hires,
        cast(sum(case when is_leaver then 1 else 0 end) as bigint) as leavers,
        cast(sum(case when is_leaver and termination_type = 'voluntary' then 1 else 0 end) as bigint)
            as voluntary_leavers,
        cast(sum(case when is_leaver and termination_type = 'involuntary' then 1 else 0 end) as bigint)
            as involuntary_leavers
    from attributed
    group by headcount_date, site_id, team_id, tenure_band

)

select * from final
