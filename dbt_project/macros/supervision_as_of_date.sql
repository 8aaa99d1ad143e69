{#- The "today" of the supervision marts (what is overdue, pending, how old): var
    supervision_as_of_date (an ISO date) when set, else the latest local day on which an agent
    worked (logged-in time or a handled contact in fct_agent_days; published schedules reach
    into the future and do not count), so a rebuild of old data reads as of its own last day,
    not the wall clock. -#}
{% macro supervision_as_of_date() -%}
    {%- set v = var('supervision_as_of_date', none) -%}
    {%- if v -%}
        cast('{{ v }}' as date)
    {%- else -%}
        (
            select max(activity_date)
            from {{ ref('fct_agent_days') }}
            where logged_in_seconds > 0 or handled > 0
        )
    {%- endif -%}
{%- endmacro %}
