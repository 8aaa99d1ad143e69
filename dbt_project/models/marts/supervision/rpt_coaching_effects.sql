-- One row per coaching focus metric x estimator: did coaching move the metric?
-- Unit of analysis: a session with a measured before and after window (and, for the
-- difference-in-differences, a measured control); each session counts once.
--   * estimator 'diff_in_diff' (headline): per session, improvement_vs_control = direction x
--     ((after - before) - (control after - control before)); controls are the agents not
--     coached on that metric around the session (fct_coaching_sessions).
--   * estimator 'paired_before_after': direction x (after - before), no control.
-- mean_improvement with a two-sided 95% t-interval across sessions: mean +- t(n-1) x sd / sqrt(n)
-- (macros/t_critical_95.sql); null for n < 2. Positive = the metric moved the right way
-- (lower AHT / transfer rate, higher everything else), in the metric's own unit.
-- Limits (README): sessions are not randomized (agents are coached because they are weak, so
-- regression to the mean inflates the paired estimate; the control removes common shocks, not
-- that selection); windows of one agent overlap when sessions are < before+after days apart;
-- sessions of the same agent are not independent; small windows make noisy ratios.
with

sessions as (

    select * from {{ ref('fct_coaching_sessions') }}

),

measured as (

    select focus_metric, 'diff_in_diff' as estimator, improvement_vs_control as improvement
    from sessions
    where improvement_vs_control is not null

    union all

    select focus_metric, 'paired_before_after' as estimator, improvement
    from sessions
    where improvement is not null

),

summarized as (

    select
        focus_metric,
        estimator,
        count(*) as sessions,
        avg(improvement) as mean_improvement,
        stddev_samp(improvement) as sd_improvement,
        sum(case when improvement > 0 then 1 else 0 end) as sessions_improved
    from measured
    group by focus_metric, estimator

),

with_interval as (

    select
        *,
        case when sessions >= 2 then sd_improvement / sqrt(cast(sessions as double)) end as standard_error,
        {{ t_critical_95('sessions - 1') }} as t_critical
    from summarized

)

select
    focus_metric,
    estimator,
    cast(sessions as bigint) as sessions,
    cast(sessions_improved as bigint) as sessions_improved,
    cast(mean_improvement as double) as mean_improvement,
    cast(sd_improvement as double) as sd_improvement,
    cast(standard_error as double) as standard_error,
    cast(mean_improvement - t_critical * standard_error as double) as ci_low,
    cast(mean_improvement + t_critical * standard_error as double) as ci_high,
    case
        when standard_error is null then 'too_few_sessions'
        when mean_improvement - t_critical * standard_error > 0 then 'improved'
        when mean_improvement + t_critical * standard_error < 0 then 'worsened'
        else 'inconclusive'
    end as conclusion
from with_interval
