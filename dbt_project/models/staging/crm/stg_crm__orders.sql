-- One row per order.
-- Grain: order; key: order_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
-- Incremental by key (a table, like stg_acd__calls): a run re-ranks only the versions of the
-- keys delivered since the last run, and its data tests check the rows from the reprocessing
-- window's first day on (meta tested_from_column, macros/reprocess_window.sql). As a view, every
-- model and test reading it re-ranked the whole history on every run.
{{ config(materialized='incremental', unique_key='order_id', incremental_strategy='delete+insert', on_schema_change='fail',
    meta={'tested_from_column': 'ordered_at', 'reprocess_lookback': false}) }}
with

source as (

    {{ versions_ranked(
        source('crm', 'orders'),
        ['order_id'],
        ['_loaded_at desc', '_source_file desc', '_source_row desc'],
        new_keys_only=is_incremental(),
    ) }}

),

renamed as (

    select
        -- ids
        cast(order_id as string) as order_id,
        cast(customer_id as string) as customer_id,
        cast(contact_id as string) as contact_id,
        cast(agent_id as string) as agent_id,
        -- attributes
        cast(amount as double) as amount,
        cast(currency as string) as currency,
        -- timestamps
        cast(ordered_at as timestamp) as ordered_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
