-- Each queue's local day in fct_queue_intervals_15m has exactly the 15-minute intervals that fit
-- between its two local midnights (96; 92 on a spring-forward day, 100 on a fall-back day),
-- starting at local midnight. Returns the queue days that do not.
with

days as (

    select
        queue_id,
        interval_date,
        site_timezone,
        max(interval_minutes) as interval_minutes,
        count(*) as interval_count,
        min(interval_start_utc) as first_interval_start_utc
    from {{ ref('fct_queue_intervals_15m') }}
    where {{ tested_days('interval_date', lookback=false) }}
    group by queue_id, interval_date, site_timezone

),

bounds as (

    select
        *,
        {{ to_utc_timestamp('cast(interval_date as timestamp)', 'site_timezone') }} as day_start_utc,
        {{ to_utc_timestamp('cast(' ~ dbt.dateadd('day', 1, 'interval_date') ~ ' as timestamp)', 'site_timezone') }}
            as next_day_start_utc
    from days

)

select *
from bounds
where first_interval_start_utc <> day_start_utc
    or interval_count * interval_minutes
    <> {{ dbt.datediff('day_start_utc', 'next_day_start_utc', 'minute') }}
