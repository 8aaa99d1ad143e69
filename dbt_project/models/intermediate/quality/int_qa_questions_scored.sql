-- One row per answered question of a QA evaluation (hr/qa_evaluations), with the question's
-- contribution to the weighted score and the evaluation's attribution:
--   * a question counts in the score unless it is marked N/A (is_not_applicable, or an empty
--     score): N/A questions are removed from the weight, not scored 0;
--   * weighted points = weight x score / max_score (a question's weight is its share of the
--     form whatever its point scale); weighted possible = weight;
--   * a critical question fails when it is applicable and score < max_score (anything short of
--     full marks on a critical question is a fail);
--   * activity_date is the local date (agent's site time zone) of the evaluated contact's
--     answer, else of the evaluation; team and supervisor are the roster's on that date, so a
--     contact handled before a team move stays with the old team.
-- A table, not a view: read by 3 models and tested; a view would be recomputed by each of them.
{{ config(materialized='table') }}
with

questions as (

    select * from {{ ref('stg_hr__qa_evaluations') }}

),

segments as (

    select * from {{ ref('int_segments_enriched') }}
    where segment_id in (select segment_id from questions)  -- the evaluated segments only

),

agents as (

    select * from {{ ref('int_agents_located') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

scored as (

    select
        questions.*,
        coalesce(questions.is_not_applicable, false) or questions.score is null as is_excluded,
        segments.contact_id,
        segments.answered_at,
        agents.site_timezone
    from questions
    left join segments
        on questions.segment_id = segments.segment_id
    left join agents
        on questions.agent_id = agents.agent_id

),

final as (

    select
        scored.evaluation_id,
        scored.question_id,
        scored.segment_id,
        scored.contact_id,
        scored.agent_id,
        scored.evaluator_id,
        scored.form_id,
        scored.section,
        scored.evaluated_at,
        scored.answered_at,
        scored.site_timezone,
        cast({{ to_local_timestamp('scored.evaluated_at', 'scored.site_timezone') }} as date) as evaluated_date,
        cast(
            {{ to_local_timestamp('coalesce(scored.answered_at, scored.evaluated_at)', 'scored.site_timezone') }}
            as date
        ) as activity_date,
        scored.weight,
        scored.score,
        scored.max_score,
        scored.is_critical,
        scored.is_excluded as is_not_applicable,
        case
            when scored.is_excluded or scored.max_score is null or scored.max_score <= 0 then 0.0
            else scored.weight * scored.score / scored.max_score
        end as weighted_points,
        case
            when scored.is_excluded or scored.max_score is null or scored.max_score <= 0 then 0.0
            else scored.weight
        end as weighted_possible,
        scored.is_critical and not scored.is_excluded and scored.score < scored.max_score
            as is_critical_failure
    from scored

),

attributed as (

    select
        final.*,
        history.team_id,
        history.supervisor_id,
        history.site_id
    from final
    left join history
        on final.agent_id = history.agent_id
        and final.activity_date >= history.valid_from
        and final.activity_date < history.valid_to

)

select * from attributed
