{#- Root-cause roll-up of fct_staffing_intervals to `period_expr` (see rpt_sl_root_cause_daily). -#}
{% macro sl_root_cause_rollup(relation, period_expr, period_name) %}
{%- set parts = ['headroom', 'volume', 'aht', 'planning', 'adherence', 'residual'] -%}
with

intervals as (

    select
        queue_id,
        cast({{ period_expr }} as date) as period_start,
        sl_denominator,
        sl_numerator,
        sl_target,
        offered,
        offered_forecast,
        is_missed,
        gap_scheduled_hours,
        gap_staffed_hours,
        required_hours_forecast,
        scheduled_hours,
        staffed_hours,
        {%- for p in parts %}
        contribution_{{ p }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    where kind = 'actual'
        and contribution_residual is not null
        and sl_denominator > 0

),

rolled as (

    select
        queue_id,
        period_start,
        count(*) as intervals_with_contacts,
        sum(case when is_missed then 1 else 0 end) as intervals_missed,
        sum(offered) as offered,
        sum(offered_forecast) as offered_forecast,
        sum(sl_numerator) as sl_numerator,
        sum(sl_denominator) as sl_denominator,
        sum(sl_target * sl_denominator) as sl_target_weighted,
        sum(required_hours_forecast) as required_hours_forecast,
        sum(scheduled_hours) as scheduled_hours,
        sum(staffed_hours) as staffed_hours,
        sum(gap_scheduled_hours) as gap_scheduled_hours,
        sum(gap_staffed_hours) as gap_staffed_hours,
        {%- for p in parts %}
        sum(contribution_{{ p }} * sl_denominator) as contribution_{{ p }}_weighted{{ ',' if not loop.last }}
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
        offered,
        offered_forecast,
        sl_numerator,
        sl_denominator,
        sl_numerator / sl_denominator as sl_realised,
        sl_target_weighted / sl_denominator as sl_target,
        sl_numerator / sl_denominator - sl_target_weighted / sl_denominator as sl_gap,
        required_hours_forecast,
        scheduled_hours,
        staffed_hours,
        gap_scheduled_hours,
        gap_staffed_hours,
        sl_target_weighted,
        {%- for p in parts %}
        contribution_{{ p }}_weighted,
        contribution_{{ p }}_weighted / sl_denominator as contribution_{{ p }}{{ ',' if not loop.last }}
        {%- endfor %}
    from rolled

)

select * from final
{% endmacro %}
