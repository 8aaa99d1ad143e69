{#-
    Select `columns` (a list of (name, type) pairs) from `relation`, each cast to its type: the
    staffing marts publish the tables of the dbt Python models (models/intermediate/staffing),
    whose column types follow pandas, under a contract with the types written here.
-#}
{% macro select_typed(relation, columns) %}
    select
    {%- for name, type in columns %}
        cast({{ name }} as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ relation }}
{% endmacro %}
