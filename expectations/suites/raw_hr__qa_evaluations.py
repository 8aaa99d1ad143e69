"""Landing suite for hr/qa_evaluations (raw_hr.qa_evaluations). Loader enforces scores >= 0."""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("hr", "qa_evaluations")
RELATION = "raw_hr.qa_evaluations"


def build_suite():
    return suite(
        "raw_hr__qa_evaluations",
        [
            unique_within_delivery(["evaluation_id", "question_id"]),
            non_empty_batch(),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="max_score",
                column_B="score",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                notes="points given never exceed points possible",
            ),
            expect(
                "ExpectColumnValuesToBeBetween",
                WARNING,
                column="max_score",
                min_value=0,
                strict_min=True,
            ),
        ],
    )
