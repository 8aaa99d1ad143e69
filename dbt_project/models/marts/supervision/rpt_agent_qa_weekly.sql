-- One row per agent x week (ISO week starting Monday, of the local activity date) with QA
-- results and coverage:
--   * qa_score_pct = qa_score_pct_sum / qa_scored_evaluations (the semantic qa_score: mean of
--     evaluation percentages), on the evaluated contact's activity date.
--   * evaluated_share = evaluated handled segments / handled segments of the week (share of the
--     agent's handled contacts that were evaluated; null without handled work).
--   * team_id: the agent's team on the last active day of the week (roster history).
with

agent_days as (

    select
        agent_id,
        activity_date,
        team_id,
        handled,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start
    from {{ ref('fct_agent_days') }}

),

evaluations as (

    select
        *,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start
    from {{ ref('fct_qa_evaluations') }}

),

work as (

    select
        agent_id,
        week_start,
        sum(handled) as handled,
        max(activity_date) as last_active_date
    from agent_days
    group by agent_id, week_start

),

quality as (

    select
        agent_id,
        week_start,
        count(*) as qa_evaluations,
        count(distinct segment_id) as evaluated_segments,
        sum(case when is_scored then 1 else 0 end) as qa_scored_evaluations,
        sum(case when is_scored then coalesce(score_pct, 0) else 0 end) as qa_score_pct_sum,
        sum(case when has_critical_failure then 1 else 0 end) as qa_critical_failures,
        max(activity_date) as last_evaluated_date,
        max(team_id) as evaluated_team_id
    from evaluations
    group by agent_id, week_start

),

keys as (

    select agent_id, week_start from work
    union
    select agent_id, week_start from quality

)

select
    k.agent_id,
    k.week_start,
    coalesce(d.team_id, q.evaluated_team_id) as team_id,
    cast(coalesce(w.handled, 0) as bigint) as handled,
    cast(coalesce(q.qa_evaluations, 0) as bigint) as qa_evaluations,
    cast(coalesce(q.evaluated_segments, 0) as bigint) as evaluated_segments,
    cast(coalesce(q.qa_scored_evaluations, 0) as bigint) as qa_scored_evaluations,
    cast(coalesce(q.qa_score_pct_sum, 0) as double) as qa_score_pct_sum,
    cast(coalesce(q.qa_critical_failures, 0) as bigint) as qa_critical_failures,
    cast({{ safe_ratio('q.qa_score_pct_sum', 'q.qa_scored_evaluations') }} as double) as qa_score_pct,
    cast({{ safe_ratio('q.evaluated_segments', 'w.handled') }} as double) as evaluated_share
from keys as k
left join work as w on w.agent_id = k.agent_id and w.week_start = k.week_start
left join quality as q on q.agent_id = k.agent_id and q.week_start = k.week_start
left join agent_days as d on d.agent_id = k.agent_id and d.activity_date = w.last_active_date
