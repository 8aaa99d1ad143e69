-- One row per agent x tenure week for agents in their first new_hire_ramp_weeks (12) weeks:
-- tenure_week = floor((activity date - hire date) / 7) + 1 (week 1 = the first 7 days).
-- Additive handled / handle seconds (AHT = sum(handle_seconds) / sum(handled)) and QA sums
-- (qa_score = qa_score_pct_sum / qa_scored_evaluations), so cohorts roll up by summing.
-- Hire date: the roster's (dim_agents); agents without one are left out.
{%- set weeks = var('new_hire_ramp_weeks', 12) %}
with

agent_days as (

    select * from {{ ref('fct_agent_days') }}

),

evaluations as (

    select * from {{ ref('fct_qa_evaluations') }}

),

agents as (

    select agent_id, hire_date, site_id from {{ ref('dim_agents') }}
    where hire_date is not null

),

work as (

    select
        d.agent_id,
        cast(floor({{ dbt.datediff('a.hire_date', 'd.activity_date', 'day') }} / 7) + 1 as bigint) as tenure_week,
        d.handled,
        d.handle_seconds,
        d.team_id
    from agent_days as d
    inner join agents as a on a.agent_id = d.agent_id
    where d.activity_date >= a.hire_date

),

quality as (

    select
        e.agent_id,
        cast(floor({{ dbt.datediff('a.hire_date', 'e.activity_date', 'day') }} / 7) + 1 as bigint) as tenure_week,
        case when e.is_scored then 1 else 0 end as scored,
        case when e.is_scored then coalesce(e.score_pct, 0) else 0 end as score_pct
    from evaluations as e
    inner join agents as a on a.agent_id = e.agent_id
    where e.activity_date >= a.hire_date

),

unioned as (

    select agent_id, tenure_week, handled, handle_seconds, 0 as qa_scored_evaluations,
        cast(0 as double) as qa_score_pct_sum, team_id
    from work
    union all
    select agent_id, tenure_week, 0, 0, scored, score_pct, cast(null as varchar)
    from quality

)

select
    u.agent_id,
    u.tenure_week,
    max(u.team_id) as team_id,
    max(a.site_id) as site_id,
    cast(sum(u.handled) as bigint) as handled,
    cast(sum(u.handle_seconds) as bigint) as handle_seconds,
    cast(sum(u.qa_scored_evaluations) as bigint) as qa_scored_evaluations,
    cast(sum(u.qa_score_pct_sum) as double) as qa_score_pct_sum,
    cast({{ safe_ratio('sum(u.handle_seconds)', 'sum(u.handled)') }} as double) as aht_seconds,
    cast({{ safe_ratio('sum(u.qa_score_pct_sum)', 'sum(u.qa_scored_evaluations)') }} as double) as qa_score_pct
from unioned as u
inner join agents as a on a.agent_id = u.agent_id
where u.tenure_week <= {{ weeks }}
group by u.agent_id, u.tenure_week
