{#- A select that splits each row of `source` (a CTE or relation with agent_id, the time range
    [start_col, end_col) in naive UTC, and the `columns` to carry) at the agent's local
    midnights, the agent's zone coming from `agents` (int_agents_located: agent_id,
    site_timezone). One row per range x local day it overlaps, with the columns
      agent_id, activity_date, <columns...>, site_timezone, <start_col>, <end_col>,
      piece_started_at, piece_ended_at, <seconds_col>
    where piece_* is the part of the range inside that local day and <seconds_col> its length.
    Day boundaries are computed in UTC from local midnights, so a range spanning a DST change
    gets its true length. Ranges on a single local day skip the boundary computation.
    With `end_exclusive`, the last local date is the one of (end - 1 second), so a range ending
    exactly at local midnight stays on its day; without it such a range also yields a
    zero-second piece on the next day (callers filter <seconds_col> > 0).
    Ranges crossing more than var('spine_max_days') local days are truncated.
    The local dates are computed once, in a CTE both branches read (a `with` nested in the
    caller's CTE or subquery): inlined into each branch, the four time-zone conversions per row
    were half of int_agent_states_split_to_days at 10M segments (30 M states: 22.5 s -> 13-18 s
    alone). -#}
{% macro split_at_local_midnights(source, agents, start_col, end_col, columns, seconds_col, end_exclusive=false) -%}
    {%- set last_ts = dbt.dateadd('second', -1, source ~ '.' ~ end_col) if end_exclusive else source ~ '.' ~ end_col -%}
    {%- set carried -%}{% for column in columns %}{{ column }}, {% endfor %}{%- endset -%}
    {%- set localized -%}
        select
            {{ source }}.agent_id,
            {% for column in columns %}{{ source }}.{{ column }},
            {% endfor %}{{ source }}.{{ start_col }},
            {{ source }}.{{ end_col }},
            {{ agents }}.site_timezone,
            cast({{ to_local_timestamp(source ~ '.' ~ start_col, agents ~ '.site_timezone') }} as date) as first_local_date,
            cast({{ to_local_timestamp(last_ts, agents ~ '.site_timezone') }} as date) as last_local_date
        from {{ source }}
        inner join {{ agents }}
            on {{ source }}.agent_id = {{ agents }}.agent_id
    {%- endset -%}
    with localized as (
        {{ localized }}
    )

    select
        agent_id,
        first_local_date as activity_date,
        {{ carried }}site_timezone,
        {{ start_col }},
        {{ end_col }},
        {{ start_col }} as piece_started_at,
        {{ end_col }} as piece_ended_at,
        {{ seconds_between(start_col, end_col) }} as {{ seconds_col }}
    from localized
    where first_local_date = last_local_date

    union all

    select
        agent_id,
        activity_date,
        {{ carried }}site_timezone,
        {{ start_col }},
        {{ end_col }},
        greatest({{ start_col }}, day_start_utc) as piece_started_at,
        least({{ end_col }}, next_day_start_utc) as piece_ended_at,
        {{ seconds_between(
            'greatest(' ~ start_col ~ ', day_start_utc)', 'least(' ~ end_col ~ ', next_day_start_utc)'
        ) }} as {{ seconds_col }}
    from (
        select
            expanded.*,
            {{ to_utc_timestamp('cast(expanded.activity_date as timestamp)', 'expanded.site_timezone') }}
                as day_start_utc,
            {{ to_utc_timestamp(
                'cast(' ~ dbt.dateadd('day', 1, 'expanded.activity_date') ~ ' as timestamp)', 'expanded.site_timezone'
            ) }} as next_day_start_utc
        from (
            select
                localized.*,
                cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'localized.first_local_date') }} as date)
                    as activity_date
            from localized
            inner join ({{ dbt.generate_series(var('spine_max_days')) }}) as day_numbers
                on day_numbers.generated_number - 1
                <= {{ dbt.datediff('localized.first_local_date', 'localized.last_local_date', 'day') }}
            where localized.first_local_date < localized.last_local_date
        ) as expanded
    ) as bounded
{%- endmacro %}
