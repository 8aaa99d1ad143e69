"""Landing suite for crm/cases (raw_crm.cases)."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("crm", "cases")
RELATION = "raw_crm.cases"


def build_suite():
    return suite(
        "raw_crm__cases",
        [
            unique_within_delivery(["case_id"]),
            non_empty_batch(),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="closed_at",
                column_B="opened_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="closed_at",
                row_condition='status=="closed"',
                mostly=0.95,
            ),
            expect("ExpectColumnValuesToNotBeNull", WARNING, column="customer_id", mostly=0.5),
        ],
    )
