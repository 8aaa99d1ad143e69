-- Sub-daily time spine for MetricFlow: one row per 30-minute interval start (naive timestamps,
-- the same clock as the facts' interval_start_local). It is declared at `minute` granularity
-- (MetricFlow has no 30-minute grain), so metric_time__minute over the interval facts returns one
-- row per interval and fill_nulls/join_to_timespine fill empty intervals at that grain.
-- Range: var('time_spine_start') to var('time_spine_end') (exclusive); 11 years = 193k rows.
{{ config(materialized='table') }}

with

days as (

    select date_day from {{ ref('metricflow_time_spine') }}

),

slots as (

    {{ dbt.generate_series(48) }}

),

final as (

    select
        cast(
            {{ dbt.dateadd('minute', '30 * (slots.generated_number - 1)', 'cast(days.date_day as timestamp)') }}
            as timestamp
        ) as interval_start
    from days
    cross join slots

)

select * from final
