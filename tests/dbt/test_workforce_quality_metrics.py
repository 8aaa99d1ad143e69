"""Agent/workforce and quality marts on the hand-written fixture plus a few workforce rows.

The fixture of fixture_warehouse.py is extended (insert_rows) with London agents on Monday
2 March 2026 (GMT, so local time = UTC) whose numbers are easy to check by hand:
  W1 scheduled on queue 09:00-11:00, logs in at 09:01 (1 minute late, inside the 120 s
     tolerance): fully adherent; approved vacation (requested weeks ahead) on Tuesday 3 March.
  W2 same schedule, logs in at 09:05 (5 minutes late): 300 s not adherent, 300 s late login.
  W3 scheduled 09:00-17:00, never logs in, no leave: 8 h unexcused absence.
  W4 leaves (voluntary) on 2 March.
plus QA evaluations with an N/A question and a failed critical question, and one for A1's
contact of 1 March (before A1's move from T1 to T2 on 2 March).
dbt runs as a subprocess (see dbt_runner.py for why).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from dbt_runner import assert_build_ok, run_dbt_build  # noqa: E402
from fixture_warehouse import build_fixture_warehouse, insert_rows  # noqa: E402

MY_MARTS = [
    "fct_agent_days",
    "fct_agent_intervals",
    "fct_agent_intervals_15m",
    "fct_headcount_daily",
    "fct_qa_evaluations",
    "fct_qa_evaluation_sections",
    "rpt_agent_daily",
    "dim_agents",
]


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _roster(agent_id: str, snapshot: str, termination: str | None = None) -> dict:
    return {
        "agent_id": agent_id,
        "full_name": f"Agent {agent_id}",
        "team_id": "T3",
        "supervisor_id": "SUP3",
        "site_id": "LON",
        "role": "agent",
        "hire_date": date(2025, 6, 1),
        "termination_date": date.fromisoformat(termination) if termination else None,
        "termination_type": "voluntary" if termination else None,
        "snapshot_date": date.fromisoformat(snapshot),
    }


def _state(agent_id: str, state: str, start: str, end: str, reason: str | None = None) -> dict:
    return {
        "agent_id": agent_id,
        "state": state,
        "reason_code": reason,
        "started_at": ts(start),
        "ended_at": ts(end),
    }


def _schedule(agent_id: str, activity: str, start: str, end: str) -> dict:
    return {"agent_id": agent_id, "activity": activity, "starts_at": ts(start), "ends_at": ts(end)}


def _question(evaluation_id, segment_id, agent_id, question_id, weight, score, max_score, **kw):
    return {
        "evaluation_id": evaluation_id,
        "segment_id": segment_id,
        "agent_id": agent_id,
        "evaluator_id": "QA01",
        "evaluated_at": ts(kw.get("evaluated_at", "2026-03-04 10:00:00")),
        "form_id": "F1",
        "section": kw.get("section", "resolution"),
        "question_id": question_id,
        "weight": weight,
        "score": score,
        "max_score": max_score,
        "is_critical": kw.get("critical", False),
        "is_not_applicable": score is None,
    }


EXTRA_ROWS = {
    ("hr", "agents"): [
        _roster(a, f"2026-03-0{d}", "2026-03-02" if a == "W4" else None)
        for a in ("W1", "W2", "W3", "W4")
        for d in (1, 2, 3)
    ],
    ("hr", "schedules"): [
        _schedule("W1", "on_queue", "2026-03-02 09:00:00", "2026-03-02 11:00:00"),
        _schedule("W1", "off", "2026-03-03 00:00:00", "2026-03-04 00:00:00"),
        _schedule("W2", "on_queue", "2026-03-02 09:00:00", "2026-03-02 11:00:00"),
        _schedule("W3", "on_queue", "2026-03-02 09:00:00", "2026-03-02 17:00:00"),
    ],
    ("acd", "agent_states"): [
        _state("W1", "available", "2026-03-02 09:01:00", "2026-03-02 11:00:00"),
        _state("W2", "available", "2026-03-02 09:05:00", "2026-03-02 11:00:00"),
    ],
    ("hr", "leave_requests"): [
        {
            "request_id": "L9",
            "agent_id": "W1",
            "leave_type": "vacation",
            "starts_on": date(2026, 3, 3),
            "ends_on": date(2026, 3, 3),
            "status": "approved",
            "requested_at": ts("2026-02-10 09:00:00"),
            "decided_at": ts("2026-02-11 09:00:00"),
            "decided_by": "SUP3",
        }
    ],
    ("hr", "qa_evaluations"): [
        # E2: N/A question and a failed critical question -> 0
        _question("E2", "S13", "A2", "Q1", 3.0, 5.0, 5.0),
        _question("E2", "S13", "A2", "Q2", 2.0, None, 5.0),
        _question("E2", "S13", "A2", "Q3", 1.0, 0.0, 1.0, critical=True, section="compliance"),
        # E3: N/A question removed from the weight: (2 x 4/5 + 1 x 1/1) / (2 + 1) = 86.67%
        _question("E3", "S14", "A2", "Q1", 2.0, 4.0, 5.0),
        _question("E3", "S14", "A2", "Q2", 2.0, None, 5.0),
        _question("E3", "S14", "A2", "Q3", 1.0, 1.0, 1.0, critical=True, section="compliance"),
        # E4: A1's contact of 1 March (team T1), evaluated on 4 March (A1 is in T2 by then)
        _question("E4", "S00", "A1", "Q1", 1.0, 5.0, 5.0),
    ],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_workforce")
    warehouse = build_fixture_warehouse(work / "warehouse.duckdb")
    for (family, table), rows in EXTRA_ROWS.items():
        insert_rows(warehouse, family, table, rows)
    proc, results = run_dbt_build(warehouse, work)
    return warehouse, proc, results


@pytest.fixture(scope="module")
def con(build):
    warehouse, proc, results = build
    assert_build_ok(proc, results)
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


def one(con, sql: str):
    rows = con.execute(sql).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_build_runs_the_workforce_and_quality_unit_and_singular_tests(con, build):
    ids = [r["unique_id"] for r in build[2]["results"]]
    for name in [
        "fct_agent_days_agent_moving_teams_mid_month_keeps_old_days_with_old_team",
        "fct_agent_days_shrinkage_planned_leave_vs_unexcused_absence",
        "int_schedules_matched_to_states_edge_tolerance",
        "rpt_agent_daily_occupancy_utilization_adherence_on_a_hand_made_day",
        "fct_qa_evaluations_not_applicable_and_critical_failure",
        "assert_agent_intervals_reconcile_to_agent_days",
        "assert_rpt_agent_daily_matches_facts",
    ]:
        assert any(name in i for i in ids), name
    for mart in MY_MARTS:
        assert f"model.switchboard.{mart}" in ids


def test_one_minute_late_is_adherent_and_five_minutes_late_is_not(con):
    w1 = one(
        con,
        "select fct_agent_days.scheduled_work_seconds, fct_agent_days.adherent_seconds, "
        "adherence_forgiven_seconds, late_login_seconds, adherence "
        "from fct_agent_days join rpt_agent_daily using "
        "(agent_id, activity_date) where agent_id = 'W1' and activity_date = '2026-03-02'",
    )
    assert w1 == (7200, 7200, 60, 60, 1.0)
    w2 = one(
        con,
        "select fct_agent_days.scheduled_work_seconds, fct_agent_days.adherent_seconds, "
        "adherence_forgiven_seconds, late_login_seconds, adherence "
        "from fct_agent_days join rpt_agent_daily using "
        "(agent_id, activity_date) where agent_id = 'W2' and activity_date = '2026-03-02'",
    )
    assert w2 == (7200, 6900, 0, 300, 6900 / 7200)
    # the 09:00 interval of W2: 25 of 30 scheduled minutes adherent
    assert one(
        con,
        "select scheduled_on_queue_seconds, adherent_seconds, available_seconds "
        "from fct_agent_intervals where agent_id = 'W2' "
        "and interval_start_utc = timestamp '2026-03-02 09:00:00'",
    ) == (1800, 1500, 1500)


def test_planned_leave_and_unexcused_absence_split_shrinkage(con):
    assert one(
        con,
        "select planned_leave_seconds, planned_shrinkage_seconds, unplanned_shrinkage_seconds, "
        "shrinkage_base_seconds from fct_agent_days where agent_id = 'W1' "
        "and activity_date = '2026-03-03'",
    ) == (28800, 28800, 0, 28800)
    assert one(
        con,
        "select absence_seconds, planned_shrinkage_seconds, unplanned_shrinkage_seconds, "
        "shrinkage_base_seconds from fct_agent_days where agent_id = 'W3' "
        "and activity_date = '2026-03-02'",
    ) == (28800, 0, 28800, 28800)


def test_facts_stay_with_the_team_of_their_day_when_an_agent_moves(con):
    days = con.execute(
        "select activity_date, team_id from fct_agent_days where agent_id = 'A1' "
        "and handled > 0 order by activity_date"
    ).fetchall()
    assert days[:2] == [(date(2026, 3, 1), "T1"), (date(2026, 3, 2), "T2")]
    intervals = con.execute(
        "select distinct interval_date, team_id from fct_agent_intervals "
        "where agent_id = 'A1' and interval_date <= '2026-03-02' order by 1"
    ).fetchall()
    assert intervals == [(date(2026, 3, 1), "T1"), (date(2026, 3, 2), "T2")]
    # evaluated on 4 March, but the contact was handled on 1 March in T1
    assert one(
        con, "select team_id, activity_date from fct_qa_evaluations where evaluation_id = 'E4'"
    ) == ("T1", date(2026, 3, 1))


def test_qa_scores_remove_na_from_the_weight_and_zero_critical_failures(con):
    scores = dict(con.execute("select evaluation_id, score_pct from fct_qa_evaluations").fetchall())
    assert scores["E1"] == 100.0
    assert scores["E2"] == 0.0
    assert scores["E3"] == pytest.approx(100 * 2.6 / 3, abs=1e-9)
    e2 = one(
        con,
        "select has_critical_failure, not_applicable_count, weighted_possible, "
        "score_pct_before_critical from fct_qa_evaluations where evaluation_id = 'E2'",
    )
    assert e2 == (True, 1, 4.0, 75.0)
    sections = dict(
        con.execute(
            "select section, score_pct from fct_qa_evaluation_sections where evaluation_id = 'E2'"
        ).fetchall()
    )
    assert sections == {"resolution": 100.0, "compliance": 0.0}
    # A2's QA over E2 and E3: mean of percentages vs points over possible
    mean, points = one(
        con,
        "select sum(qa_score_pct_sum) / sum(qa_scored_evaluations), "
        "100 * sum(qa_scored_points) / sum(qa_possible_points) from rpt_agent_daily "
        "where agent_id = 'A2' and qa_evaluations > 0 and activity_date >= '2026-03-29'",
    )
    assert mean == pytest.approx((0 + 100 * 2.6 / 3) / 2)
    assert points == pytest.approx(100 * (0 + 2.6) / (4 + 3))


def test_headcount_hires_leavers_and_tenure_bands(con):
    by_day = con.execute(
        "select headcount_date, sum(headcount), sum(leavers), sum(voluntary_leavers) "
        "from fct_headcount_daily group by 1 order by 1"
    ).fetchall()
    assert by_day == [
        (date(2026, 3, 1), 6, 0, 0),
        (date(2026, 3, 2), 6, 1, 1),
        (date(2026, 3, 3), 5, 0, 0),
    ]
    bands = dict(
        con.execute(
            "select tenure_band, sum(headcount) from fct_headcount_daily "
            "where headcount_date = '2026-03-01' group by 1"
        ).fetchall()
    )
    assert bands == {"1-3 years": 2, "3-12 months": 4}
    assert one(con, "select tenure_band from dim_agents where agent_id = 'A2'") == ("1-3 years",)
