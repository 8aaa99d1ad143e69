"""Landing suite for crm/customers (raw_crm.customers)."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("crm", "customers")
RELATION = "raw_crm.customers"


def build_suite():
    return suite(
        "raw_crm__customers",
        [
            unique_within_delivery(["customer_id"]),
            non_empty_batch(),
            expect("ExpectColumnValuesToNotBeNull", WARNING, column="segment", mostly=0.5),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="created_at",
                min_value="1990-01-01T00:00:00",
            ),
        ],
    )
