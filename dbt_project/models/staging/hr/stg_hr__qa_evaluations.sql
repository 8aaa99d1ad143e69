-- One row per answered question of a quality evaluation.
-- Grain: evaluation question; key: evaluation_id, question_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('hr', 'qa_evaluations'), ['evaluation_id', 'question_id'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(evaluation_id as string) as evaluation_id,
        cast(segment_id as string) as segment_id,
        cast(agent_id as string) as agent_id,
        cast(evaluator_id as string) as evaluator_id,
        cast(form_id as string) as form_id,
        cast(question_id as string) as question_id,
        -- attributes
        cast(section as string) as section,
        cast(weight as double) as weight,
        cast(score as double) as score,
        cast(max_score as double) as max_score,
        cast(is_critical as boolean) as is_critical,
        cast(is_not_applicable as boolean) as is_not_applicable,
        -- timestamps
        cast(evaluated_at as timestamp) as evaluated_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
