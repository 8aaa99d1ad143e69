{#- None of `columns` is null: one query for many columns (a not_null test each would scan the
    model once per column). A failing row says which of its columns are null. For a view, whose
    columns carry no constraints (fct_contact_segments). -#}
{% test not_null_columns(model, columns) %}

select
    {%- for column in columns %}
    {{ column }} is null as {{ column }}_is_null{{ "," if not loop.last }}
    {%- endfor %}
from {{ model }}
where
    {%- for column in columns %}
    {{ column }} is null{{ " or" if not loop.last }}
    {%- endfor %}

{% endtest %}
