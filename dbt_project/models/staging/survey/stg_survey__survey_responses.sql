-- One row per survey sent (responded_at empty when the customer did not answer).
-- Grain: survey; key: response_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
-- Incremental by key (a table, like stg_acd__calls): a run re-ranks only the versions of the
-- keys delivered since the last run, and its data tests check the rows from the reprocessing
-- window's first day on (meta tested_from_column, macros/reprocess_window.sql). As a view, every
-- model and test reading it re-ranked the whole history on every run.
{{ config(materialized='incremental', unique_key='response_id', incremental_strategy='delete+insert', on_schema_change='fail',
    meta={'tested_from_column': 'sent_at', 'reprocess_lookback': false}) }}
with

source as (

    {{ versions_ranked(
        source('survey', 'survey_responses'),
        ['response_id'],
        ['_loaded_at desc', '_source_file desc', '_source_row desc'],
        new_keys_only=is_incremental(),
    ) }}

),

renamed as (

    select
        -- ids
        cast(response_id as string) as response_id,
        cast(contact_id as string) as contact_id,
        cast(agent_id as string) as agent_id,
        -- attributes
        cast(csat as bigint) as csat,
        cast(nps as bigint) as nps,
        cast(resolved as boolean) as is_resolved,
        cast(comment as string) as comment,
        -- timestamps
        cast(sent_at as timestamp) as sent_at,
        cast(responded_at as timestamp) as responded_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
