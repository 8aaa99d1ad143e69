{#- Convert a naive UTC timestamp to the naive wall-clock time of an IANA zone (a column or a
    quoted literal). The DuckDB form first pins the value to UTC and then renders it in the
    zone, so the session TimeZone never matters. The pin is arithmetic (make_timestamptz of the
    epoch microseconds: the same instant as timezone('UTC', ts), without a calendar lookup):
    the 30 M agent-state starts of a year convert in 1.3 s instead of 2.15 s. -#}
{% macro to_local_timestamp(ts_utc, tz) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'switchboard')(ts_utc, tz)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(ts_utc, tz) -%}
    from_utc_timestamp({{ ts_utc }}, {{ tz }})
{%- endmacro %}

{% macro duckdb__to_local_timestamp(ts_utc, tz) -%}
    timezone({{ tz }}, make_timestamptz(epoch_us(cast({{ ts_utc }} as timestamp))))
{%- endmacro %}


{#- The inverse: a naive wall-clock time in an IANA zone to naive UTC. Ambiguous wall times (the
    repeated hour of a fall-back day) resolve to one of the two instants, so only use it for
    unambiguous times such as local midnight. The DuckDB form reads the instant's UTC time
    arithmetically (make_timestamp of its epoch microseconds), as to_local_timestamp pins it. -#}
{% macro to_utc_timestamp(ts_local, tz) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'switchboard')(ts_local, tz)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(ts_local, tz) -%}
    to_utc_timestamp({{ ts_local }}, {{ tz }})
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(ts_local, tz) -%}
    make_timestamp(epoch_us(timezone({{ tz }}, cast({{ ts_local }} as timestamp))))
{%- endmacro %}
