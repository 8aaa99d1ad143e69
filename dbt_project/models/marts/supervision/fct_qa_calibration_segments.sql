-- One row per evaluated segment graded by two or more distinct evaluators (calibration):
-- the spread of their scored evaluations (standard deviation and range of score_pct, in
-- percentage points). An empty table means no segment was double-graded.
with

evaluations as (

    select * from {{ ref('fct_qa_evaluations') }}
    where is_scored and segment_id is not null

),

per_segment as (

    select
        segment_id,
        min(agent_id) as agent_id,
        min(team_id) as team_id,
        min(activity_date) as activity_date,
        count(*) as evaluations,
        count(distinct evaluator_id) as evaluators,
        avg(score_pct) as mean_score_pct,
        stddev_samp(score_pct) as sd_score_pct,
        min(score_pct) as min_score_pct,
        max(score_pct) as max_score_pct,
        sum(case when has_critical_failure then 1 else 0 end) as critical_failures
    from evaluations
    group by segment_id

)

select
    segment_id,
    agent_id,
    team_id,
    activity_date,
    cast(evaluations as bigint) as evaluations,
    cast(evaluators as bigint) as evaluators,
    cast(mean_score_pct as double) as mean_score_pct,
    cast(sd_score_pct as double) as sd_score_pct,
    cast(max_score_pct - min_score_pct as double) as range_score_pct,
    cast(critical_failures as bigint) as critical_failures,
    critical_failures > 0 and critical_failures < evaluations as has_critical_disagreement
from per_segment
where evaluators >= 2
