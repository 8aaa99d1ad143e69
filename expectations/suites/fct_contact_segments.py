"""Drift suite (warnings) for the contact-segment mart, on its latest days (registry window).

dbt owns: segment_id unique/not null, outcome enum, flags summing to one, wait_seconds >= 0.
"""

from __future__ import annotations

from expectations.suites._common import WARNING, expect, suite

ASSET_KEY = ("fct_contact_segments",)
RELATION = "fct_contact_segments"


def build_suite():
    return suite(
        "fct_contact_segments",
        [
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="wait_seconds",
                max_value=3600,
                mostly=0.99,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="handle_seconds",
                max_value=4 * 3600,
                row_condition="is_answered==True",
                mostly=0.999,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="talk_seconds",
                max_value=4 * 3600,
                mostly=0.999,
            ),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="agent_id",
                row_condition="is_answered==True",
                mostly=0.99,
            ),
            expect("ExpectColumnValuesToNotBeNull", WARNING, column="customer_key", mostly=0.5),
        ],
    )
