{#- Whole seconds from start to end (end - start), portable via dbt.datediff, as bigint. -#}
{% macro seconds_between(start_ts, end_ts) -%}
    cast({{ dbt.datediff(start_ts, end_ts, 'second') }} as bigint)
{%- endmacro %}
