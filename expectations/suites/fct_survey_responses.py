"""Drift suite (warnings) for the survey mart, on its latest days (registry window).

dbt owns: response_id unique/not null, csat 1-5 / nps 0-10 ranges.
"""

from __future__ import annotations

from expectations.suites._common import WARNING, expect, suite

ASSET_KEY = ("fct_survey_responses",)
RELATION = "fct_survey_responses"


def prepare(df):
    df = df.copy()
    df["_responded"] = df["is_responded"].astype("float")
    return df


def build_suite():
    return suite(
        "fct_survey_responses",
        [
            expect(
                "ExpectColumnMeanToBeBetween",
                WARNING,
                column="csat",
                min_value=3.0,
                max_value=4.9,
                notes="mean CSAT of answered surveys",
            ),
            expect(
                "ExpectColumnMeanToBeBetween",
                WARNING,
                column="_responded",
                min_value=0.05,
                max_value=0.6,
                notes="response rate = answered / sent",
            ),
            expect(
                "ExpectColumnValuesToNotBeNull",
                WARNING,
                column="agent_id",
                mostly=0.9,
                notes="surveys attributable to an agent",
            ),
        ],
    )
