"""Landing suite for acd/queues (raw_acd.queues)."""

from __future__ import annotations

from expectations.suites._common import (
    CRITICAL,
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("acd", "queues")
RELATION = "raw_acd.queues"


def _timezones() -> list[str]:
    import zoneinfo

    return sorted(zoneinfo.available_timezones() | {"UTC"})


def build_suite():
    return suite(
        "raw_acd__queues",
        [
            unique_within_delivery(["queue_id"]),
            non_empty_batch(),
            expect(
                "ExpectColumnValuesToBeInSet",
                CRITICAL,
                column="site_timezone",
                value_set=_timezones(),
                notes="an unknown IANA zone breaks every local-time conversion downstream",
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="sl_threshold_seconds",
                min_value=1,
                max_value=600,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="sl_target_pct",
                min_value=50,
                max_value=100,
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="short_abandon_seconds",
                max_value=120,
            ),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="sl_threshold_seconds",
                column_B="short_abandon_seconds",
                or_equal=True,
                notes="a short abandon is normally shorter than the service-level threshold",
            ),
        ],
    )
