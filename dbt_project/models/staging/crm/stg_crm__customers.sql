-- One row per customer account.
-- Grain: customer; key: customer_id. Re-delivered keys are deduplicated: the row with the latest
-- _loaded_at, _source_file, _source_row wins.
with

source as (

    {{ versions_ranked(source('crm', 'customers'), ['customer_id'], ['_loaded_at desc', '_source_file desc', '_source_row desc']) }}

),

renamed as (

    select
        -- ids
        cast(customer_id as string) as customer_id,
        -- attributes
        cast(segment as string) as segment,
        {{ hash_pii('phone') }} as phone_hash,
        {{ hash_pii('email') }} as email_hash,
        -- timestamps
        cast(created_at as timestamp) as created_at,
        -- lineage
        _source_file,
        _source_row,
        _loaded_at

    from source
    where version_rank = 1

)

select * from renamed
