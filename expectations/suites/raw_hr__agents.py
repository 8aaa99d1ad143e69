"""Landing suite for hr/agents (raw_hr.agents), a daily roster snapshot."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("hr", "agents")
RELATION = "raw_hr.agents"
PREPARE_READS = ("termination_date",)  # what prepare() reads


def prepare(df):
    df = df.copy()
    df["_is_terminated"] = df["termination_date"].notna()
    return df


def build_suite():
    return suite(
        "raw_hr__agents",
        [
            unique_within_delivery(["agent_id", "snapshot_date"]),
            non_empty_batch(),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="termination_date",
                column_B="hire_date",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="snapshot_date",
                column_B="hire_date",
                or_equal=True,
                mostly=0.99,
                notes="a roster lists agents hired on or before its date",
            ),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="termination_type",
                row_condition="_is_terminated==True",
                mostly=0.95,
            ),
        ],
    )
