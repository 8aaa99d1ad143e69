"""Landing suite for hr/leave_requests (raw_hr.leave_requests). Loader enforces ends_on >= starts_on."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("hr", "leave_requests")
RELATION = "raw_hr.leave_requests"
PREPARE_READS = ("starts_on", "ends_on")  # what prepare() reads


def prepare(df):
    import pandas as pd

    df = df.copy()
    df["_leave_days"] = (
        pd.to_datetime(df["ends_on"]) - pd.to_datetime(df["starts_on"])
    ).dt.days + 1
    return df


def build_suite():
    return suite(
        "raw_hr__leave_requests",
        [
            unique_within_delivery(["request_id"]),
            non_empty_batch(),
            expect("ExpectColumnValuesToBeBetween", WARNING, column="_leave_days", max_value=366),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="decided_at",
                row_condition='status=="approved" or status=="rejected"',
                mostly=0.95,
            ),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="decided_at",
                column_B="requested_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ],
    )
