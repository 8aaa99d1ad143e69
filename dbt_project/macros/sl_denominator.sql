{#- Service-level denominator of one row under an abandon treatment (docs/metrics.md):
      ignore:                  answered + abandoned - abandoned within T   (Cisco "ignore")
      count_against:           answered + abandoned                        (Cisco "negative", Genesys default)
      count_in_favour:         all removed from queue = answered + abandoned + flowed out
                               + callback requested (= offered)           (Cisco "positive", Amazon Connect)
      short_abandons_excluded: answered + abandoned - short abandoned      (project default)
      answered_only:           answered
    An unknown treatment gives null, which the not_null test on the fact catches. -#}
{% macro sl_denominator(
    treatment,
    answered,
    abandoned,
    short_abandoned,
    abandoned_within_threshold,
    flowed_out,
    callback_requested
) -%}
    case {{ treatment }}
        when 'ignore' then {{ answered }} + {{ abandoned }} - {{ abandoned_within_threshold }}
        when 'count_against' then {{ answered }} + {{ abandoned }}
        when 'count_in_favour' then {{ answered }} + {{ abandoned }} + {{ flowed_out }} + {{ callback_requested }}
        when 'short_abandons_excluded' then {{ answered }} + {{ abandoned }} - {{ short_abandoned }}
        when 'answered_only' then {{ answered }}
    end
{%- endmacro %}
