{#- The value of several columns taken together from the row of a group with the lowest
    (first_record) or highest (last_record) ordering key, in one pass of the group-by: the
    replacement for "row_number() over (partition by ... order by ...) = 1" joined back, which
    costs a sort of every row per ordering.

    fields:   a dict of output field name -> SQL expression (insertion order kept);
    order_by: a list of SQL expressions compared left to right (the ordering must be total,
              e.g. end with a unique id, for the result to be deterministic);
    where:    optional SQL condition; rows where it is not true are ignored (null if none is).

    The result is a struct; read a field as <alias>.<name> (DuckDB and Spark alike). The
    fields are packed into one struct because min_by/max_by skip rows whose value is null:
    a struct is never null, so a null field is returned as it is. -#}
{% macro first_record(fields, order_by, where=none) -%}
    min_by({{ switchboard.record(fields) }}, {{ switchboard._order_key(order_by, where) }})
{%- endmacro %}

{% macro last_record(fields, order_by, where=none) -%}
    max_by({{ switchboard.record(fields) }}, {{ switchboard._order_key(order_by, where) }})
{%- endmacro %}

{% macro _order_key(order_by, where) -%}
    {%- set key = {} -%}
    {%- for expression in order_by -%}
        {%- do key.update({'k' ~ loop.index: expression}) -%}
    {%- endfor -%}
    {%- if where is not none -%}
        case when {{ where }} then {{ switchboard.record(key) }} end
    {%- else -%}
        {{ switchboard.record(key) }}
    {%- endif -%}
{%- endmacro %}

{#- A struct with named fields from a dict of name -> SQL expression. -#}
{% macro record(fields) -%}
    {{ return(adapter.dispatch('record', 'switchboard')(fields)) }}
{%- endmacro %}

{% macro default__record(fields) -%}
    named_struct({% for name, expression in fields.items() %}'{{ name }}', {{ expression }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% macro duckdb__record(fields) -%}
    struct_pack({% for name, expression in fields.items() %}{{ name }} := {{ expression }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
