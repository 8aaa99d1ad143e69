-- One row per order attributed to a contact (orders attributed to none are left out), with
-- var sales_attribution_window_days = N:
--   * rule 'contact_id': the CRM links the order to a known contact (order.contact_id) and it
--     was placed no later than N days after that contact ended;
--   * rule 'customer_window': the order has no known contact, and the same customer
--     (order.customer_id = the contact's CRM customer_id) had a handled sales contact that
--     started at or before the order and ended at most N days before it; the latest such
--     contact gets the order (last touch), so an order is never counted twice.
--
-- Incremental by ordered_date (the UTC date of ordered_at; macros/reprocess_window.sql): a run
-- recomputes the orders placed from its window on, against the contacts that can take them
-- (started at most the attribution window, plus a day of UTC/local slack, before the window).
-- The orchestrator's window starts sales_attribution_window_days before the earliest new day,
-- so an order a new contact can take is always in it.
{%- set window_days = var('sales_attribution_window_days') %}
{{ config(
    materialized='incremental',
    incremental_strategy='reprocess_window',
    unique_key='ordered_date',
    on_schema_change='fail',
    meta={'reprocess_lookback': true},
) }}
with

orders as (

    select * from {{ ref('stg_crm__orders') }}
    where {{ window_filter('cast(ordered_at as date)') }}

),

contacts as (

    select * from {{ ref('int_segments_rolled_up_to_contacts') }}
    where {{ window_filter('contact_date', window_days + 2) }}

),

-- Whether an order's contact_id names a known contact, whatever the contact's day.
known_contacts as (

    select contact_id from {{ ref('int_segments_rolled_up_to_contacts') }}
    where contact_id in (select contact_id from orders)

),

by_contact_id as (

    select
        orders.order_id,
        contacts.contact_id,
        'contact_id' as attribution_rule
    from orders
    inner join contacts
        on orders.contact_id = contacts.contact_id
    where orders.ordered_at <= {{ dbt.dateadd('day', window_days, 'contacts.ended_at') }}

),

without_known_contact as (

    select orders.*
    from orders
    left join known_contacts
        on orders.contact_id = known_contacts.contact_id
    where known_contacts.contact_id is null

),

by_customer as (

    select
        without_known_contact.order_id,
        contacts.contact_id,
        'customer_window' as attribution_rule,
        row_number() over (
            partition by without_known_contact.order_id
            order by contacts.started_at desc, contacts.contact_id desc
        ) as touch_rank
    from without_known_contact
    inner join contacts
        on without_known_contact.customer_id = contacts.customer_id
    where contacts.is_handled
        and contacts.is_sales_contact
        and without_known_contact.ordered_at >= contacts.started_at
        and without_known_contact.ordered_at <= {{ dbt.dateadd('day', window_days, 'contacts.ended_at') }}

),

attributed as (

    select order_id, contact_id, attribution_rule from by_contact_id
    union all
    select order_id, contact_id, attribution_rule from by_customer where touch_rank = 1

),

final as (

    select
        attributed.order_id,
        attributed.contact_id,
        attributed.attribution_rule,
        orders.customer_id,
        orders.agent_id,
        orders.ordered_at,
        cast(orders.ordered_at as date) as ordered_date,
        orders.amount,
        orders.currency
    from attributed
    inner join orders
        on attributed.order_id = orders.order_id

)

select * from final
