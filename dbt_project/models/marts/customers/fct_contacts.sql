-- One row per customer contact (a transfer chain is one contact). Carries the contact-level
-- customer outcomes: repeat-contact first-contact resolution (var fcr_window_days = N),
-- orders attributed to the contact (int_orders_attributed_to_contacts, var
-- sales_attribution_window_days) and complaint cases linked to it (crm/cases.contact_id).
--
-- Repeat-contact FCR, one outcome per contact:
--   * eligible: handled (some segment answered), not outbound, with a customer_key;
--   * repeat: a later inbound contact of the same customer_key whose first queue entry is
--     after this contact's end and at most N days after it;
--   * is_fcr_window_complete: the N days after the contact's end are inside the data, i.e.
--     ended_at + N days <= the latest queue entry in acd/calls;
--   * is_resolved_first_contact: eligible, window complete and no repeat; null otherwise
--     (too recent or not eligible), so averaging it never mixes in unfinished windows.
--
-- Incremental by contact_date (macros/reprocess_window.sql): the orchestrator starts the window
-- fcr_window_days / sales_attribution_window_days before the earliest new day, so every contact
-- whose repeat or order window the new data reaches is recomputed.
{%- set fcr_days = var('fcr_window_days') %}
{#- the repeat search's day buckets are as wide as the FCR window (at least a day) -#}
{%- set bucket_days = [fcr_days, 1] | max %}
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='contact_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': true},
) }}
with

contacts as (

    select * from {{ ref('int_segments_rolled_up_to_contacts') }}
    where {{ window_filter('contact_date') }}

),

orders as (

    select * from {{ ref('int_orders_attributed_to_contacts') }}

),

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

history as (

    select * from {{ ref('int_agent_team_history') }}

),

horizon as (

    select max(entered_queue_at) as data_through_at
    from {{ ref('int_segments_enriched') }}

),

-- The repeat search reads only the columns it needs, in CTEs read once each: a CTE read more
-- than once is materialized whole (the full contacts CTE was 3.8 GB at 10M segments). Pairs are
-- formed per customer and fcr-window-wide day bucket: a later start at most N days after this
-- contact's end falls in the bucket of that end or the next one, so a customer's contacts of a
-- year are not all paired with each other (at 10M segments: 56.2 M candidate pairs -> 12.4 M).
repeat_from as (

    select
        contact_id,
        customer_key,
        ended_at,
        cast(floor({{ dbt.datediff("cast('1970-01-01' as date)", 'cast(ended_at as date)', 'day') }} / {{ bucket_days }}) as bigint)
            as day_bucket
    from {{ ref('int_segments_rolled_up_to_contacts') }}
    where {{ window_filter('contact_date') }}
        and customer_key is not null

),

repeat_to as (

    select
        later.contact_id,
        later.customer_key,
        later.started_at,
        cast(floor({{ dbt.datediff("cast('1970-01-01' as date)", 'cast(later.started_at as date)', 'day') }} / {{ bucket_days }}) as bigint)
            - step.back as day_bucket
    from {{ ref('int_segments_rolled_up_to_contacts') }} as later
    cross join (select 0 as back union all select 1 as back) as step
    where {{ window_filter('later.contact_date') }}
        and later.customer_key is not null
        and later.direction = 'inbound'

),

repeats as (

    select
        this_contact.contact_id,
        count(*) as repeat_contacts,
        min(later_contact.started_at) as next_contact_at
    from repeat_from as this_contact
    inner join repeat_to as later_contact
        on this_contact.customer_key = later_contact.customer_key
        and this_contact.day_bucket = later_contact.day_bucket
        and later_contact.contact_id <> this_contact.contact_id
        and later_contact.started_at > this_contact.ended_at
        and later_contact.started_at <= {{ dbt.dateadd('day', fcr_days, 'this_contact.ended_at') }}
    group by this_contact.contact_id

),

contact_orders as (

    select
        contact_id,
        count(*) as attributed_orders,
        sum(amount) as order_amount,
        min(currency) as order_currency
    from orders
    group by contact_id

),

contact_cases as (

    select
        contact_id,
        count(*) as cases,
        sum(case when is_complaint then 1 else 0 end) as complaint_cases
    from cases
    where contact_id is not null
    group by contact_id

),

scored as (

    select
        contacts.*,
        history.team_id,
        contacts.is_handled
        and coalesce(contacts.direction, '') <> 'outbound'
        and contacts.customer_key is not null as is_fcr_eligible,
        {{ dbt.dateadd('day', fcr_days, 'contacts.ended_at') }} <= horizon.data_through_at
            as is_fcr_window_complete,
        coalesce(repeats.repeat_contacts, 0) as repeat_contacts_within_window,
        repeats.next_contact_at,
        coalesce(contact_orders.attributed_orders, 0) as attributed_orders,
        coalesce(contact_orders.order_amount, 0) as order_amount,
        contact_orders.order_currency,
        coalesce(contact_cases.cases, 0) as cases,
        coalesce(contact_cases.complaint_cases, 0) as complaint_cases
    from contacts
    cross join horizon
    left join repeats
        on contacts.contact_id = repeats.contact_id
    left join contact_orders
        on contacts.contact_id = contact_orders.contact_id
    left join contact_cases
        on contacts.contact_id = contact_cases.contact_id
    left join history
        on contacts.agent_id = history.agent_id
        and contacts.answered_date >= history.valid_from
        and contacts.answered_date < history.valid_to

),

final as (

    select
        -- ids
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(queue_id as {{ dbt.type_string() }}) as queue_id,
        cast(first_queue_id as {{ dbt.type_string() }}) as first_queue_id,
        cast(last_queue_id as {{ dbt.type_string() }}) as last_queue_id,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        -- attributes
        cast(direction as {{ dbt.type_string() }}) as direction,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(line_of_business as {{ dbt.type_string() }}) as line_of_business,
        cast(last_outcome as {{ dbt.type_string() }}) as last_outcome,
        cast(segment_count as bigint) as segment_count,
        cast(handled_segments as bigint) as handled_segments,
        cast(transfers as bigint) as transfers,
        cast(handle_seconds as bigint) as handle_seconds,
        -- flags
        cast(is_handled as boolean) as is_handled,
        cast(is_sales_contact as boolean) as is_sales_contact,
        cast(customer_key is not null as boolean) as has_customer_key,
        -- first-contact resolution (repeat contact)
        cast(is_fcr_eligible as boolean) as is_fcr_eligible,
        cast(is_fcr_window_complete as boolean) as is_fcr_window_complete,
        cast(repeat_contacts_within_window as bigint) as repeat_contacts_within_window,
        cast(
            case
                when is_fcr_eligible and is_fcr_window_complete then repeat_contacts_within_window = 0
            end as boolean
        ) as is_resolved_first_contact,
        cast(next_contact_at as timestamp) as next_contact_at,
        -- sales
        cast(attributed_orders as bigint) as attributed_orders,
        cast(attributed_orders > 0 as boolean) as has_order_within_window,
        cast(order_amount as double) as order_amount,
        cast(order_currency as {{ dbt.type_string() }}) as order_currency,
        -- complaints
        cast(cases as bigint) as cases,
        cast(complaint_cases as bigint) as complaint_cases,
        cast(complaint_cases > 0 as boolean) as has_complaint,
        -- timestamps
        cast(site_timezone as {{ dbt.type_string() }}) as site_timezone,
        cast(started_at as timestamp) as started_at,
        cast(ended_at as timestamp) as ended_at,
        cast(contact_date as date) as contact_date,
        cast(answered_date as date) as answered_date
    from scored

)

select * from final
