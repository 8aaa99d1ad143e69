{#-
    Select typed columns from a source table that a Python asset writes (schema `staffing`), or
    an empty typed result while that table does not exist yet (a fresh warehouse, or a dbt build
    that runs without the Dagster graph, e.g. the fixture tests). `columns` is a list of
    (name, type) pairs; every column is cast so the model's contract holds either way.
    source() is always called so dbt records the lineage at parse time.
-#}
{% macro select_source_or_empty(source_name, table_name, columns) %}
    {%- set src = source(source_name, table_name) -%}
    {%- set relation = none -%}
    {%- if execute -%}
        {%- set relation = adapter.get_relation(database=src.database, schema=src.schema, identifier=src.identifier) -%}
    {%- endif -%}
    select
    {%- for name, type in columns %}
        cast({{ name if relation is not none else 'null' }} as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    {%- if relation is not none %}
    from {{ src }}
    {%- else %}
    where 1 = 0
    {%- endif %}
{% endmacro %}
