-- One row per agent x local day with activity (a handled segment or a logged-in state). The
-- day is local to the agent's site (int_agents_located). Team, supervisor and site are the
-- roster's as of that day (int_agent_team_history).
-- Attribution: handled segments and their talk/hold/ACW count on the local day of answer;
-- agent-state time is split at local midnight (int_agent_states_split_to_days).
{%- set reasons = ['break', 'lunch', 'training', 'meeting', 'coaching', 'personal', 'system'] %}
with

segments as (

    select * from {{ ref('int_segments_enriched') }}
    where is_answered and agent_id is not null

),

agents as (

    select * from {{ ref('int_agents_located') }}

),

states as (

    select * from {{ ref('int_agent_states_split_to_days') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

handled as (

    select
        segments.agent_id,
        cast({{ to_local_timestamp('segments.answered_at', 'agents.site_timezone') }} as date) as activity_date,
        count(*) as handled,
        sum(segments.talk_seconds) as talk_seconds,
        sum(segments.hold_seconds) as hold_seconds,
        sum(segments.acw_seconds) as acw_seconds,
        sum(segments.handle_seconds) as handle_seconds,
        sum(case when segments.is_transferred then 1 else 0 end) as transfers,
        sum(segments.hold_count) as holds
    from segments
    inner join agents
        on segments.agent_id = agents.agent_id
    group by
        segments.agent_id,
        cast({{ to_local_timestamp('segments.answered_at', 'agents.site_timezone') }} as date)

),

state_days as (

    select
        agent_id,
        activity_date,
        sum(case when state = 'available' then state_seconds else 0 end) as available_seconds,
        sum(case when state = 'on_contact' then state_seconds else 0 end) as on_contact_seconds,
        sum(case when state = 'acw' then state_seconds else 0 end) as acw_state_seconds,
        sum(case when state = 'aux' then state_seconds else 0 end) as aux_seconds,
        {%- for reason in reasons %}
        sum(case when state = 'aux' and reason_code = '{{ reason }}' then state_seconds else 0 end)
            as aux_{{ reason }}_seconds,
        {%- endfor %}
        sum(state_seconds) as logged_in_seconds
    from states
    group by agent_id, activity_date

),

agent_days as (

    select agent_id, activity_date from handled
    union
    select agent_id, activity_date from state_days

),

final as (

    select
        -- keys
        cast(agent_days.agent_id as string) as agent_id,
        cast(agent_days.activity_date as date) as activity_date,
        cast(history.team_id as string) as team_id,
        cast(history.supervisor_id as string) as supervisor_id,
        cast(coalesce(history.site_id, agents.site_id) as string) as site_id,
        cast(agents.site_timezone as string) as site_timezone,
        -- handled contacts (day of answer)
        cast(coalesce(handled.handled, 0) as bigint) as handled,
        cast(coalesce(handled.talk_seconds, 0) as bigint) as talk_seconds,
        cast(coalesce(handled.hold_seconds, 0) as bigint) as hold_seconds,
        cast(coalesce(handled.acw_seconds, 0) as bigint) as acw_seconds,
        cast(coalesce(handled.handle_seconds, 0) as bigint) as handle_seconds,
        cast(coalesce(handled.transfers, 0) as bigint) as transfers,
        cast(coalesce(handled.holds, 0) as bigint) as holds,
        -- agent-state time (split at local midnight)
        cast(coalesce(state_days.available_seconds, 0) as bigint) as available_seconds,
        cast(coalesce(state_days.on_contact_seconds, 0) as bigint) as on_contact_seconds,
        cast(coalesce(state_days.acw_state_seconds, 0) as bigint) as acw_state_seconds,
        cast(coalesce(state_days.aux_seconds, 0) as bigint) as aux_seconds,
        {%- for reason in reasons %}
        cast(coalesce(state_days.aux_{{ reason }}_seconds, 0) as bigint) as aux_{{ reason }}_seconds,
        {%- endfor %}
        cast(coalesce(state_days.logged_in_seconds, 0) as bigint) as logged_in_seconds

    from agent_days
    inner join agents
        on agent_days.agent_id = agents.agent_id
    left join handled
        on agent_days.agent_id = handled.agent_id
        and agent_days.activity_date = handled.activity_date
    left join state_days
        on agent_days.agent_id = state_days.agent_id
        and agent_days.activity_date = state_days.activity_date
    left join history
        on agent_days.agent_id = history.agent_id
        and agent_days.activity_date >= history.valid_from
        and agent_days.activity_date < history.valid_to

)

select * from final
