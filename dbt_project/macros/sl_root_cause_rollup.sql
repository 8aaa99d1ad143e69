{#- Root-cause roll-up of fct_staffing_intervals to `period_expr` (see rpt_sl_root_cause_daily).

    One row per queue x period with contacts (an interval with sl_denominator > 0). The interval
    counts cover every such interval; every other column covers only the attributed intervals
    (those with a root cause, i.e. with a forecast: contribution_residual is not null), so the
    SL, volume, hours and contributions describe the same set and the decomposition is exact.
    Intervals without a forecast (the first lead_days days of history) are not attributed: a
    period made only of them keeps its counts and has null sums and ratios. -#}
{% macro sl_root_cause_rollup(relation, period_expr, period_name) %}
{%- set parts = ['headroom', 'volume', 'aht', 'planning', 'adherence', 'residual'] -%}
{%- set sums = ['offered', 'offered_forecast', 'sl_numerator', 'sl_denominator', 'required_hours_forecast',
                'scheduled_hours', 'staffed_hours', 'gap_scheduled_hours', 'gap_staffed_hours'] -%}
with

intervals as (

    select
        queue_id,
        cast({{ period_expr }} as date) as period_start,
        contribution_residual is not null as is_attributed,
        has_forecast,
        is_missed,
        sl_target,
        {%- for s in sums %}
        {{ s }},
        {%- endfor %}
        {%- for p in parts %}
        contribution_{{ p }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    where kind = 'actual'
        and sl_denominator > 0

),

rolled as (

    select
        queue_id,
        period_start,
        count(*) as intervals_with_contacts,
        sum(case when is_missed then 1 else 0 end) as intervals_missed,
        sum(case when is_attributed then 1 else 0 end) as intervals_attributed,
        sum(case when is_missed and not has_forecast then 1 else 0 end) as intervals_missed_without_forecast,
        {%- for s in sums %}
        sum(case when is_attributed then {{ s }} end) as {{ s }},
        {%- endfor %}
        sum(case when is_attributed then sl_target * sl_denominator end) as sl_target_weighted,
        {%- for p in parts %}
        sum(case when is_attributed then contribution_{{ p }} * sl_denominator end)
            as contribution_{{ p }}_weighted{{ ',' if not loop.last }}
        {%- endfor %}
    from intervals
    group by queue_id, period_start

),

final as (

    select
        queue_id,
        period_start as {{ period_name }}_start,
        cast(intervals_with_contacts as bigint) as intervals_with_contacts,
        cast(intervals_missed as bigint) as intervals_missed,
        cast(intervals_attributed as bigint) as intervals_attributed,
        cast(intervals_missed_without_forecast as bigint) as intervals_missed_without_forecast,
        offered,
        offered_forecast,
        sl_numerator,
        sl_denominator,
        {{ safe_ratio('sl_numerator', 'sl_denominator') }} as sl_realised,
        {{ safe_ratio('sl_target_weighted', 'sl_denominator') }} as sl_target,
        {{ safe_ratio('sl_numerator', 'sl_denominator') }}
            - {{ safe_ratio('sl_target_weighted', 'sl_denominator') }} as sl_gap,
        required_hours_forecast,
        scheduled_hours,
        staffed_hours,
        gap_scheduled_hours,
        gap_staffed_hours,
        sl_target_weighted,
        {%- for p in parts %}
        contribution_{{ p }}_weighted,
        {{ safe_ratio('contribution_' ~ p ~ '_weighted', 'sl_denominator') }} as contribution_{{ p }}{{ ',' if not loop.last }}
        {%- endfor %}
    from rolled

)

select * from final
{% endmacro %}
