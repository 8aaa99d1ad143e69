{#- Service-level numerator of one row (segment or interval sums) under an abandon treatment
    (see docs/metrics.md, "Service level"):
      ignore, count_against, short_abandons_excluded, answered_only: answered within T
      count_in_favour: answered within T + abandoned within T
                       (+ callback requests within T when callbacks_in_favour, Amazon Connect)
    Arguments are SQL expressions (column names). Linear in the counts, so summing it over
    rows that share a policy equals applying it to the sums. -#}
{% macro sl_numerator(
    treatment,
    callbacks_in_favour,
    answered_within_threshold,
    abandoned_within_threshold,
    callback_requested_within_threshold
) -%}
    case
        when {{ treatment }} = 'count_in_favour'
            then {{ answered_within_threshold }} + {{ abandoned_within_threshold }}
            + case when {{ callbacks_in_favour }} then {{ callback_requested_within_threshold }} else 0 end
        else {{ answered_within_threshold }}
    end
{%- endmacro %}
