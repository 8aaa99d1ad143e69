{#- Ratio of two additive sums, null when the denominator is 0 or null (never a division by
    zero, never 0/0 = 0). Both sides are cast to double so integer sums divide exactly.
    Use it on sums, never on averages: safe_ratio('sum(handle_seconds)', 'sum(handled)'). -#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as double) / cast({{ denominator }} as double)
    end
{%- endmacro %}
