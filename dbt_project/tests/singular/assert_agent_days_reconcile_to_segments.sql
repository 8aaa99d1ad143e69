-- Every answered segment with an agent is handled on exactly one agent day: handled counts
-- and handle seconds of the agent-day fact equal the segment fact's, per agent.
with

agent_days as (

    select
        agent_id,
        sum(handled) as handled,
        sum(handle_seconds) as handle_seconds
    from {{ ref('fct_agent_days') }}
    group by agent_id

),

segments as (

    select
        agent_id,
        count(*) as handled,
        sum(handle_seconds) as handle_seconds
    from {{ ref('fct_contact_segments') }}
    where is_answered and agent_id is not null
    group by agent_id

)

select
    segments.agent_id,
    segments.handled as segment_handled,
    agent_days.handled as agent_day_handled
from segments
left join agent_days
    on segments.agent_id = agent_days.agent_id
where agent_days.agent_id is null
    or agent_days.handled <> segments.handled
    or agent_days.handle_seconds <> segments.handle_seconds
