-- One row per calendar month x team from fct_headcount_daily: average headcount, hires and
-- leavers (voluntary / involuntary) and annualized attrition = 365 x leavers / sum of daily
-- headcount (= leavers / average headcount x 365 / days, docs/metrics.md). days_observed is the
-- number of roster days in the month (a partial month annualizes over the days it has).
with

headcount as (

    select
        *,
        cast({{ dbt.date_trunc('month', 'headcount_date') }} as date) as month_start
    from {{ ref('fct_headcount_daily') }}

),

per_team as (

    select
        month_start,
        team_id,
        count(distinct headcount_date) as days_observed,
        sum(headcount) as headcount_days,
        sum(hires) as hires,
        sum(leavers) as leavers,
        sum(voluntary_leavers) as voluntary_leavers,
        sum(involuntary_leavers) as involuntary_leavers
    from headcount
    group by month_start, team_id

)

select
    month_start,
    team_id,
    cast(days_observed as bigint) as days_observed,
    cast(headcount_days as bigint) as headcount_days,
    cast({{ safe_ratio('headcount_days', 'days_observed') }} as double) as average_headcount,
    cast(hires as bigint) as hires,
    cast(leavers as bigint) as leavers,
    cast(voluntary_leavers as bigint) as voluntary_leavers,
    cast(involuntary_leavers as bigint) as involuntary_leavers,
    cast(365 * {{ safe_ratio('leavers', 'headcount_days') }} as double) as annualized_attrition
from per_team
