{#- Start of the `minutes`-long interval (minutes divides 60) that contains a timestamp,
    truncating in whatever clock the timestamp is in (use the local timestamp for local
    intervals). Portable: date_trunc + dateadd + extract. -#}
{% macro interval_start(ts, minutes=none) -%}
    {%- set minutes = minutes if minutes is not none else var('interval_minutes') -%}
    {{ dbt.dateadd(
        'minute',
        'cast(floor(extract(minute from ' ~ ts ~ ') / ' ~ minutes ~ ') * ' ~ minutes ~ ' as integer)',
        dbt.date_trunc('hour', ts)
    ) }}
{%- endmacro %}
