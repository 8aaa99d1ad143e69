-- One row per evaluator x month (of the evaluated activity date): how the evaluator scores
-- compared with everybody else on the same agents, a calibration check that works without
-- double-graded segments.
--   * mean_deviation_pct: mean over the evaluator's scored evaluations of (score_pct - the mean
--     score_pct the same agent got from other evaluators in the same month); null when no
--     other evaluator graded those agents. Positive = lenient, negative = harsh.
--   * calibration_segments / mean_abs_calibration_gap_pct: on double-graded segments
--     (fct_qa_calibration_segments), the mean |score - segment mean|.
with

evaluations as (

    select
        *,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month_start
    from {{ ref('fct_qa_evaluations') }}
    where is_scored

),

calibration as (

    select * from {{ ref('fct_qa_calibration_segments') }}

),

agent_month as (

    select
        agent_id,
        month_start,
        evaluator_id,
        sum(score_pct) as score_sum,
        count(*) as scored
    from evaluations
    group by agent_id, month_start, evaluator_id

),

agent_month_total as (

    select
        agent_id,
        month_start,
        sum(score_sum) as score_sum,
        sum(scored) as scored
    from agent_month
    group by agent_id, month_start

),

deviations as (

    select
        e.evaluator_id,
        e.month_start,
        e.evaluation_id,
        e.score_pct,
        e.has_critical_failure,
        -- mean the agent got from the other evaluators that month
        {{ safe_ratio('t.score_sum - m.score_sum', 't.scored - m.scored') }} as others_mean,
        c.mean_score_pct as segment_mean
    from evaluations as e
    inner join agent_month as m
        on m.agent_id = e.agent_id and m.month_start = e.month_start and m.evaluator_id = e.evaluator_id
    inner join agent_month_total as t
        on t.agent_id = e.agent_id and t.month_start = e.month_start
    left join calibration as c
        on c.segment_id = e.segment_id

)

select
    evaluator_id,
    month_start,
    cast(count(*) as bigint) as scored_evaluations,
    cast(avg(score_pct) as double) as mean_score_pct,
    cast(avg(case when has_critical_failure then 1.0 else 0.0 end) as double) as critical_failure_rate,
    cast(count(others_mean) as bigint) as compared_evaluations,
    cast(avg(score_pct - others_mean) as double) as mean_deviation_pct,
    cast(count(segment_mean) as bigint) as calibration_segments,
    cast(avg(abs(score_pct - segment_mean)) as double) as mean_abs_calibration_gap_pct
from deviations
group by evaluator_id, month_start
