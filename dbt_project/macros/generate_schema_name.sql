{#- Use a folder's custom schema verbatim (staging, intermediate) instead of dbt's default
    <target_schema>_<custom> prefix; models without one land in the target schema (main). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
