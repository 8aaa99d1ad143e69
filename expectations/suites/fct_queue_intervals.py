"""Drift suite (warnings) for the queue-interval mart, on a per-day rollup.

The frame is one row per local interval_date (see registry.QUEUE_DAY_SQL): how many interval
rows exist against queues x intervals-per-day, the day's abandonment rate and AHT, null shares.
dbt owns the grain (unique queue_id x interval_start_utc), not-nulls and the arithmetic.
"""

from __future__ import annotations

from expectations.suites._common import WARNING, expect, suite

ASSET_KEY = ("fct_queue_intervals",)
RELATION = "fct_queue_intervals"


def build_suite():
    return suite(
        "fct_queue_intervals",
        [
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="row_ratio",
                min_value=0.95,
                max_value=1.05,
                notes="rows per day = queues x intervals per day (46/48/50 on DST days)",
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="abandon_rate",
                min_value=0.0,
                max_value=0.35,
                mostly=0.9,
                notes="abandoned / offered per day",
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="aht_seconds",
                min_value=60,
                max_value=1800,
                mostly=0.95,
                notes="handle seconds / handled per day",
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="offered_vs_median",
                min_value=0.2,
                max_value=5.0,
                mostly=0.9,
                notes="a day's volume far from the window's median suggests a partial or doubled delivery",
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="site_id_null_share",
                max_value=0.05,
            ),
        ],
    )
