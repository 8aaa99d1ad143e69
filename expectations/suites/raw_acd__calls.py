"""Landing suite for acd/calls (raw_acd.calls), validated on the latest batch of deliveries.

Not here (owned elsewhere): types, required fields, channel/direction/outcome enums, durations
>= 0 and ended_at >= entered_queue_at (loader quarantine); not_null/accepted_values (dbt source
tests); latest-version dedup (staging).
"""

from __future__ import annotations

from expectations.suites._common import (
    CRITICAL,
    WARNING,
    expect,
    non_empty_batch,
    seconds_between,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("acd", "calls")
RELATION = "raw_acd.calls"
PREPARE_READS = ("entered_queue_at", "answered_at", "ended_at")  # what prepare() reads
FOUR_HOURS = 4 * 3600
ONE_HOUR = 3600


def prepare(df):
    """Derived columns (underscore-prefixed): wait = entered -> answered, else -> ended."""
    df = df.copy()
    answered = seconds_between(df, "entered_queue_at", "answered_at")
    df["_wait_seconds"] = answered.where(
        df["answered_at"].notna(), seconds_between(df, "entered_queue_at", "ended_at")
    )
    return df


def build_suite():
    return suite(
        "raw_acd__calls",
        [
            unique_within_delivery(["segment_id", "updated_at"]),
            non_empty_batch(),
            expect(
                "ExpectColumnValuesToNotBeNull",
                CRITICAL,
                column="answered_at",
                row_condition='outcome=="answered"',
                notes="an answered segment without answered_at has no wait, no ASA, no answer interval",
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="talk_seconds",
                max_value=FOUR_HOURS,
                mostly=0.999,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="hold_seconds",
                max_value=ONE_HOUR,
                mostly=0.999,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="acw_seconds",
                max_value=ONE_HOUR,
                mostly=0.999,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="hold_count",
                max_value=20,
                mostly=0.999,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="_wait_seconds",
                min_value=0,
                max_value=ONE_HOUR,
                mostly=0.99,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="segment_seq",
                min_value=1,
                max_value=50,
            ),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="agent_id",
                row_condition='outcome=="answered"',
                mostly=0.99,
            ),
            expect(
                "ExpectColumnValuesToBeNull",
                WARNING,
                column="answered_at",
                row_condition='outcome!="answered"',
                mostly=0.99,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="talk_seconds",
                max_value=0,
                row_condition='outcome!="answered"',
                mostly=0.99,
            ),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="ended_at",
                column_B="answered_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="customer_id",
                mostly=0.2,
                notes="null-rate band: at least 20% of segments identify the customer",
            ),
        ],
    )
