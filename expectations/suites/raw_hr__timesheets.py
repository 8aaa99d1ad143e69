"""Landing suite for hr/timesheets (raw_hr.timesheets). Loader enforces hours in 0-24."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("hr", "timesheets")
RELATION = "raw_hr.timesheets"


def build_suite():
    return suite(
        "raw_hr__timesheets",
        [
            unique_within_delivery(["agent_id", "work_date"]),
            non_empty_batch(),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="hours_worked",
                max_value=16,
                mostly=0.99,
            ),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="hours_worked",
                column_B="overtime_hours",
                or_equal=True,
            ),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="approved_at",
                column_B="submitted_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ],
    )
