-- One row per coaching session (hr/coaching_sessions) with the accountability facts:
--   * before / after: the focus metric over the agent's days [held - coaching_before_days,
--     held - 1] and [held + 1, held + coaching_after_days] (local dates; the session day itself
--     is in neither), as sum(numerator) / sum(denominator) (int_agent_focus_metric_days).
--   * control: the same metric, pooled over every other agent who had no session on the same
--     focus metric from held - before to held + after, over the same two windows. The
--     difference-in-differences (change - control change) removes what moved for everyone
--     (seasonality, a queue-wide outage); rpt_coaching_effects averages it across sessions.
--   * follow-up: the metric from held + 1 to follow_up_due_on, compared with target_value in
--     the metric's direction (lower is better for AHT and transfer rate).
--   * commitment_status: no_target (no target or no follow-up date) | pending (follow-up date
--     after the as-of date) | no_data (nothing measured in the follow-up window) | met | not_met.
--   * follow_up_status: no_follow_up_date | done (a later session with the agent held by
--     due + coaching_follow_up_grace_days) | late (a later session, held after due + grace) |
--     agent_left (no later session; the agent left before the as-of date) | upcoming (due after
--     as-of) | due (due date passed within the grace) | overdue (grace passed, no later session).
--     Only upcoming / due / overdue are open: a later session closes a follow-up, on time or
--     not, so an agent has at most one open follow-up (that of their latest session).
-- As-of date: macros/supervision_as_of_date.sql (latest activity day unless var set).
{%- set before_days = var('coaching_before_days', 14) %}
{%- set after_days = var('coaching_after_days', 14) %}
{%- set grace_days = var('coaching_follow_up_grace_days', 7) %}
{#- a control key's (k) sums over the metric days (m) of its before and after windows -#}
{%- set control_window_sums -%}
sum(case when m.metric_date <= k.before_end then m.numerator end) as before_numerator,
        sum(case when m.metric_date <= k.before_end then m.denominator end) as before_denominator,
        sum(case when m.metric_date >= k.after_start then m.numerator end) as after_numerator,
        sum(case when m.metric_date >= k.after_start then m.denominator end) as after_denominator
{%- endset %}
with

sessions as (

    select * from {{ ref('stg_hr__coaching_sessions') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

metric_days as (

    select * from {{ ref('int_agent_focus_metric_days') }}

),

as_of as (

    select {{ supervision_as_of_date() }} as as_of_date

),

located as (

    select
        s.session_id,
        s.agent_id,
        s.supervisor_id,
        s.focus_metric,
        s.baseline_value,
        s.target_value,
        s.commitment,
        s.held_at,
        s.follow_up_due_on,
        a.site_timezone,
        a.termination_date as agent_termination_date,
        cast({{ to_local_timestamp('s.held_at', "coalesce(a.site_timezone, '" ~ var('default_timezone') ~ "')") }} as date) as held_date
    from sessions as s
    left join agents as a
        on s.agent_id = a.agent_id

),

windowed as (

    select
        located.*,
        {{ dbt.dateadd('day', -before_days, 'held_date') }} as before_start,
        {{ dbt.dateadd('day', -1, 'held_date') }} as before_end,
        {{ dbt.dateadd('day', 1, 'held_date') }} as after_start,
        {{ dbt.dateadd('day', after_days, 'held_date') }} as after_end
    from located

),

own as (

    select
        w.session_id,
        sum(case when m.metric_date between w.before_start and w.before_end then m.numerator end) as before_numerator,
        sum(case when m.metric_date between w.before_start and w.before_end then m.denominator end) as before_denominator,
        sum(case when m.metric_date between w.after_start and w.after_end then m.numerator end) as after_numerator,
        sum(case when m.metric_date between w.after_start and w.after_end then m.denominator end) as after_denominator,
        sum(case when m.metric_date between w.after_start and w.follow_up_due_on then m.numerator end) as follow_up_numerator,
        sum(case when m.metric_date between w.after_start and w.follow_up_due_on then m.denominator end) as follow_up_denominator
    from windowed as w
    inner join metric_days as m
        on m.agent_id = w.agent_id
        and m.focus_metric = w.focus_metric
        and m.metric_date >= w.before_start
        and m.metric_date <= case
            when w.follow_up_due_on > w.after_end then w.follow_up_due_on else w.after_end
        end
    group by w.session_id

),

-- The control depends on a session only through its focus metric and its day (the windows
-- are the day's, and the session's own agent is among those coached in them), so it is
-- computed once per (focus metric, day) with sessions, not once per session (a busy day has
-- many sessions).
control_keys as (

    select distinct
        focus_metric,
        held_date,
        before_start,
        before_end,
        after_start,
        after_end
    from windowed

),

-- Agents coached on the same focus metric at any time in the windows are not controls.
coached_in_window as (

    select distinct
        k.focus_metric,
        k.held_date,
        c.agent_id
    from control_keys as k
    inner join located as c
        on c.focus_metric = k.focus_metric
        and c.held_date between k.before_start and k.after_end

),

-- The control, per key, without joining each key to every other agent's days of its window
-- (2,400 keys x 28 days x ~400 agents a day at a year of a 500-seat center, 21 M joined rows:
-- the mart's largest cost, 1.4-1.6 s alone, growing with history; 0.6 s this way, with the same
-- counts and sums equal up to the order of floating-point additions): the sums over the window
-- are the sums of the daily totals of all agents minus the days of the agents coached in the
-- window (few); the agents with a day in the window are counted from each agent's runs of days
-- (below), minus the coached ones. Unit test: _supervision__unit_tests.yml.
daily_totals as (

    select
        focus_metric,
        metric_date,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from metric_days
    group by focus_metric, metric_date

),

window_totals as (

    select
        k.focus_metric,
        k.held_date,
        {{ control_window_sums }}
    from control_keys as k
    inner join daily_totals as m
        on m.focus_metric = k.focus_metric
        and m.metric_date between k.before_start and k.after_end
        and m.metric_date <> k.held_date
    group by k.focus_metric, k.held_date

),

coached_days as (

    select
        k.focus_metric,
        k.held_date,
        count(distinct m.agent_id) as agents,
        {{ control_window_sums }}
    from control_keys as k
    inner join coached_in_window as x
        on x.focus_metric = k.focus_metric
        and x.held_date = k.held_date
    inner join metric_days as m
        on m.focus_metric = k.focus_metric
        and m.agent_id = x.agent_id
        and m.metric_date between k.before_start and k.after_end
        and m.metric_date <> k.held_date
    group by k.focus_metric, k.held_date

),

-- An agent's day d is in the window of the days held from d - after_days to d + before_days
-- (but not of d itself). Consecutive days at most before_days + after_days + 1 apart give
-- overlapping or adjacent ranges, so each run of such days covers the held days from its first
-- day - after_days to its last day + before_days, and an agent has a day in a key's window
-- exactly when a run covers the key's held day, unless that day is the agent's only day in the
-- window: a day with no other day from d - before_days to d + after_days.
agent_days_ordered as (

    select
        focus_metric,
        agent_id,
        metric_date,
        lag(metric_date) over (partition by focus_metric, agent_id order by metric_date) as previous_date,
        lead(metric_date) over (partition by focus_metric, agent_id order by metric_date) as next_date
    from metric_days

),

agent_day_runs as (

    select
        *,
        sum(case
            when previous_date is null
                or {{ dbt.datediff('previous_date', 'metric_date', 'day') }} > {{ before_days + after_days + 1 }}
            then 1 else 0
        end) over (partition by focus_metric, agent_id order by metric_date rows unbounded preceding) as run_number
    from agent_days_ordered

),

covered_ranges as (

    select
        focus_metric,
        agent_id,
        {{ dbt.dateadd('day', -after_days, 'min(metric_date)') }} as covers_from,
        {{ dbt.dateadd('day', before_days, 'max(metric_date)') }} as covers_to
    from agent_day_runs
    group by focus_metric, agent_id, run_number

),

lone_days as (

    select focus_metric, agent_id, metric_date
    from agent_days_ordered
    where (previous_date is null or {{ dbt.datediff('previous_date', 'metric_date', 'day') }} > {{ before_days }})
        and (next_date is null or {{ dbt.datediff('metric_date', 'next_date', 'day') }} > {{ after_days }})

),

agents_in_window as (

    select
        k.focus_metric,
        k.held_date,
        count(*) - coalesce(max(lone.lone_agents), 0) as agents
    from control_keys as k
    inner join covered_ranges as r
        on r.focus_metric = k.focus_metric
        and k.held_date between r.covers_from and r.covers_to
    left join (
        select focus_metric, metric_date, count(*) as lone_agents
        from lone_days
        group by focus_metric, metric_date
    ) as lone
        on lone.focus_metric = k.focus_metric
        and lone.metric_date = k.held_date
    group by k.focus_metric, k.held_date

),

control as (

    select
        k.focus_metric,
        k.held_date,
        coalesce(a.agents, 0) - coalesce(c.agents, 0) as control_agents,
        t.before_numerator - coalesce(c.before_numerator, 0) as control_before_numerator,
        t.before_denominator - coalesce(c.before_denominator, 0) as control_before_denominator,
        t.after_numerator - coalesce(c.after_numerator, 0) as control_after_numerator,
        t.after_denominator - coalesce(c.after_denominator, 0) as control_after_denominator
    from control_keys as k
    left join window_totals as t
        on t.focus_metric = k.focus_metric and t.held_date = k.held_date
    left join agents_in_window as a
        on a.focus_metric = k.focus_metric and a.held_date = k.held_date
    left join coached_days as c
        on c.focus_metric = k.focus_metric and c.held_date = k.held_date

),

-- The first later session with the same agent: the follow-up conversation, if any.
next_session as (

    select
        w.session_id,
        min(n.held_date) as next_session_date
    from windowed as w
    inner join located as n
        on n.agent_id = w.agent_id
        and n.held_at > w.held_at
    group by w.session_id

),

valued as (

    select
        w.*,
        h.team_id,
        {{ focus_metric_direction('w.focus_metric') }} as metric_direction,
        {{ safe_ratio('o.before_numerator', 'o.before_denominator') }} as before_value,
        {{ safe_ratio('o.after_numerator', 'o.after_denominator') }} as after_value,
        {{ safe_ratio('o.follow_up_numerator', 'o.follow_up_denominator') }} as follow_up_value,
        coalesce(o.before_denominator, 0) as before_volume,
        coalesce(o.after_denominator, 0) as after_volume,
        coalesce(o.follow_up_denominator, 0) as follow_up_volume,
        coalesce(c.control_agents, 0) as control_agents,
        {{ safe_ratio('c.control_before_numerator', 'c.control_before_denominator') }} as control_before_value,
        {{ safe_ratio('c.control_after_numerator', 'c.control_after_denominator') }} as control_after_value,
        n.next_session_date,
        a.as_of_date
    from windowed as w
    cross join as_of as a
    left join own as o on o.session_id = w.session_id
    left join control as c on c.focus_metric = w.focus_metric and c.held_date = w.held_date
    left join next_session as n on n.session_id = w.session_id
    left join history as h
        on h.agent_id = w.agent_id
        and w.held_date >= h.valid_from
        and w.held_date < h.valid_to

),

final as (

    select
        -- ids
        session_id,
        agent_id,
        supervisor_id,
        team_id,
        -- attributes
        focus_metric,
        cast(metric_direction as integer) as metric_direction,
        commitment,
        cast(baseline_value as double) as baseline_value,
        cast(target_value as double) as target_value,
        -- dates
        held_at,
        held_date,
        follow_up_due_on,
        next_session_date,
        as_of_date,
        before_start,
        after_end,
        -- measured values
        cast(before_value as double) as before_value,
        cast(after_value as double) as after_value,
        cast(follow_up_value as double) as follow_up_value,
        cast(before_volume as double) as before_volume,
        cast(after_volume as double) as after_volume,
        cast(follow_up_volume as double) as follow_up_volume,
        cast(after_value - before_value as double) as metric_change,
        cast(control_agents as bigint) as control_agents,
        cast(control_before_value as double) as control_before_value,
        cast(control_after_value as double) as control_after_value,
        cast(control_after_value - control_before_value as double) as control_change,
        cast(metric_direction * (after_value - before_value) as double) as improvement,
        cast(
            metric_direction * ((after_value - before_value) - (control_after_value - control_before_value))
            as double
        ) as improvement_vs_control,
        -- accountability
        case
            when target_value is null or follow_up_due_on is null then 'no_target'
            when follow_up_due_on > as_of_date then 'pending'
            when follow_up_value is null then 'no_data'
            when metric_direction * (follow_up_value - target_value) >= 0 then 'met'
            else 'not_met'
        end as commitment_status,
        case
            when follow_up_due_on is null then 'no_follow_up_date'
            when next_session_date is not null
                and next_session_date <= {{ dbt.dateadd('day', grace_days, 'follow_up_due_on') }} then 'done'
            when next_session_date is not null then 'late'
            when agent_termination_date < as_of_date then 'agent_left'
            when follow_up_due_on > as_of_date then 'upcoming'
            when as_of_date <= {{ dbt.dateadd('day', grace_days, 'follow_up_due_on') }} then 'due'
            else 'overdue'
        end as follow_up_status
    from valued

)

select * from final
