-- Daily time spine for MetricFlow: one row per calendar day from var('time_spine_start') to
-- var('time_spine_end') (exclusive). MetricFlow joins to it for cumulative metrics, metrics with
-- join_to_timespine / fill_nulls_with, and offsets. Materialized as a table in the default
-- schema so the serving snapshot (which copies the base tables of `main`) carries it too.
{{ config(materialized='table') }}

with

days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('time_spine_start', '2020-01-01') ~ "' as date)",
        "cast('" ~ var('time_spine_end', '2031-01-01') ~ "' as date)"
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
