{#- Tenure band of an agent hired on `hire_date` as of `as_of_date` (calendar months, so
    "3 months" is hire date + 3 months, not 90 days):
      '0-3 months' | '3-12 months' | '1-3 years' | '3+ years'; null when hire_date is null. -#}
{% macro tenure_band(hire_date, as_of_date) -%}
    case
        when {{ hire_date }} is null or {{ as_of_date }} is null then null
        when {{ as_of_date }} < {{ dbt.dateadd('month', 3, hire_date) }} then '0-3 months'
        when {{ as_of_date }} < {{ dbt.dateadd('month', 12, hire_date) }} then '3-12 months'
        when {{ as_of_date }} < {{ dbt.dateadd('month', 36, hire_date) }} then '1-3 years'
        else '3+ years'
    end
{%- endmacro %}
