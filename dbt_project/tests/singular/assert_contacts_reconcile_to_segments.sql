-- fct_contacts has one row per contact of the segment fact and loses no segment: contact,
-- segment, handled-segment and handle-second totals agree, and a contact is handled exactly
-- when one of its segments was answered. Returns a row per disagreement. An incremental run
-- checks the contacts of the days it recomputed against their segments (tested_days).
with

window_contacts as (

    select * from {{ ref('fct_contacts') }}
    where {{ tested_days('contact_date') }}

),

contacts as (

    select
        count(*) as contacts,
        sum(segment_count) as segments,
        sum(handled_segments) as handled_segments,
        sum(handle_seconds) as handle_seconds,
        sum(case when is_handled then 1 else 0 end) as handled_contacts
    from window_contacts

),

segments as (

    select
        count(distinct contact_id) as contacts,
        count(*) as segments,
        sum(case when is_answered then 1 else 0 end) as handled_segments,
        sum(handle_seconds) as handle_seconds,
        count(distinct case when is_answered then contact_id end) as handled_contacts
    from {{ ref('fct_contact_segments') }}
    {%- if reprocess_from_date(require_incremental=false) is not none %}
    where contact_id in (select contact_id from window_contacts)
    {%- endif %}

)

select
    contacts.contacts as contact_rows,
    segments.contacts as segment_contacts
from contacts
cross join segments
where contacts.contacts <> segments.contacts
    or coalesce(contacts.segments, 0) <> segments.segments
    or coalesce(contacts.handled_segments, 0) <> coalesce(segments.handled_segments, 0)
    or coalesce(contacts.handle_seconds, 0) <> coalesce(segments.handle_seconds, 0)
    or coalesce(contacts.handled_contacts, 0) <> segments.handled_contacts
