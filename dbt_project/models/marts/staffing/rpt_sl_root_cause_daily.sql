-- One row per queue x local day with contacts: why the day's service level differs from its
-- target. Interval contributions (fct_staffing_intervals) are averaged with the interval's
-- sl_denominator as weight, so that, because sl_realised = sl_numerator / sl_denominator,
--     sl_realised (ratio of the day's sums) - sl_target
--         = headroom + volume + aht + planning + adherence + residual   (exactly).
-- The weighted sums (*_weighted) are kept so any set of rows (all queues, a site) re-aggregates
-- exactly: sum(x_weighted) / sum(sl_denominator).
{{ sl_root_cause_rollup(ref('fct_staffing_intervals'), 'interval_date', 'day') }}
