-- rpt_agent_daily carries every agent day and every QA evaluation exactly once: its totals
-- equal fct_agent_days' and fct_qa_evaluations'. Returns a row per disagreeing measure.
with

rpt as (

    select
        sum(handled) as handled,
        sum(handle_seconds) as handle_seconds,
        sum(logged_in_seconds) as logged_in_seconds,
        sum(adherent_seconds) as adherent_seconds,
        sum(scheduled_work_seconds) as scheduled_work_seconds,
        sum(shrinkage_base_seconds) as shrinkage_base_seconds,
        sum(qa_evaluations) as qa_evaluations,
        sum(qa_scored_points) as qa_scored_points
    from {{ ref('rpt_agent_daily') }}

),

agent_days as (

    select
        sum(handled) as handled,
        sum(handle_seconds) as handle_seconds,
        sum(logged_in_seconds) as logged_in_seconds,
        sum(adherent_seconds) as adherent_seconds,
        sum(scheduled_work_seconds) as scheduled_work_seconds,
        sum(shrinkage_base_seconds) as shrinkage_base_seconds
    from {{ ref('fct_agent_days') }}

),

evaluations as (

    select
        count(*) as qa_evaluations,
        sum(scored_points) as qa_scored_points
    from {{ ref('fct_qa_evaluations') }}

)

select 'agent days' as source, rpt.handled, agent_days.handled as fact_handled
from rpt
cross join agent_days
where coalesce(rpt.handled, 0) <> coalesce(agent_days.handled, 0)
    or coalesce(rpt.handle_seconds, 0) <> coalesce(agent_days.handle_seconds, 0)
    or coalesce(rpt.logged_in_seconds, 0) <> coalesce(agent_days.logged_in_seconds, 0)
    or coalesce(rpt.adherent_seconds, 0) <> coalesce(agent_days.adherent_seconds, 0)
    or coalesce(rpt.scheduled_work_seconds, 0) <> coalesce(agent_days.scheduled_work_seconds, 0)
    or coalesce(rpt.shrinkage_base_seconds, 0) <> coalesce(agent_days.shrinkage_base_seconds, 0)
union all
select 'qa evaluations' as source, rpt.qa_evaluations, evaluations.qa_evaluations
from rpt
cross join evaluations
where coalesce(rpt.qa_evaluations, 0) <> evaluations.qa_evaluations
    or abs(coalesce(rpt.qa_scored_points, 0) - coalesce(evaluations.qa_scored_points, 0)) > 1e-6
