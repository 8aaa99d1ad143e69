-- The lower bound of the benchmark: one hand-written DuckDB script that reads the same landing
-- CSVs as the pipeline and computes its two central facts, the queue x 30-minute-interval fact
-- and the agent x day fact, into tables of a new database file. No quarantine, no lineage, no
-- tests, no contracts, no snapshot: the least work that yields the same numbers, so the full
-- build can be reported as a multiple of it. DuckDB-only syntax on purpose (this is the
-- yardstick, not a model). `{landing}` is replaced by the landing folder.
--
-- Semantics kept from the models (so the work is comparable, and the totals are checked against
-- fct_queue_intervals / fct_agent_days by the benchmark): latest version of a segment by
-- updated_at, latest delivery of an agent state key; intervals and days in the site's local time;
-- queue entry attributes offered/abandoned/service level, the answer attributes handled and handle
-- time; agent states split at local midnight; scheduled on-queue time per agent and local day.

set TimeZone = 'UTC';
set enable_progress_bar = false;

create table queues as
select * from read_csv('{landing}/acd/queues/*.csv', header = true, all_varchar = true)
qualify row_number() over (partition by queue_id order by queue_id) = 1;

create table calls as
select
    segment_id, contact_id, queue_id, agent_id, outcome,
    cast(entered_queue_at as timestamptz) as entered_queue_at,
    cast(answered_at as timestamptz) as answered_at,
    cast(ended_at as timestamptz) as ended_at,
    cast(talk_seconds as bigint) as talk_seconds,
    cast(hold_seconds as bigint) as hold_seconds,
    cast(acw_seconds as bigint) as acw_seconds,
    cast(updated_at as timestamptz) as updated_at
from read_csv('{landing}/acd/calls/*.csv', header = true, all_varchar = true)
qualify row_number() over (partition by segment_id order by cast(updated_at as timestamptz) desc) = 1;

create table segments as
select
    c.*,
    q.site_timezone,
    cast(q.sl_threshold_seconds as integer) as threshold,
    cast(q.short_abandon_seconds as integer) as short_abandon,
    timezone(q.site_timezone, c.entered_queue_at) as entered_local,
    timezone(q.site_timezone, c.answered_at) as answered_local,
    epoch(case when c.outcome = 'answered' then c.answered_at else c.ended_at end)
        - epoch(c.entered_queue_at) as wait_seconds
from calls c
join queues q using (queue_id);

create table queue_intervals as
with entered as (
    select
        queue_id,
        time_bucket(interval '30 minutes', entered_local) as interval_start_local,
        count(*) as offered,
        count(*) filter (where outcome = 'answered') as answered,
        count(*) filter (where outcome = 'abandoned') as abandoned,
        count(*) filter (where outcome = 'abandoned' and wait_seconds <= short_abandon) as short_abandoned,
        count(*) filter (where outcome = 'answered' and wait_seconds <= threshold) as sl_numerator,
        count(*) filter (where not (outcome = 'abandoned' and wait_seconds <= short_abandon)) as sl_denominator,
        sum(wait_seconds) filter (where outcome = 'answered') as answered_wait_seconds,
        max(wait_seconds) as max_wait_seconds
    from segments
    group by all
),
answered as (
    select
        queue_id,
        time_bucket(interval '30 minutes', answered_local) as interval_start_local,
        count(*) as handled,
        sum(talk_seconds + hold_seconds + acw_seconds) as handle_seconds
    from segments
    where outcome = 'answered'
    group by all
)
select
    coalesce(e.queue_id, a.queue_id) as queue_id,
    coalesce(e.interval_start_local, a.interval_start_local) as interval_start_local,
    coalesce(offered, 0) as offered, coalesce(answered, 0) as answered,
    coalesce(abandoned, 0) as abandoned, coalesce(short_abandoned, 0) as short_abandoned,
    coalesce(sl_numerator, 0) as sl_numerator, coalesce(sl_denominator, 0) as sl_denominator,
    coalesce(answered_wait_seconds, 0) as answered_wait_seconds, max_wait_seconds,
    coalesce(handled, 0) as handled, coalesce(handle_seconds, 0) as handle_seconds
from entered e
full outer join answered a
    on e.queue_id = a.queue_id and e.interval_start_local = a.interval_start_local;

create table agent_sites as
select agent_id, site_id
from read_csv('{landing}/hr/agents/*.csv', header = true, all_varchar = true)
qualify row_number() over (partition by agent_id order by snapshot_date desc) = 1;

create table site_zones as
select distinct site_id, site_timezone from queues;

create table states as
select
    s.agent_id, s.state,
    timezone(z.site_timezone, cast(s.started_at as timestamptz)) as start_local,
    timezone(z.site_timezone, cast(s.ended_at as timestamptz)) as end_local
from read_csv('{landing}/acd/agent_states/*.csv', header = true, all_varchar = true, filename = true) s
join agent_sites a on a.agent_id = s.agent_id
join site_zones z on z.site_id = a.site_id
qualify row_number() over (partition by s.agent_id, s.started_at order by s.filename desc) = 1;

create table schedules as
select
    s.agent_id,
    timezone(z.site_timezone, cast(s.starts_at as timestamptz)) as start_local,
    timezone(z.site_timezone, cast(s.ends_at as timestamptz)) as end_local
from read_csv('{landing}/hr/schedules/*.csv', header = true, all_varchar = true, filename = true) s
join agent_sites a on a.agent_id = s.agent_id
join site_zones z on z.site_id = a.site_id
where s.activity = 'on_queue'
qualify row_number() over (partition by s.agent_id, s.starts_at order by s.filename desc) = 1;

create table agent_days as
with state_days as (
    select
        agent_id, state, day,
        epoch(least(end_local, day + interval 1 day)) - epoch(greatest(start_local, day)) as seconds
    from (
        select *, unnest(range(date_trunc('day', start_local), end_local, interval 1 day)) as day
        from states
        where end_local > start_local
    )
),
states_pivot as (
    select
        agent_id, cast(day as date) as activity_date,
        sum(seconds) filter (where state = 'available') as available_seconds,
        sum(seconds) filter (where state = 'on_contact') as on_contact_seconds,
        sum(seconds) filter (where state = 'acw') as acw_seconds,
        sum(seconds) filter (where state = 'aux') as aux_seconds,
        sum(seconds) filter (where state <> 'logged_out') as logged_in_seconds
    from state_days
    group by all
),
scheduled as (
    select
        agent_id, cast(day as date) as activity_date,
        sum(epoch(least(end_local, day + interval 1 day)) - epoch(greatest(start_local, day))) as scheduled_on_queue_seconds
    from (
        select *, unnest(range(date_trunc('day', start_local), end_local, interval 1 day)) as day
        from schedules
        where end_local > start_local
    )
    group by all
),
handled as (
    select
        agent_id, cast(answered_local as date) as activity_date,
        count(*) as handled,
        sum(talk_seconds + hold_seconds + acw_seconds) as handle_seconds
    from segments
    where outcome = 'answered' and agent_id is not null
    group by all
)
select
    coalesce(s.agent_id, h.agent_id, p.agent_id) as agent_id,
    coalesce(s.activity_date, h.activity_date, p.activity_date) as activity_date,
    coalesce(available_seconds, 0) as available_seconds,
    coalesce(on_contact_seconds, 0) as on_contact_seconds,
    coalesce(acw_seconds, 0) as acw_seconds,
    coalesce(aux_seconds, 0) as aux_seconds,
    coalesce(logged_in_seconds, 0) as logged_in_seconds,
    coalesce(scheduled_on_queue_seconds, 0) as scheduled_on_queue_seconds,
    coalesce(handled, 0) as handled,
    coalesce(handle_seconds, 0) as handle_seconds
from states_pivot s
full outer join handled h on h.agent_id = s.agent_id and h.activity_date = s.activity_date
full outer join scheduled p
    on p.agent_id = coalesce(s.agent_id, h.agent_id) and p.activity_date = coalesce(s.activity_date, h.activity_date);

drop table calls;
drop table states;
drop table schedules;
checkpoint;
