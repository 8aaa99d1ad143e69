"""Drift suite (warnings) for the agent-day mart, on its latest days (registry window).

dbt owns: (agent_id, activity_date) unique, not-nulls, the time-bucket identities.
"""

from __future__ import annotations

from expectations.suites._common import WARNING, expect, suite

ASSET_KEY = ("fct_agent_days",)
RELATION = "fct_agent_days"


def build_suite():
    return suite(
        "fct_agent_days",
        [
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="logged_in_seconds",
                max_value=16 * 3600,
                mostly=0.999,
                notes="more than 16 h logged in on one day is a missed logout",
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="handled",
                max_value=500,
                mostly=0.999,
            ),
            expect("ExpectColumnValuesToNotBeNull", WARNING, column="team_id", mostly=0.95),
        ],
    )
