"""Landing suite for acd/agent_states (raw_acd.agent_states).

Loader already enforces: types, state/reason_code enums, ended_at >= started_at.
"""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    seconds_between,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("acd", "agent_states")
RELATION = "raw_acd.agent_states"
PREPARE_READS = ("started_at", "ended_at")  # what prepare() reads


def prepare(df):
    df = df.copy()
    df["_duration_seconds"] = seconds_between(df, "started_at", "ended_at")
    return df


def build_suite():
    return suite(
        "raw_acd__agent_states",
        [
            unique_within_delivery(["agent_id", "started_at"]),
            non_empty_batch(),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="_duration_seconds",
                max_value=12 * 3600,
                row_condition='state!="logged_out"',
                mostly=0.999,
                notes="a logged-in state lasting more than 12 h is a missed state change",
            ),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="reason_code",
                row_condition='state=="aux"',
                mostly=0.9,
            ),
            expect(
                "ExpectColumnValuesToBeNull",
                WARNING,
                column="reason_code",
                row_condition='state!="aux"',
                mostly=0.99,
            ),
        ],
    )
