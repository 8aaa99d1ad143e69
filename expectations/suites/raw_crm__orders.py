"""Landing suite for crm/orders (raw_crm.orders)."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("crm", "orders")
RELATION = "raw_crm.orders"


def build_suite():
    return suite(
        "raw_crm__orders",
        [
            unique_within_delivery(["order_id"]),
            non_empty_batch(),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="amount",
                max_value=100_000,
                mostly=0.999,
            ),
            expect(
                "ExpectColumnValuesToMatchRegex", WARNING, column="currency", regex=r"^[A-Za-z]{3}$"
            ),
            expect("ExpectColumnValuesToNotBeNull", WARNING, column="customer_id", mostly=0.5),
        ],
    )
