-- One row per CRM case (service request, complaint, ...).
-- Grain: case; key: case_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('crm', 'cases'), ['case_id'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(case_id as string) as case_id,
        cast(customer_id as string) as customer_id,
        cast(contact_id as string) as contact_id,
        -- attributes
        cast(category as string) as category,
        cast(is_complaint as boolean) as is_complaint,
        cast(is_escalated as boolean) as is_escalated,
        cast(status as string) as status,
        -- timestamps
        cast(opened_at as timestamp) as opened_at,
        cast(closed_at as timestamp) as closed_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
