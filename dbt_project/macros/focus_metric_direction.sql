{#- +1 when a higher value of the focus metric is better, -1 when lower is better (AHT,
    transfer rate). Multiplying a change by it turns "after - before" into an improvement. -#}
{% macro focus_metric_direction(metric_column) -%}
    case when {{ metric_column }} in ('average_handle_time', 'transfer_rate') then -1 else 1 end
{%- endmacro %}
