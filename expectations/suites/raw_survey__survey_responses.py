"""Landing suite for survey/survey_responses (raw_survey.survey_responses).

Loader already enforces csat 1-5 and nps 0-10.
"""

from __future__ import annotations

from expectations.suites._common import (
    WARNING,
    expect,
    non_empty_batch,
    suite,
    unique_within_delivery,
)

ASSET_KEY = ("survey", "survey_responses")
RELATION = "raw_survey.survey_responses"
PREPARE_READS = ("responded_at",)  # what prepare() reads


def prepare(df):
    df = df.copy()
    df["_is_responded"] = df["responded_at"].notna()
    return df


def build_suite():
    return suite(
        "raw_survey__survey_responses",
        [
            unique_within_delivery(["response_id"]),
            non_empty_batch(),
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                WARNING,
                column_A="responded_at",
                column_B="sent_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            expect(
                "ExpectColumnValuesToBeNull",
                WARNING,
                column="csat",
                row_condition="_is_responded==False",
                notes="a score on a survey nobody answered",
            ),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="csat",
                row_condition="_is_responded==True",
                mostly=0.8,
            ),
        ],
    )
