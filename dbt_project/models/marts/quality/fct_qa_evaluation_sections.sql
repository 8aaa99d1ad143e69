-- One row per QA evaluation x form section: the section's weighted score with N/A questions
-- removed from the weight. Section scores are NOT zeroed by a critical failure (that rule is
-- for the evaluation total); has_critical_failure flags the section that failed.
with

questions as (

    select * from {{ ref('int_qa_questions_scored') }}

),

sections as (

    select
        evaluation_id,
        section,
        max(agent_id) as agent_id,
        max(form_id) as form_id,
        max(team_id) as team_id,
        max(activity_date) as activity_date,
        count(*) as question_count,
        sum(case when is_not_applicable then 1 else 0 end) as not_applicable_count,
        sum(case when is_critical_failure then 1 else 0 end) as critical_failure_count,
        sum(weighted_points) as weighted_points,
        sum(weighted_possible) as weighted_possible
    from questions
    group by evaluation_id, section

),

final as (

    select
        cast(evaluation_id as string) as evaluation_id,
        cast(section as string) as section,
        cast(agent_id as string) as agent_id,
        cast(form_id as string) as form_id,
        cast(team_id as string) as team_id,
        cast(activity_date as date) as activity_date,
        cast(question_count as bigint) as question_count,
        cast(not_applicable_count as bigint) as not_applicable_count,
        cast(critical_failure_count > 0 as boolean) as has_critical_failure,
        cast(weighted_points as double) as weighted_points,
        cast(weighted_possible as double) as weighted_possible,
        cast(100 * {{ safe_ratio('weighted_points', 'weighted_possible') }} as double) as score_pct
    from sections

)

select * from final
