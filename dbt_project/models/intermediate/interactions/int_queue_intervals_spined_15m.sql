-- One row per queue x 15-minute interval of every local day between the queue's first and
-- last day with activity (92/96/100 per spring-forward/normal/fall-back day); the same macro
-- as int_queue_intervals_spined, see macros/queue_interval_spine.sql.
{{ queue_interval_spine(
    segments=ref('int_segments_enriched'),
    queues=ref('int_queues_defaulted'),
    minutes=15,
) }}
