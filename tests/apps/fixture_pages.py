"""Extra fixture tables for the Queues, Customer voice, Quality and Data health pages.

Called by conftest.build_serving_db after the core tables exist. Adds (only when another
fixture builder has not created them already) teams and agents, contacts and segments, QA
evaluations and sections, and the snapshot's ``ops`` schema (deliveries, quarantine, check
results, publication); spreads the fixture's surveys over three agents of two teams and gives
some of them comments. Deterministic (its own seeded RNG). Tests compute their expected values
from these tables with plain SQL, not through apps.queries.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import duckdb

TEAMS = [
    # team_id, team_name, site_id, line_of_business
    ("t1", "Care London", "LON", "Care"),
    ("t2", "Care New York", "NYC", "Care"),
]
AGENTS = [
    # agent_id, team_id, supervisor_id, site_id, full_name
    ("a1", "t1", "s1", "LON", "Ada Lovelace"),
    ("a2", "t1", "s1", "LON", "Alan Turing"),
    ("a3", "t2", "s2", "NYC", "Grace Hopper"),
]
FORMS = {"f_voice": ["Greeting", "Resolution", "Compliance"]}
COMMENTS = [
    "Quick and friendly, thank you.",
    "Waited far too long before anyone answered.",
    "The agent solved my billing problem.",
    "Had to repeat my account number three times.",
    "Great help, very patient.",
]


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? "
            "and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def add_page_tables(con: duckdb.DuckDBPyConnection, seed: int = 6) -> None:
    rng = random.Random(seed)
    if not _exists(con, "main", "dim_teams"):
        con.execute(
            "create table dim_teams (team_id varchar, team_name varchar, site_id varchar, "
            "line_of_business varchar, is_configured boolean)"
        )
        con.executemany("insert into dim_teams values (?, ?, ?, ?, true)", TEAMS)
    if not _exists(con, "main", "dim_agents"):
        con.execute(
            """create table dim_agents (agent_id varchar, team_id varchar, supervisor_id varchar,
            site_id varchar, full_name varchar, team_name varchar, role varchar,
            site_timezone varchar, hire_date date, termination_date date,
            termination_type varchar, is_in_roster boolean, is_active boolean,
            last_snapshot_date date, as_of_date date, tenure_days bigint, tenure_band varchar)"""
        )
        names = {t[0]: t[1] for t in TEAMS}
        con.executemany(
            "insert into dim_agents values (?, ?, ?, ?, ?, ?, 'agent', ?, date '2023-01-01', "
            "null, null, true, true, date '2024-03-28', date '2024-03-28', 450, '1-2 years')",
            [
                (a, t, s, site, n, names[t], "Europe/London" if site == "LON" else
                 "America/New_York")
                for a, t, s, site, n in AGENTS
            ],
        )

    # Surveys: spread over the three agents (team of the agent), comments on some answers.
    surveys = con.execute(
        "select response_id, contact_id, queue_id, sent_at, csat, nps from fct_survey_responses "
        "order by response_id"
    ).fetchall()
    updates = []
    contacts = []
    segments = []
    for i, (rid, cid, qid, sent_at, csat, _nps) in enumerate(surveys):
        agent, team = AGENTS[i % 3][0], AGENTS[i % 3][1]
        comment = COMMENTS[i % len(COMMENTS)] if csat is not None and i % 2 == 0 else None
        updates.append((agent, team, comment, rid))
        started = sent_at - timedelta(minutes=30)
        wait = rng.randint(5, 400)
        talk, hold, acw = rng.randint(60, 600), rng.randint(0, 60), rng.randint(0, 120)
        contacts.append(
            (cid, qid, qid, qid, agent, team, f"cust{i % 40}", "inbound", "voice", "answered",
             1, 1, 0, talk + hold + acw, True, started, started + timedelta(seconds=wait + talk),
             started.date())
        )
        # Two segments for every fifth contact (a transfer): the wait is their sum.
        split = [wait] if i % 5 else [wait // 2, wait - wait // 2]
        for n, w in enumerate(split):
            segments.append((f"{cid}-{n}", cid, n + 1, qid, agent, team, w, started))
    con.executemany(
        "update fct_survey_responses set agent_id = ?, team_id = ?, comment = ? "
        "where response_id = ?",
        updates,
    )
    if not _exists(con, "main", "fct_contacts"):
        con.execute(
            """create table fct_contacts (contact_id varchar, queue_id varchar,
            first_queue_id varchar, last_queue_id varchar, agent_id varchar, team_id varchar,
            customer_key varchar, direction varchar, channel varchar, last_outcome varchar,
            segment_count bigint, handled_segments bigint, transfers bigint,
            handle_seconds bigint, is_handled boolean, started_at timestamp,
            ended_at timestamp, contact_date date, line_of_business varchar,
            is_sales_contact boolean, has_customer_key boolean, is_fcr_eligible boolean,
            is_fcr_window_complete boolean, is_resolved_first_contact boolean,
            has_order_within_window boolean, order_amount double, complaint_cases bigint,
            site_timezone varchar, answered_date date)"""
        )
        con.executemany(
            "insert into fct_contacts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, 'Care', false, true, true, true, true, false, 0, 0, 'Europe/London', ?)",
            [(*c, c[-1]) for c in contacts],
        )
    if not _exists(con, "main", "fct_contact_segments"):
        con.execute(
            """create table fct_contact_segments (segment_id varchar, contact_id varchar,
            segment_seq bigint, queue_id varchar, agent_id varchar, team_id varchar,
            wait_seconds bigint, entered_queue_at timestamp)"""
        )
        con.executemany("insert into fct_contact_segments values (?, ?, ?, ?, ?, ?, ?, ?)",
                        segments)

    # QA evaluations: ~2 a day per agent, one in eight with a critical failure.
    if not _exists(con, "main", "fct_qa_evaluations"):
        con.execute(
            """create table fct_qa_evaluations (evaluation_id varchar, segment_id varchar,
            contact_id varchar, agent_id varchar, evaluator_id varchar, form_id varchar,
            team_id varchar, supervisor_id varchar, site_id varchar, site_timezone varchar,
            evaluated_at timestamp, evaluated_date date, activity_date date,
            question_count bigint, not_applicable_count bigint,
            critical_question_count bigint, critical_failure_count bigint,
            has_critical_failure boolean, is_scored boolean, weighted_points double,
            weighted_possible double, score_pct_before_critical double,
            scored_points double, score_pct double)"""
        )
        con.execute(
            """create table fct_qa_evaluation_sections (evaluation_id varchar, section varchar,
            agent_id varchar, form_id varchar, team_id varchar, activity_date date,
            question_count bigint, not_applicable_count bigint, has_critical_failure boolean,
            weighted_points double, weighted_possible double, score_pct double)"""
        )
        first, last = con.execute(
            "select min(interval_date), max(interval_date) from fct_queue_intervals"
        ).fetchone()
        evals, sections = [], []
        n = 0
        day = first
        while day <= last:
            for agent, team, sup, site, _name in AGENTS:
                for _ in range(rng.randint(0, 3)):
                    n += 1
                    eid = f"e{n}"
                    crit = rng.random() < 0.125
                    sec_rows = []
                    for sec in FORMS["f_voice"]:
                        possible = float(rng.choice([2, 3, 5]))
                        points = round(rng.uniform(0.4, 1.0) * possible, 3)
                        sec_rows.append((sec, points, possible))
                    wp = sum(r[1] for r in sec_rows)
                    wpos = sum(r[2] for r in sec_rows)
                    before = 100 * wp / wpos
                    at = datetime(day.year, day.month, day.day, 15, 0)
                    evals.append(
                        (eid, None, None, agent, sup, "f_voice", team, sup, site, "UTC", at, day,
                         day, 9, 0, 1, 1 if crit else 0, crit, True, wp, wpos, before,
                         0.0 if crit else wp, 0.0 if crit else before)
                    )
                    for sec, points, possible in sec_rows:
                        sections.append(
                            (eid, sec, agent, "f_voice", team, day, 3, 0, crit, points,
                             possible, 100 * points / possible)
                        )
            day += timedelta(days=1)
        con.executemany(
            f"insert into fct_qa_evaluations values ({', '.join('?' * 24)})", evals
        )
        con.executemany(
            f"insert into fct_qa_evaluation_sections values ({', '.join('?' * 12)})", sections
        )

    # ops: what the publish step copies from raw_meta, with one bad file and two failures.
    con.execute("create schema if not exists ops")
    if not _exists(con, "ops", "deliveries"):
        con.execute(
            """create table ops.deliveries (delivery_id varchar, family varchar,
            table_name varchar, source_file varchar, size_bytes bigint, status varchar,
            rows_read bigint, rows_loaded bigint, rows_quarantined bigint,
            rows_duplicate bigint, message varchar, loaded_at timestamp,
            load_seconds double)"""
        )
        loaded = datetime(2024, 3, 29, 5, 0)
        con.executemany(
            "insert into ops.deliveries values (?, ?, ?, ?, 1000, ?, ?, ?, ?, ?, ?, ?, 0.1)",
            [
                ("d1", "acd", "calls", "acd/calls/calls_2024-03-27.csv", "loaded", 120, 117, 2,
                 1, None, loaded - timedelta(days=1)),
                ("d2", "acd", "calls", "acd/calls/calls_2024-03-28.csv", "loaded", 130, 130, 0,
                 0, None, loaded),
                ("d3", "survey", "survey_responses", "survey/survey_responses/s_2024-03-28.csv",
                 "loaded", 40, 39, 1, 0, None, loaded),
                ("d4", "hr", "agents", "hr/agents/agents_bad.csv", "rejected", 0, 0, 0, 0,
                 "missing required column(s): agent_id", loaded),
            ],
        )
    if not _exists(con, "ops", "quarantine"):
        con.execute(
            """create table ops.quarantine (delivery_id varchar, family varchar,
            table_name varchar, source_file varchar, line_number bigint, raw_line varchar,
            reason varchar, quarantined_at timestamp)"""
        )
        at = datetime(2024, 3, 29, 5, 0)
        con.executemany(
            "insert into ops.quarantine values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ("d1", "acd", "calls", "acd/calls/calls_2024-03-27.csv", 17, "c17,q_billing,x",
                 "unparseable timestamp in entered_queue_at: 'x'", at - timedelta(days=1)),
                ("d1", "acd", "calls", "acd/calls/calls_2024-03-27.csv", 42, "c42,q_sales,-5",
                 "negative duration in talk_seconds: -5", at - timedelta(days=1)),
                ("d3", "survey", "survey_responses", "survey/survey_responses/s_2024-03-28.csv",
                 9, "r9,,7", "unknown contact_id ''", at),
            ],
        )
    if not _exists(con, "ops", "check_results"):
        con.execute(
            """create table ops.check_results (check_name varchar, asset_key varchar,
            suite varchar, expectation varchar, column_name varchar, severity varchar,
            success boolean, unexpected_count bigint, unexpected_percent double,
            observed_value varchar, examples varchar, expectation_args varchar,
            evaluated_rows bigint, batch varchar, evaluated_at timestamp, run_id varchar)"""
        )
        old, new = datetime(2024, 3, 28, 5, 0), datetime(2024, 3, 29, 5, 0)
        rows = [
            # An older evaluation whose failure was fixed since: must not show as failed.
            ("gx_landing_suite", "acd/calls", "landing_calls", "expect_column_values_to_not_be_null",
             "contact_id", "critical", False, 3, 1.0, None, '["c1"]', "{}", 300, None, old, "r0"),
            ("gx_landing_suite", "acd/calls", "landing_calls", "expect_column_values_to_not_be_null",
             "contact_id", "critical", True, 0, 0.0, None, "[]", "{}", 130, None, new, "r1"),
            ("gx_landing_suite", "acd/calls", "landing_calls",
             "expect_column_values_to_be_between", "talk_seconds", "critical", False, 2, 1.5,
             None, '[{"talk_seconds": -5, "_source_row": 42}]', "{}", 130, None, new, "r1"),
            ("gx_mart_drift", "fct_queue_intervals", "marts_queue",
             "expect_column_mean_to_be_between", "abandoned", "warning", False, None, None,
             '{"mean": 0.4}', "[]", "{}", 2000, None, new, "r1"),
            ("gx_mart_drift", "fct_queue_intervals", "marts_queue",
             "expect_table_row_count_to_be_between", None, "warning", True, None, None,
             '{"count": 2000}', "[]", "{}", 2000, None, new, "r1"),
        ]
        con.executemany(f"insert into ops.check_results values ({', '.join('?' * 16)})", rows)
    if not _exists(con, "ops", "publication"):
        con.execute(
            "create table ops.publication (published_at timestamp, run_id varchar, "
            "table_name varchar, row_count bigint)"
        )
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
        for (t,) in tables:
            count = con.execute(f'select count(*) from main."{t}"').fetchone()[0]
            con.execute(
                "insert into ops.publication values (timestamp '2024-03-29 05:10:00', 'r1', ?, ?)",
                [f"main.{t}", count],
            )
