"""Each suite passes on good data and fails, with the expected expectation, on bad data."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from expectations import registry
from expectations.runner import validate
from tests.expectations import frames as f

T0 = f.T0


def landing(name, family, table, rows):
    entry = registry.get((family, table))
    assert entry.name == name
    return entry, entry.prepare(f.raw_frame(family, table, rows))


def mart(name, df):
    entry = registry.get((name,))
    return entry, entry.prepare(df)


def _set(rows, i, **changes):
    rows = [dict(r) for r in rows]
    rows[i].update(changes)
    return rows


def _dup_key(rows, **changes):
    """A second, different record with the first record's key."""
    return [*rows, {**rows[0], **changes}]


GOOD = {
    "raw_acd__calls": lambda: landing("raw_acd__calls", "acd", "calls", f.calls()),
    "raw_acd__agent_states": lambda: landing(
        "raw_acd__agent_states", "acd", "agent_states", f.agent_states()
    ),
    "raw_acd__queues": lambda: landing("raw_acd__queues", "acd", "queues", f.queues()),
    "raw_crm__customers": lambda: landing("raw_crm__customers", "crm", "customers", f.customers()),
    "raw_crm__cases": lambda: landing("raw_crm__cases", "crm", "cases", f.cases()),
    "raw_crm__orders": lambda: landing("raw_crm__orders", "crm", "orders", f.orders()),
    "raw_survey__survey_responses": lambda: landing(
        "raw_survey__survey_responses", "survey", "survey_responses", f.survey_responses()
    ),
    "raw_hr__agents": lambda: landing("raw_hr__agents", "hr", "agents", f.agents()),
    "raw_hr__teams": lambda: landing("raw_hr__teams", "hr", "teams", f.teams()),
    "raw_hr__schedules": lambda: landing("raw_hr__schedules", "hr", "schedules", f.schedules()),
    "raw_hr__timesheets": lambda: landing("raw_hr__timesheets", "hr", "timesheets", f.timesheets()),
    "raw_hr__leave_requests": lambda: landing(
        "raw_hr__leave_requests", "hr", "leave_requests", f.leave_requests()
    ),
    "raw_hr__qa_evaluations": lambda: landing(
        "raw_hr__qa_evaluations", "hr", "qa_evaluations", f.qa_evaluations()
    ),
    "raw_hr__coaching_sessions": lambda: landing(
        "raw_hr__coaching_sessions", "hr", "coaching_sessions", f.coaching_sessions()
    ),
    "fct_queue_intervals": lambda: mart("fct_queue_intervals", f.queue_days()),
    "fct_contact_segments": lambda: mart("fct_contact_segments", f.contact_segments()),
    "fct_survey_responses": lambda: mart("fct_survey_responses", f.survey_mart()),
    "fct_agent_days": lambda: mart("fct_agent_days", f.agent_days()),
}


def test_every_registered_suite_has_a_good_fixture():
    assert {e.name for e in registry.entries()} == set(GOOD)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_suite_passes_on_good_data(name, gx_loaded):
    entry, df = GOOD[name]()
    summary = validate(df, entry.build_suite())
    assert summary.success, [r for r in summary.failed]
    assert all(r.severity in ("critical", "warning") for r in summary.results)


def _qd(**cols):
    df = f.queue_days()
    for c, (i, v) in cols.items():
        df.loc[i, c] = v
    return df


# (case id, builder of (entry, frame), expected failing expectation, its column, severity)
BAD = [
    (
        "calls_key_twice_in_a_delivery",
        lambda: landing("raw_acd__calls", "acd", "calls", _dup_key(f.calls(), queue_id="Q2")),
        "expect_compound_columns_to_be_unique",
        "segment_id,updated_at",
        "critical",
    ),
    (
        "calls_answered_without_answered_at",
        lambda: landing("raw_acd__calls", "acd", "calls", _set(f.calls(), 0, answered_at=None)),
        "expect_column_values_to_not_be_null",
        "answered_at",
        "critical",
    ),
    (
        "calls_talk_over_four_hours",
        lambda: landing(
            "raw_acd__calls", "acd", "calls", _set(f.calls(), 0, talk_seconds=5 * 3600)
        ),
        "expect_column_values_to_be_between",
        "talk_seconds",
        "warning",
    ),
    (
        "calls_hold_count_over_20",
        lambda: landing("raw_acd__calls", "acd", "calls", _set(f.calls(), 0, hold_count=25)),
        "expect_column_values_to_be_between",
        "hold_count",
        "warning",
    ),
    (
        "calls_waits_over_an_hour",
        lambda: landing(
            "raw_acd__calls",
            "acd",
            "calls",
            [
                {**r, "answered_at": r["entered_queue_at"] + timedelta(hours=2)}
                if r["answered_at"]
                else r
                for r in f.calls()
            ],
        ),
        "expect_column_values_to_be_between",
        "_wait_seconds",
        "warning",
    ),
    (
        "calls_customer_id_mostly_missing",
        lambda: landing(
            "raw_acd__calls", "acd", "calls", [{**r, "customer_id": None} for r in f.calls()]
        ),
        "expect_column_values_to_not_be_null",
        "customer_id",
        "warning",
    ),
    (
        "calls_batch_read_rows_but_loaded_none",
        lambda: landing("raw_acd__calls", "acd", "calls", []),
        "expect_table_row_count_to_be_between",
        None,
        "critical",
    ),
    (
        "agent_states_aux_without_reason",
        lambda: landing(
            "raw_acd__agent_states",
            "acd",
            "agent_states",
            [{**r, "reason_code": None} for r in f.agent_states()],
        ),
        "expect_column_values_to_not_be_null",
        "reason_code",
        "warning",
    ),
    (
        "agent_states_day_long_available",
        lambda: landing(
            "raw_acd__agent_states",
            "acd",
            "agent_states",
            _set(f.agent_states(), 0, ended_at=T0 + timedelta(hours=20)),
        ),
        "expect_column_values_to_be_between",
        "_duration_seconds",
        "warning",
    ),
    (
        "queues_unknown_time_zone",
        lambda: landing(
            "raw_acd__queues", "acd", "queues", _set(f.queues(), 1, site_timezone="Europe/Londn")
        ),
        "expect_column_values_to_be_in_set",
        "site_timezone",
        "critical",
    ),
    (
        "queues_short_abandon_above_threshold",
        lambda: landing(
            "raw_acd__queues", "acd", "queues", _set(f.queues(), 1, short_abandon_seconds=60)
        ),
        "expect_column_pair_values_a_to_be_greater_than_b",
        "sl_threshold_seconds,short_abandon_seconds",
        "warning",
    ),
    (
        "customers_key_twice",
        lambda: landing(
            "raw_crm__customers", "crm", "customers", _dup_key(f.customers(), segment="vip")
        ),
        "expect_compound_columns_to_be_unique",
        "customer_id",
        "critical",
    ),
    (
        "cases_closed_before_opened",
        lambda: landing(
            "raw_crm__cases", "crm", "cases", _set(f.cases(), 1, closed_at=T0 - timedelta(days=1))
        ),
        "expect_column_pair_values_a_to_be_greater_than_b",
        "closed_at,opened_at",
        "warning",
    ),
    (
        "orders_bad_currency",
        lambda: landing(
            "raw_crm__orders", "crm", "orders", _set(f.orders(), 0, currency="US DOLLAR")
        ),
        "expect_column_values_to_match_regex",
        "currency",
        "warning",
    ),
    (
        "surveys_score_without_response",
        lambda: landing(
            "raw_survey__survey_responses",
            "survey",
            "survey_responses",
            _set(f.survey_responses(), 1, csat=2),
        ),
        "expect_column_values_to_be_null",
        "csat",
        "warning",
    ),
    (
        "agents_terminated_before_hired",
        lambda: landing(
            "raw_hr__agents",
            "hr",
            "agents",
            _set(f.agents(), 0, termination_date=date(2024, 1, 1), termination_type="voluntary"),
        ),
        "expect_column_pair_values_a_to_be_greater_than_b",
        "termination_date,hire_date",
        "warning",
    ),
    (
        "teams_key_twice",
        lambda: landing("raw_hr__teams", "hr", "teams", _dup_key(f.teams(), team_name="Other")),
        "expect_compound_columns_to_be_unique",
        "team_id",
        "critical",
    ),
    (
        "schedules_day_long_shift",
        lambda: landing(
            "raw_hr__schedules",
            "hr",
            "schedules",
            _set(f.schedules(), 0, ends_at=T0 + timedelta(hours=14)),
        ),
        "expect_column_values_to_be_between",
        "_duration_seconds",
        "warning",
    ),
    (
        "timesheets_overtime_above_hours",
        lambda: landing(
            "raw_hr__timesheets", "hr", "timesheets", _set(f.timesheets(), 0, overtime_hours=9.0)
        ),
        "expect_column_pair_values_a_to_be_greater_than_b",
        "hours_worked,overtime_hours",
        "warning",
    ),
    (
        "leave_over_a_year",
        lambda: landing(
            "raw_hr__leave_requests",
            "hr",
            "leave_requests",
            _set(f.leave_requests(), 0, ends_on=date(2028, 1, 1)),
        ),
        "expect_column_values_to_be_between",
        "_leave_days",
        "warning",
    ),
    (
        "qa_score_above_max",
        lambda: landing(
            "raw_hr__qa_evaluations", "hr", "qa_evaluations", _set(f.qa_evaluations(), 0, score=7.0)
        ),
        "expect_column_pair_values_a_to_be_greater_than_b",
        "max_score,score",
        "warning",
    ),
    (
        "qa_question_twice_in_an_evaluation",
        lambda: landing(
            "raw_hr__qa_evaluations",
            "hr",
            "qa_evaluations",
            _dup_key(f.qa_evaluations(), score=1.0),
        ),
        "expect_compound_columns_to_be_unique",
        "evaluation_id,question_id",
        "critical",
    ),
    (
        "coaching_follow_up_before_session",
        lambda: landing(
            "raw_hr__coaching_sessions",
            "hr",
            "coaching_sessions",
            _set(f.coaching_sessions(), 0, follow_up_due_on=date(2026, 1, 1)),
        ),
        "expect_column_values_to_be_between",
        "_follow_up_days",
        "warning",
    ),
    (
        "queue_intervals_missing_intervals",
        lambda: mart("fct_queue_intervals", _qd(row_ratio=(3, 0.5))),
        "expect_column_values_to_be_between",
        "row_ratio",
        "warning",
    ),
    (
        "queue_intervals_abandon_rate_spike",
        lambda: mart(
            "fct_queue_intervals",
            _qd(abandon_rate=(2, 0.6)).assign(
                abandon_rate=lambda d: d["abandon_rate"].where(d.index > 3, 0.5)
            ),
        ),
        "expect_column_values_to_be_between",
        "abandon_rate",
        "warning",
    ),
    (
        "queue_intervals_aht_out_of_band",
        lambda: mart("fct_queue_intervals", f.queue_days().assign(aht_seconds=30.0)),
        "expect_column_values_to_be_between",
        "aht_seconds",
        "warning",
    ),
    (
        "contact_segments_long_waits",
        lambda: mart("fct_contact_segments", f.contact_segments().assign(wait_seconds=4000)),
        "expect_column_values_to_be_between",
        "wait_seconds",
        "warning",
    ),
    (
        "contact_segments_answered_without_agent",
        lambda: mart("fct_contact_segments", f.contact_segments().assign(agent_id=None)),
        "expect_column_values_to_not_be_null",
        "agent_id",
        "warning",
    ),
    (
        "survey_csat_mean_collapses",
        lambda: mart(
            "fct_survey_responses",
            f.survey_mart().assign(csat=lambda d: d["csat"].where(d["csat"].isna(), 1)),
        ),
        "expect_column_mean_to_be_between",
        "csat",
        "warning",
    ),
    (
        "survey_response_rate_drops",
        lambda: mart("fct_survey_responses", f.survey_mart().assign(is_responded=False, csat=None)),
        "expect_column_mean_to_be_between",
        "_responded",
        "warning",
    ),
    (
        "agent_days_missed_logout",
        lambda: mart("fct_agent_days", f.agent_days().assign(logged_in_seconds=20 * 3600)),
        "expect_column_values_to_be_between",
        "logged_in_seconds",
        "warning",
    ),
]


@pytest.mark.parametrize(
    ("case", "build", "expectation", "column", "severity"), BAD, ids=[b[0] for b in BAD]
)
def test_suite_fails_on_bad_data_with_the_expected_expectation(
    case, build, expectation, column, severity, gx_loaded
):
    entry, df = build()
    summary = validate(df, entry.build_suite())
    assert not summary.success
    hits = [r for r in summary.failed if r.expectation == expectation and r.column == column]
    assert hits, (
        f"{case}: expected {expectation} on {column}; failed: {[(r.expectation, r.column) for r in summary.failed]}"
    )
    assert hits[0].severity == severity
    assert not [r for r in summary.failed if r.exception], [r.exception for r in summary.failed]


def test_every_suite_has_a_bad_case():
    covered = {build()[0].name for _, build, *_ in BAD}
    assert covered == set(GOOD)


def test_landing_suites_do_not_import_great_expectations_at_module_level():
    import subprocess
    import sys

    code = (
        "import sys; from expectations import registry; registry.entries(); "
        "import orchestration.lib.gx_bridge; "
        "assert 'great_expectations' not in sys.modules, 'eager import'"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=str(__import__("pathlib").Path(__file__).parents[2]),
    )


_ = datetime
