-- The service-level policy of every queue, versioned by local date: one row per queue and
-- validity range [valid_from, valid_to). The base version (valid from 1900-01-01) is the
-- queue's configuration (int_queues_defaulted: acd/queues, else the sl_default_* vars) with
-- var sl_default_abandon_treatment; each row of seeds/queue_sl_policies.csv matching the queue
-- (its queue_id, or '*') starts a new version on its effective_from. Empty seed fields inherit:
-- abandon_treatment from the preset, then the base; thresholds and target from the base.
-- On one effective_from a queue-specific row beats '*', and both beat the base.
-- var sl_policy_restate_history = true: each queue's latest version applies to all dates.
{%- set restate = var('sl_policy_restate_history') | string | lower in ['true', '1', 'yes'] %}
with

queues as (

    select * from {{ ref('int_queues_defaulted') }}

),

overrides as (

    select * from {{ ref('queue_sl_policies') }}

),

presets as (

    select * from {{ ref('sl_policy_presets') }}

),

base as (

    select
        queue_id,
        cast('1900-01-01' as date) as valid_from,
        sl_threshold_seconds,
        short_abandon_seconds,
        sl_target_pct,
        cast('{{ var("sl_default_abandon_treatment") }}' as {{ dbt.type_string() }}) as abandon_treatment,
        false as callbacks_in_favour,
        cast(null as {{ dbt.type_string() }}) as sl_policy_preset,
        case when is_configured then 'queue_config' else 'var_default' end as sl_policy_source,
        2 as precedence
    from queues

),

seeded as (

    select
        queues.queue_id,
        cast(overrides.effective_from as date) as valid_from,
        cast(coalesce(overrides.threshold_seconds, queues.sl_threshold_seconds) as bigint)
            as sl_threshold_seconds,
        cast(coalesce(overrides.short_abandon_seconds, queues.short_abandon_seconds) as bigint)
            as short_abandon_seconds,
        cast(coalesce(overrides.target_pct, queues.sl_target_pct) as double) as sl_target_pct,
        coalesce(
            overrides.abandon_treatment,
            presets.abandon_treatment,
            '{{ var("sl_default_abandon_treatment") }}'
        ) as abandon_treatment,
        coalesce(presets.callbacks_in_favour, false) as callbacks_in_favour,
        overrides.preset as sl_policy_preset,
        'seed' as sl_policy_source,
        case when overrides.queue_id = '*' then 1 else 0 end as precedence
    from queues
    inner join overrides
        on overrides.queue_id = queues.queue_id
        or overrides.queue_id = '*'
    left join presets
        on overrides.preset = presets.preset

),

candidates as (

    select * from base
    union all
    select * from seeded

),

ranked as (

    select
        *,
        row_number() over (partition by queue_id, valid_from order by precedence) as date_rank
    from candidates

),

versions as (

    select
        queue_id,
        valid_from,
        coalesce(
            lead(valid_from) over (partition by queue_id order by valid_from),
            cast('9999-12-31' as date)
        ) as valid_to,
        sl_threshold_seconds,
        short_abandon_seconds,
        sl_target_pct,
        abandon_treatment,
        callbacks_in_favour,
        sl_policy_preset,
        sl_policy_source,
        row_number() over (partition by queue_id order by valid_from desc) as recency_rank
    from ranked
    where date_rank = 1

),

final as (

    select
        queue_id,
        {%- if restate %}
        cast('1900-01-01' as date) as valid_from,
        cast('9999-12-31' as date) as valid_to,
        {%- else %}
        valid_from,
        valid_to,
        {%- endif %}
        cast(sl_threshold_seconds as bigint) as sl_threshold_seconds,
        cast(short_abandon_seconds as bigint) as short_abandon_seconds,
        cast(sl_target_pct as double) as sl_target_pct,
        cast(abandon_treatment as {{ dbt.type_string() }}) as abandon_treatment,
        cast(callbacks_in_favour as boolean) as callbacks_in_favour,
        cast(sl_policy_preset as {{ dbt.type_string() }}) as sl_policy_preset,
        cast(sl_policy_source as {{ dbt.type_string() }}) as sl_policy_source,
        {{ 'true' if restate else 'false' }} as is_restated
    from versions
    {%- if restate %}
    where recency_rank = 1
    {%- endif %}

)

select * from final
