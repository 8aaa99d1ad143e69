-- One row per QA evaluation (hr/qa_evaluations grouped by evaluation_id).
--   score_pct = 100 x sum(weight x score / max_score) / sum(weight) over the applicable
--   questions (N/A removed from the weight); 0 when any critical question failed (applicable
--   and score < max_score); null when every question is N/A.
-- Per-agent QA is computed from these rows: the mean of score_pct over evaluations (default,
-- sum(score_pct) / scored_evaluations), or points over possible
-- (100 x sum(scored_points) / sum(weighted_possible)); both in rpt_agent_daily.
-- Attribution: activity_date = local date of the evaluated contact's answer (else of the
-- evaluation); team/supervisor as of that date (int_qa_questions_scored).
with

questions as (

    select * from {{ ref('int_qa_questions_scored') }}

),

evaluations as (

    select
        evaluation_id,
        max(segment_id) as segment_id,
        max(contact_id) as contact_id,
        max(agent_id) as agent_id,
        max(evaluator_id) as evaluator_id,
        max(form_id) as form_id,
        max(team_id) as team_id,
        max(supervisor_id) as supervisor_id,
        max(site_id) as site_id,
        max(site_timezone) as site_timezone,
        max(evaluated_at) as evaluated_at,
        max(evaluated_date) as evaluated_date,
        max(activity_date) as activity_date,
        count(*) as question_count,
        sum(case when is_not_applicable then 1 else 0 end) as not_applicable_count,
        sum(case when is_critical and not is_not_applicable then 1 else 0 end) as critical_question_count,
        sum(case when is_critical_failure then 1 else 0 end) as critical_failure_count,
        sum(weighted_points) as weighted_points,
        sum(weighted_possible) as weighted_possible
    from questions
    group by evaluation_id

),

final as (

    select
        -- ids
        cast(evaluation_id as string) as evaluation_id,
        cast(segment_id as string) as segment_id,
        cast(contact_id as string) as contact_id,
        cast(agent_id as string) as agent_id,
        cast(evaluator_id as string) as evaluator_id,
        cast(form_id as string) as form_id,
        cast(team_id as string) as team_id,
        cast(supervisor_id as string) as supervisor_id,
        cast(site_id as string) as site_id,
        -- dates
        cast(site_timezone as string) as site_timezone,
        cast(evaluated_at as timestamp) as evaluated_at,
        cast(evaluated_date as date) as evaluated_date,
        cast(activity_date as date) as activity_date,
        -- questions
        cast(question_count as bigint) as question_count,
        cast(not_applicable_count as bigint) as not_applicable_count,
        cast(critical_question_count as bigint) as critical_question_count,
        cast(critical_failure_count as bigint) as critical_failure_count,
        cast(critical_failure_count > 0 as boolean) as has_critical_failure,
        cast(weighted_possible > 0 as boolean) as is_scored,
        -- score
        cast(weighted_points as double) as weighted_points,
        cast(weighted_possible as double) as weighted_possible,
        cast(100 * {{ safe_ratio('weighted_points', 'weighted_possible') }} as double) as score_pct_before_critical,
        cast(case when critical_failure_count > 0 then 0.0 else weighted_points end as double) as scored_points,
        cast(
            case
                when weighted_possible <= 0 then null
                when critical_failure_count > 0 then 0.0
                else 100 * {{ safe_ratio('weighted_points', 'weighted_possible') }}
            end as double
        ) as score_pct
    from evaluations

)

select * from final
