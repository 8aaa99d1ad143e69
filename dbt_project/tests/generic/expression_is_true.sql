{#- Every row satisfies a boolean SQL expression (an arithmetic identity, a range). Rows
    failing it are returned. `where` (config) narrows the rows checked as usual. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
