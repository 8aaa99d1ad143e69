"""Landing suite for hr/schedules (raw_hr.schedules). Loader enforces ends_at >= starts_at."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    seconds_between,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("hr", "schedules")
RELATION = "raw_hr.schedules"
PREPARE_READS = ("starts_at", "ends_at")  # what prepare() reads


def prepare(df):
    df = df.copy()
    df["_duration_seconds"] = seconds_between(df, "starts_at", "ends_at")
    return df


def build_suite():
    return suite(
        "raw_hr__schedules",
        [
            unique_within_delivery(["agent_id", "starts_at"]),
            non_empty_batch(),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="_duration_seconds",
                min_value=1,
                max_value=12 * 3600,
                row_condition='activity!="off"',
                mostly=0.999,
            ),
        ],
    )
