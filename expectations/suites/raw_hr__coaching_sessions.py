"""Landing suite for hr/coaching_sessions (raw_hr.coaching_sessions)."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("hr", "coaching_sessions")
RELATION = "raw_hr.coaching_sessions"
PREPARE_READS = ("held_at", "follow_up_due_on")  # what prepare() reads


def prepare(df):
    import pandas as pd

    df = df.copy()
    held_on = pd.to_datetime(df["held_at"]).dt.normalize()
    df["_follow_up_days"] = (pd.to_datetime(df["follow_up_due_on"]) - held_on).dt.days
    return df


def build_suite():
    return suite(
        "raw_hr__coaching_sessions",
        [
            unique_within_delivery(["session_id"]),
            non_empty_batch(),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="_follow_up_days",
                min_value=0,
                max_value=180,
                mostly=0.99,
                notes="follow-up due on or after the session, within six months",
            ),
        ],
    )
