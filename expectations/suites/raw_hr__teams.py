"""Landing suite for hr/teams (raw_hr.teams)."""

from __future__ import annotations

from expectations.suites._common import non_empty_batch, suite, unique_within_delivery

ASSET_KEY = ("hr", "teams")
RELATION = "raw_hr.teams"


def build_suite():
    return suite("raw_hr__teams", [unique_within_delivery(["team_id"]), non_empty_batch()])
