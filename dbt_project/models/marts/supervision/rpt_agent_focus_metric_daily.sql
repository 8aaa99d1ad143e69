-- App-facing copy of int_agent_focus_metric_days with the agent's team of the day (roster
-- history): one row per agent x local day x coaching focus metric, additive numerator and
-- denominator (value of any slice = sum(numerator) / sum(denominator); definitions in the
-- intermediate model). The My team page ranks agents on these to suggest coaching topics.
with

metric_days as (

    select * from {{ ref('int_agent_focus_metric_days') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

)

select
    m.agent_id,
    m.metric_date,
    m.focus_metric,
    h.team_id,
    h.site_id,
    cast({{ focus_metric_direction('m.focus_metric') }} as integer) as metric_direction,
    cast(m.numerator as double) as numerator,
    cast(m.denominator as double) as denominator
from metric_days as m
left join history as h
    on h.agent_id = m.agent_id
    and m.metric_date >= h.valid_from
    and m.metric_date < h.valid_to
