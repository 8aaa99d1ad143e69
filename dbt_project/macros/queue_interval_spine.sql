{#- The body of the queue-interval spine models (int_queue_intervals_spined for the default
    interval, int_queue_intervals_spined_15m): one row per queue x interval of `minutes` of
    every local day between the queue's first and last day with activity (queue entry or
    answer). Built in UTC from the site's local midnights, so a day has 24 * 60 / minutes
    intervals, one hour fewer on a spring-forward day and one more on a fall-back day, and the
    repeated local hour of a fall-back day gives two rows with the same interval_start_local
    and different interval_start_utc.
    `segments` and `queues` are relations (ref('int_segments_enriched'),
    ref('int_queues_defaulted')) passed by the calling model so dbt sees the dependency. -#}
{% macro queue_interval_spine(segments, queues, minutes) -%}
with

segments as (

    select * from {{ segments }}

),

queues as (

    select * from {{ queues }}

),

queue_ranges as (

    select
        queue_id,
        min(interval_date) as first_date,
        max(coalesce(answered_date, interval_date)) as last_date
    from segments
    group by queue_id

),

day_numbers as (

    {{ dbt.generate_series(var('spine_max_days')) }}

),

slot_numbers as (

    -- enough slots for a 25-hour day
    {{ dbt.generate_series((25 * 60 / minutes) | int) }}

),

queue_days as (

    select
        queue_ranges.queue_id,
        queues.site_timezone,
        cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'queue_ranges.first_date') }} as date)
            as interval_date
    from queue_ranges
    inner join queues
        on queue_ranges.queue_id = queues.queue_id
    inner join day_numbers
        on day_numbers.generated_number - 1
        <= {{ dbt.datediff('queue_ranges.first_date', 'queue_ranges.last_date', 'day') }}

),

day_bounds as (

    select
        queue_id,
        site_timezone,
        interval_date,
        {{ to_utc_timestamp('cast(interval_date as timestamp)', 'site_timezone') }} as day_start_utc,
        {{ to_utc_timestamp(
            'cast(' ~ dbt.dateadd('day', 1, 'interval_date') ~ ' as timestamp)', 'site_timezone'
        ) }} as next_day_start_utc
    from queue_days

),

intervals as (

    select
        day_bounds.queue_id,
        day_bounds.site_timezone,
        day_bounds.interval_date,
        day_bounds.next_day_start_utc,
        cast({{ dbt.dateadd(
            'minute', '(slot_numbers.generated_number - 1) * ' ~ minutes, 'day_bounds.day_start_utc'
        ) }} as timestamp) as interval_start_utc
    from day_bounds
    cross join slot_numbers

),

spined as (

    select
        queue_id,
        interval_start_utc,
        {{ to_local_timestamp('interval_start_utc', 'site_timezone') }} as interval_start_local,
        interval_date,
        site_timezone
    from intervals
    where interval_start_utc < next_day_start_utc

)

select * from spined
{%- endmacro %}
