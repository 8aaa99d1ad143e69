{#- A select that splits each row of `source` (a CTE or relation holding the time range
    [start_col, end_col), naive UTC) at the boundaries of `minutes`-long intervals: one row per
    row x interval it overlaps, with all of the source's columns plus
      interval_start_utc  the interval's UTC start,
      interval_seconds    seconds of the range inside that interval
    (and the helper columns _first_interval_start, _interval_count).
    Boundaries are cut on the UTC clock, which equals the local clock's boundaries for every
    time zone whose UTC offset is a multiple of `minutes` (all whole- and half-hour zones for
    30 minutes; every zone in use for 15 minutes except +05:45 and +12:45).
    `max_intervals` bounds how many intervals one range may cross (ranges longer than that
    are truncated); feed it ranges already split at local midnight (at most 25 hours). -#}
{% macro split_to_intervals(source, start_col, end_col, minutes=none, max_intervals=none) -%}
    {%- set minutes = minutes if minutes is not none else var('interval_minutes') -%}
    {%- set max_intervals = max_intervals if max_intervals is not none else ((1500 // minutes) + 2) -%}
    {%- set this_start = dbt.dateadd('minute', '(interval_numbers.generated_number - 1) * ' ~ minutes, 'ranges._first_interval_start') -%}
    {%- set next_start = dbt.dateadd('minute', 'interval_numbers.generated_number * ' ~ minutes, 'ranges._first_interval_start') -%}
    select
        ranges.*,
        cast({{ this_start }} as timestamp) as interval_start_utc,
        {{ seconds_between(
            'greatest(ranges.' ~ start_col ~ ', ' ~ this_start ~ ')',
            'least(ranges.' ~ end_col ~ ', ' ~ next_start ~ ')'
        ) }} as interval_seconds
    from (
        -- the number of intervals each range touches is computed once per range, so the join
        -- to the number series is a plain inequality on a column (a merge join, not a loop)
        select
            {{ source }}.*,
            {{ interval_start(source ~ '.' ~ start_col, minutes) }} as _first_interval_start,
            cast(ceil(
                {{ seconds_between(interval_start(source ~ '.' ~ start_col, minutes), source ~ '.' ~ end_col) }}
                / {{ minutes * 60 }}.0
            ) as integer) as _interval_count
        from {{ source }}
        where {{ source }}.{{ end_col }} > {{ source }}.{{ start_col }}
    ) as ranges
    inner join ({{ dbt.generate_series(max_intervals) }}) as interval_numbers
        on interval_numbers.generated_number <= ranges._interval_count
{%- endmacro %}
