-- Splitting agent states at local midnight conserves time: per agent, logged-in seconds in
-- the agent-day fact equal the summed length of the agent's non-logged_out state intervals.
with

agent_days as (

    select
        agent_id,
        sum(logged_in_seconds) as logged_in_seconds
    from {{ ref('fct_agent_days') }}
    group by agent_id

),

states as (

    select
        agent_id,
        sum({{ seconds_between('started_at', 'ended_at') }}) as logged_in_seconds
    from {{ ref('stg_acd__agent_states') }}
    where state <> 'logged_out'
        and ended_at > started_at
    group by agent_id

)

select
    states.agent_id,
    states.logged_in_seconds as state_seconds,
    agent_days.logged_in_seconds as agent_day_seconds
from states
left join agent_days
    on states.agent_id = agent_days.agent_id
where agent_days.agent_id is null
    or agent_days.logged_in_seconds <> states.logged_in_seconds
