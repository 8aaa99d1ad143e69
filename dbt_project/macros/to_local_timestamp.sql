{#- Convert a naive UTC timestamp to the naive wall-clock time of an IANA zone (a column or a
    quoted literal). The DuckDB form first pins the value to UTC (timezone('UTC', ts) gives a
    TIMESTAMPTZ) and then renders it in the zone, so the session TimeZone never matters. -#}
{% macro to_local_timestamp(ts_utc, tz) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'switchboard')(ts_utc, tz)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(ts_utc, tz) -%}
    from_utc_timestamp({{ ts_utc }}, {{ tz }})
{%- endmacro %}

{% macro duckdb__to_local_timestamp(ts_utc, tz) -%}
    timezone({{ tz }}, timezone('UTC', cast({{ ts_utc }} as timestamp)))
{%- endmacro %}


{#- The inverse: a naive wall-clock time in an IANA zone to naive UTC. Ambiguous wall times (the
    repeated hour of a fall-back day) resolve to one of the two instants, so only use it for
    unambiguous times such as local midnight. -#}
{% macro to_utc_timestamp(ts_local, tz) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'switchboard')(ts_local, tz)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(ts_local, tz) -%}
    to_utc_timestamp({{ ts_local }}, {{ tz }})
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(ts_local, tz) -%}
    timezone('UTC', timezone({{ tz }}, cast({{ ts_local }} as timestamp)))
{%- endmacro %}
