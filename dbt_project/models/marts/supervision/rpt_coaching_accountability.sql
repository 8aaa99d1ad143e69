-- One row per agent with at least one coaching session: commitments kept and broken as of the
-- as-of date, and the flag for the formal correction process.
--   * Lookback: follow-up dates in [as_of - correction_lookback_days (90), as_of].
--   * is_flagged_for_correction: unmet commitments in the lookback >= correction_unmet_threshold (2).
--   * Team and supervisor: the agent's current roster (dim_agents) - who must act now.
{%- set lookback = var('correction_lookback_days', 90) %}
with

sessions as (

    select * from {{ ref('fct_coaching_sessions') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

flagged as (

    select
        *,
        case
            when follow_up_due_on is not null
                and follow_up_due_on between {{ dbt.dateadd('day', -lookback, 'as_of_date') }} and as_of_date
            then 1 else 0
        end as in_lookback
    from sessions

),

per_agent as (

    select
        agent_id,
        max(as_of_date) as as_of_date,
        count(*) as sessions,
        max(held_date) as last_session_date,
        sum(case when commitment_status = 'met' then 1 else 0 end) as commitments_met,
        sum(case when commitment_status = 'not_met' then 1 else 0 end) as commitments_not_met,
        sum(case when commitment_status = 'pending' then 1 else 0 end) as commitments_pending,
        sum(case when in_lookback = 1 and commitment_status = 'met' then 1 else 0 end) as met_in_lookback,
        sum(case when in_lookback = 1 and commitment_status = 'not_met' then 1 else 0 end) as not_met_in_lookback,
        sum(case when follow_up_status = 'overdue' then 1 else 0 end) as overdue_follow_ups,
        sum(case when follow_up_status = 'due' then 1 else 0 end) as due_follow_ups,
        min(case when follow_up_status in ('upcoming', 'due', 'overdue') then follow_up_due_on end) as next_follow_up_due_on
    from flagged
    group by agent_id

),

unmet_metrics as (

    select
        agent_id,
        {{ dbt.listagg('distinct focus_metric', "', '") }} as unmet_focus_metrics
    from flagged
    where in_lookback = 1 and commitment_status = 'not_met'
    group by agent_id

)

select
    p.agent_id,
    a.full_name,
    a.team_id,
    a.supervisor_id,
    p.as_of_date,
    cast(p.sessions as bigint) as sessions,
    p.last_session_date,
    cast(p.commitments_met as bigint) as commitments_met,
    cast(p.commitments_not_met as bigint) as commitments_not_met,
    cast(p.commitments_pending as bigint) as commitments_pending,
    cast(p.met_in_lookback as bigint) as met_in_lookback,
    cast(p.not_met_in_lookback as bigint) as not_met_in_lookback,
    u.unmet_focus_metrics,
    cast(p.overdue_follow_ups as bigint) as overdue_follow_ups,
    cast(p.due_follow_ups as bigint) as due_follow_ups,
    p.next_follow_up_due_on,
    p.not_met_in_lookback >= {{ var('correction_unmet_threshold', 2) }} as is_flagged_for_correction
from per_agent as p
left join agents as a on a.agent_id = p.agent_id
left join unmet_metrics as u on u.agent_id = p.agent_id
