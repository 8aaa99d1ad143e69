{#- The aux reason codes and schedule activities with a column of their own in the agent facts. -#}
{% macro agent_interval_aux_reasons() -%}
    {{ return(['break', 'lunch', 'training', 'meeting', 'coaching', 'personal', 'system']) }}
{%- endmacro %}

{% macro agent_interval_activities() -%}
    {{ return(['on_queue', 'break', 'lunch', 'training', 'meeting', 'coaching', 'off']) }}
{%- endmacro %}


{#- The agent-state seconds columns of the agent facts (by state and aux reason, and logged in)
    as sums of `seconds_col` over rows with `state` and `reason_code`: fct_agent_days sums the
    day pieces, int_agent_state_intervals_15m the interval pieces. -#}
{% macro agent_state_seconds_sums(seconds_col) -%}
    sum(case when state = 'available' then {{ seconds_col }} else 0 end) as available_seconds,
    sum(case when state = 'on_contact' then {{ seconds_col }} else 0 end) as on_contact_seconds,
    sum(case when state = 'acw' then {{ seconds_col }} else 0 end) as acw_state_seconds,
    sum(case when state = 'aux' then {{ seconds_col }} else 0 end) as aux_seconds,
    {%- for reason in agent_interval_aux_reasons() %}
    sum(case when state = 'aux' and reason_code = '{{ reason }}' then {{ seconds_col }} else 0 end)
        as aux_{{ reason }}_seconds,
    {%- endfor %}
    sum({{ seconds_col }}) as logged_in_seconds
{%- endmacro %}


{#- The schedule and adherence seconds columns of the agent facts (scheduled by activity and
    working, adherent, forgiven, off-logged-in) as sums of `seconds_col` over adherence ranges
    with `range_kind` and `activity`: fct_agent_days sums the day ranges,
    int_agent_schedule_intervals_15m the interval pieces. -#}
{% macro agent_schedule_seconds_sums(seconds_col) -%}
    {%- for activity in agent_interval_activities() %}
    sum(case when range_kind = 'scheduled' and activity = '{{ activity }}' then {{ seconds_col }} else 0 end)
        as scheduled_{{ activity }}_seconds,
    {%- endfor %}
    sum(case when range_kind = 'scheduled' and activity <> 'off' then {{ seconds_col }} else 0 end)
        as scheduled_work_seconds,
    sum(case when range_kind in ('matched', 'forgiven') then {{ seconds_col }} else 0 end) as adherent_seconds,
    sum(case when range_kind = 'forgiven' then {{ seconds_col }} else 0 end) as adherence_forgiven_seconds,
    sum(case when range_kind = 'off_logged_in' then {{ seconds_col }} else 0 end) as off_logged_in_seconds
{%- endmacro %}


{#- The measures of the agent-interval facts, in their column order: every one is a sum of
    counts or seconds over the interval, so a coarser interval is the sum of its finer ones. -#}
{% macro agent_interval_measures() -%}
    {%- set reasons = agent_interval_aux_reasons() -%}
    {%- set activities = agent_interval_activities() -%}
    {%- set out = ['handled', 'talk_seconds', 'hold_seconds', 'acw_seconds', 'handle_seconds', 'transfers', 'holds',
                   'available_seconds', 'on_contact_seconds', 'acw_state_seconds', 'aux_seconds'] -%}
    {%- for reason in reasons %}{% do out.append('aux_' ~ reason ~ '_seconds') %}{% endfor -%}
    {%- do out.extend(['logged_in_seconds', 'on_queue_seconds']) -%}
    {%- for activity in activities %}{% do out.append('scheduled_' ~ activity ~ '_seconds') %}{% endfor -%}
    {%- do out.extend(['scheduled_work_seconds', 'adherent_seconds', 'adherence_forgiven_seconds', 'off_adherent_seconds']) -%}
    {{ return(out) }}
{%- endmacro %}


{#- The agent-interval fact at `minutes` (a multiple of the finer fact's interval, dividing 60)
    summed from a finer agent-interval fact (fct_agent_intervals_15m): one pass over the agent
    states and schedules builds both grains, instead of one split of every state and schedule
    range per grain. A coarse interval's finer intervals share its local date, hence its team,
    supervisor and site (the roster's on that date), for every zone whose UTC offset is a
    multiple of `minutes` (the same condition as split_to_intervals'). -#}
{% macro agent_interval_rollup(fine, minutes) -%}
{%- set measures = agent_interval_measures() %}
with

fine as (

    select * from {{ fine }}
    where {{ window_filter('interval_date') }}

),

rolled as (

    select
        agent_id,
        cast({{ interval_start('interval_start_utc', minutes) }} as timestamp) as interval_start_utc,
        min(team_id) as team_id,
        min(supervisor_id) as supervisor_id,
        min(site_id) as site_id,
        min(site_timezone) as site_timezone,
        {%- for m in measures %}
        sum({{ m }}) as {{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from fine
    group by
        agent_id,
        cast({{ interval_start('interval_start_utc', minutes) }} as timestamp)

),

final as (

    select
        cast(agent_id as string) as agent_id,
        cast(interval_start_utc as timestamp) as interval_start_utc,
        cast({{ to_local_timestamp('interval_start_utc', 'site_timezone') }} as timestamp) as interval_start_local,
        cast({{ to_local_timestamp('interval_start_utc', 'site_timezone') }} as date) as interval_date,
        cast({{ minutes }} as integer) as interval_minutes,
        cast(team_id as string) as team_id,
        cast(supervisor_id as string) as supervisor_id,
        cast(site_id as string) as site_id,
        cast(site_timezone as string) as site_timezone,
        {%- for m in measures %}
        cast({{ m }} as bigint) as {{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from rolled

)

select * from final
{%- endmacro %}
