-- App-facing agent x local day rollup: the additive seconds of fct_agent_days and the QA sums
-- of fct_qa_evaluations, with the day's ratios computed from those sums by the shared
-- safe_ratio macro (null when the denominator is 0). Roll up further by summing the additive
-- columns and recomputing the ratio, never by averaging the ratio columns.
-- Variants (dbt_project.yml vars; docs/metrics.md "Agent and workforce metrics"):
--   occupancy_includes_acw, utilization_denominator, adherence_includes_off,
--   qa_agent_score_method.
{%- set utilization_denominators = {
    'logged_in': 'logged_in_seconds',
    'scheduled': 'scheduled_work_seconds',
    'timesheet': 'timesheet_paid_seconds',
} %}
{%- if var('utilization_denominator') not in utilization_denominators %}
    {{ exceptions.raise_compiler_error("var utilization_denominator must be one of logged_in, scheduled, timesheet") }}
{%- endif %}
{%- set utilization_denominator = utilization_denominators[var('utilization_denominator')] %}
with

agent_days as (

    select * from {{ ref('fct_agent_days') }}

),

evaluations as (

    select * from {{ ref('fct_qa_evaluations') }}

),

qa_days as (

    select
        agent_id,
        activity_date,
        max(team_id) as team_id,
        max(supervisor_id) as supervisor_id,
        max(site_id) as site_id,
        count(*) as qa_evaluations,
        sum(case when is_scored then 1 else 0 end) as qa_scored_evaluations,
        sum(case when has_critical_failure then 1 else 0 end) as qa_critical_failures,
        sum(coalesce(score_pct, 0)) as qa_score_pct_sum,
        sum(scored_points) as qa_scored_points,
        sum(weighted_possible) as qa_possible_points
    from evaluations
    group by agent_id, activity_date

),

keys as (

    select agent_id, activity_date from agent_days
    union
    select agent_id, activity_date from qa_days

),

joined as (

    select
        keys.agent_id,
        keys.activity_date,
        coalesce(agent_days.team_id, qa_days.team_id) as team_id,
        coalesce(agent_days.supervisor_id, qa_days.supervisor_id) as supervisor_id,
        coalesce(agent_days.site_id, qa_days.site_id) as site_id,
        agent_days.tenure_band,
        coalesce(agent_days.handled, 0) as handled,
        coalesce(agent_days.talk_seconds, 0) as talk_seconds,
        coalesce(agent_days.hold_seconds, 0) as hold_seconds,
        coalesce(agent_days.acw_seconds, 0) as acw_seconds,
        coalesce(agent_days.handle_seconds, 0) as handle_seconds,
        coalesce(agent_days.transfers, 0) as transfers,
        coalesce(agent_days.holds, 0) as holds,
        coalesce(agent_days.available_seconds, 0) as available_seconds,
        coalesce(agent_days.on_contact_seconds, 0) as on_contact_seconds,
        coalesce(agent_days.acw_state_seconds, 0) as acw_state_seconds,
        coalesce(agent_days.aux_seconds, 0) as aux_seconds,
        coalesce(agent_days.logged_in_seconds, 0) as logged_in_seconds,
        coalesce(agent_days.on_queue_seconds, 0) as on_queue_seconds,
        coalesce(agent_days.scheduled_on_queue_seconds, 0) as scheduled_on_queue_seconds,
        coalesce(agent_days.scheduled_work_seconds, 0) as scheduled_work_seconds,
        coalesce(agent_days.scheduled_off_seconds, 0) as scheduled_off_seconds,
        coalesce(agent_days.adherent_seconds, 0) as adherent_seconds,
        coalesce(agent_days.off_adherent_seconds, 0) as off_adherent_seconds,
        agent_days.timesheet_paid_seconds,
        coalesce(agent_days.planned_shrinkage_seconds, 0) as planned_shrinkage_seconds,
        coalesce(agent_days.unplanned_shrinkage_seconds, 0) as unplanned_shrinkage_seconds,
        coalesce(agent_days.shrinkage_base_seconds, 0) as shrinkage_base_seconds,
        coalesce(qa_days.qa_evaluations, 0) as qa_evaluations,
        coalesce(qa_days.qa_scored_evaluations, 0) as qa_scored_evaluations,
        coalesce(qa_days.qa_critical_failures, 0) as qa_critical_failures,
        coalesce(qa_days.qa_score_pct_sum, 0) as qa_score_pct_sum,
        coalesce(qa_days.qa_scored_points, 0) as qa_scored_points,
        coalesce(qa_days.qa_possible_points, 0) as qa_possible_points
    from keys
    left join agent_days
        on keys.agent_id = agent_days.agent_id
        and keys.activity_date = agent_days.activity_date
    left join qa_days
        on keys.agent_id = qa_days.agent_id
        and keys.activity_date = qa_days.activity_date

),

final as (

    select
        -- keys
        cast(agent_id as string) as agent_id,
        cast(activity_date as date) as activity_date,
        cast(team_id as string) as team_id,
        cast(supervisor_id as string) as supervisor_id,
        cast(site_id as string) as site_id,
        cast(tenure_band as string) as tenure_band,
        -- additive inputs
        cast(handled as bigint) as handled,
        cast(talk_seconds as bigint) as talk_seconds,
        cast(hold_seconds as bigint) as hold_seconds,
        cast(acw_seconds as bigint) as acw_seconds,
        cast(handle_seconds as bigint) as handle_seconds,
        cast(transfers as bigint) as transfers,
        cast(holds as bigint) as holds,
        cast(available_seconds as bigint) as available_seconds,
        cast(on_contact_seconds as bigint) as on_contact_seconds,
        cast(acw_state_seconds as bigint) as acw_state_seconds,
        cast(aux_seconds as bigint) as aux_seconds,
        cast(logged_in_seconds as bigint) as logged_in_seconds,
        cast(on_queue_seconds as bigint) as on_queue_seconds,
        cast(scheduled_on_queue_seconds as bigint) as scheduled_on_queue_seconds,
        cast(scheduled_work_seconds as bigint) as scheduled_work_seconds,
        cast(scheduled_off_seconds as bigint) as scheduled_off_seconds,
        cast(adherent_seconds as bigint) as adherent_seconds,
        cast(off_adherent_seconds as bigint) as off_adherent_seconds,
        cast(timesheet_paid_seconds as bigint) as timesheet_paid_seconds,
        cast(planned_shrinkage_seconds as bigint) as planned_shrinkage_seconds,
        cast(unplanned_shrinkage_seconds as bigint) as unplanned_shrinkage_seconds,
        cast(shrinkage_base_seconds as bigint) as shrinkage_base_seconds,
        cast(qa_evaluations as bigint) as qa_evaluations,
        cast(qa_scored_evaluations as bigint) as qa_scored_evaluations,
        cast(qa_critical_failures as bigint) as qa_critical_failures,
        cast(qa_score_pct_sum as double) as qa_score_pct_sum,
        cast(qa_scored_points as double) as qa_scored_points,
        cast(qa_possible_points as double) as qa_possible_points,
        -- ratios of the day's sums
        cast({{ safe_ratio('handle_seconds', 'handled') }} as double) as aht_seconds,
        cast({{ safe_ratio('talk_seconds', 'handled') }} as double) as average_talk_seconds,
        cast({{ safe_ratio('hold_seconds', 'handled') }} as double) as average_hold_seconds,
        cast({{ safe_ratio('acw_seconds', 'handled') }} as double) as average_acw_seconds,
        cast({{ safe_ratio('transfers', 'handled') }} as double) as transfer_rate,
        {%- if var('occupancy_includes_acw') %}
        cast({{ safe_ratio('on_contact_seconds + acw_state_seconds', 'on_contact_seconds + acw_state_seconds + available_seconds') }} as double) as occupancy,
        {%- else %}
        cast({{ safe_ratio('on_contact_seconds', 'on_contact_seconds + available_seconds') }} as double) as occupancy,
        {%- endif %}
        cast({{ safe_ratio('handle_seconds', utilization_denominator) }} as double) as utilization,
        {%- if var('adherence_includes_off') %}
        cast({{ safe_ratio('adherent_seconds + off_adherent_seconds', 'scheduled_work_seconds + scheduled_off_seconds') }} as double) as adherence,
        {%- else %}
        cast({{ safe_ratio('adherent_seconds', 'scheduled_work_seconds') }} as double) as adherence,
        {%- endif %}
        cast({{ safe_ratio('on_queue_seconds', 'scheduled_on_queue_seconds') }} as double) as conformance,
        cast({{ safe_ratio('planned_shrinkage_seconds + unplanned_shrinkage_seconds', 'shrinkage_base_seconds') }} as double) as shrinkage,
        cast({{ safe_ratio('planned_shrinkage_seconds', 'shrinkage_base_seconds') }} as double) as planned_shrinkage,
        cast({{ safe_ratio('unplanned_shrinkage_seconds', 'shrinkage_base_seconds') }} as double) as unplanned_shrinkage,
        cast({{ safe_ratio('qa_score_pct_sum', 'qa_scored_evaluations') }} as double) as qa_score_pct_mean,
        cast(100 * {{ safe_ratio('qa_scored_points', 'qa_possible_points') }} as double) as qa_score_pct_points,
        {%- if var('qa_agent_score_method') == 'points_over_possible' %}
        cast(100 * {{ safe_ratio('qa_scored_points', 'qa_possible_points') }} as double) as qa_score_pct
        {%- else %}
        cast({{ safe_ratio('qa_score_pct_sum', 'qa_scored_evaluations') }} as double) as qa_score_pct
        {%- endif %}
    from joined

)

select * from final
