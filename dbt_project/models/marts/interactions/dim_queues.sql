-- One row per queue: configured queues (acd/queues) plus queue ids seen only in acd/calls,
-- which get the project's default policy (is_configured = false).
with

queues as (

    select * from {{ ref('int_queues_defaulted') }}

),

final as (

    select
        cast(queue_id as string) as queue_id,
        cast(queue_name as string) as queue_name,
        cast(line_of_business as string) as line_of_business,
        cast(site_id as string) as site_id,
        cast(site_timezone as string) as site_timezone,
        cast(sl_threshold_seconds as bigint) as sl_threshold_seconds,
        cast(sl_target_pct as double) as sl_target_pct,
        cast(short_abandon_seconds as bigint) as short_abandon_seconds,
        cast(is_configured as boolean) as is_configured
    from queues

)

select * from final
