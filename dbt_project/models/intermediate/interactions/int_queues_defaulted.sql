-- Every queue the project knows: configured queues (acd/queues) plus queue_ids that only appear
-- in acd/calls, whose policy falls back to the project vars (sl_default_threshold_seconds,
-- short_abandon_default_seconds, sl_default_target_pct, default_timezone).
-- A table, not a view: read by 14 models and tests; a view would be recomputed by each of them.
{{ config(materialized='table') }}
with

queues as (

    select * from {{ ref('stg_acd__queues') }}

),

calls as (

    select * from {{ ref('stg_acd__calls') }}

),

queue_ids as (

    select queue_id from queues
    union
    select queue_id from calls

),

defaulted as (

    select
        -- ids
        queue_ids.queue_id,
        queues.site_id,
        -- attributes
        coalesce(queues.queue_name, queue_ids.queue_id) as queue_name,
        queues.line_of_business,
        coalesce(queues.site_timezone, '{{ var("default_timezone") }}') as site_timezone,
        queues.queue_id is not null as is_configured,
        -- policy
        cast(coalesce(queues.sl_threshold_seconds, {{ var('sl_default_threshold_seconds') }}) as bigint)
            as sl_threshold_seconds,
        cast(coalesce(queues.sl_target_pct, {{ var('sl_default_target_pct') }}) as double) as sl_target_pct,
        cast(coalesce(queues.short_abandon_seconds, {{ var('short_abandon_default_seconds') }}) as bigint)
            as short_abandon_seconds

    from queue_ids
    left join queues
        on queue_ids.queue_id = queues.queue_id

)

select * from defaulted
