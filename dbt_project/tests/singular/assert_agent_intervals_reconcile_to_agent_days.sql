-- The agent-interval facts (default length and 15 minutes) lose and double-count nothing:
-- per agent and local day, their sums equal fct_agent_days (handled and handle time by the
-- interval of answer; state, scheduled and adherent seconds cut at interval boundaries).
-- Returns the agent days that disagree. An incremental run checks the days it recomputed
-- (tested_days); a full build every day.
{%- set measures = [
    'handled', 'handle_seconds', 'transfers', 'holds', 'available_seconds', 'on_contact_seconds',
    'acw_state_seconds', 'aux_seconds', 'logged_in_seconds', 'scheduled_on_queue_seconds',
    'scheduled_work_seconds', 'scheduled_off_seconds', 'adherent_seconds',
    'adherence_forgiven_seconds', 'off_adherent_seconds',
] %}
with

agent_days as (

    select * from {{ ref('fct_agent_days') }}
    where {{ tested_days('activity_date', lookback=false) }}

),

{%- for model in ['fct_agent_intervals', 'fct_agent_intervals_15m'] %}

{{ model }}_days as (

    select
        agent_id,
        interval_date as activity_date,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref(model) }}
    where {{ tested_days('interval_date', lookback=false) }}
    group by agent_id, interval_date

),

{{ model }}_mismatches as (

    select
        '{{ model }}' as model_name,
        coalesce(intervals.agent_id, agent_days.agent_id) as agent_id,
        coalesce(intervals.activity_date, agent_days.activity_date) as activity_date
    from {{ model }}_days as intervals
    full outer join agent_days
        on intervals.agent_id = agent_days.agent_id
        and intervals.activity_date = agent_days.activity_date
    where
        -- agent days with nothing to cut into intervals (timesheet or leave only) have no intervals
        (intervals.agent_id is null and (
            {%- for measure in measures %}
            agent_days.{{ measure }} <> 0{% if not loop.last %} or{% endif %}
            {%- endfor %}
        ))
        or agent_days.agent_id is null
        {%- for measure in measures %}
        or intervals.{{ measure }} <> agent_days.{{ measure }}
        {%- endfor %}

){% if not loop.last %},{% endif %}
{%- endfor %}

select * from fct_agent_intervals_mismatches
union all
select * from fct_agent_intervals_15m_mismatches
