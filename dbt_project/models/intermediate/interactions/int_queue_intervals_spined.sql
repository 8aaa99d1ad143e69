-- One row per queue x interval of var('interval_minutes') (default 30) of every local day
-- between the queue's first and last day with activity; see macros/queue_interval_spine.sql.
{{ queue_interval_spine(
    segments=ref('int_segments_enriched'),
    queues=ref('int_queues_defaulted'),
    minutes=var('interval_minutes'),
) }}
