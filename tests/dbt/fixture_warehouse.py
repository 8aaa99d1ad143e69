"""A tiny hand-written raw warehouse for the dbt build tests.

The raw tables are created from the landing contract (the loader's `ensure_raw_tables`, so the
types are exactly the loader's); the rows below are written straight into them with lineage
columns, as the loader would. Timestamps are naive UTC.

The rows are chosen for the edge cases the marts must get right (see test_dbt_build.py):
a re-delivered segment, a transfer, a contact crossing an interval boundary, abandons exactly at
the SL and short-abandon thresholds, both DST transitions at a US and a UK site, an agent moving
teams, and an agent state crossing local midnight.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.contracts import load_contract

LOADED_AT = datetime(2026, 11, 2, 6, 0, 0)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def d(text: str) -> date:
    return date.fromisoformat(text)


def _call(
    segment_id,
    contact_id,
    seq,
    queue_id,
    entered,
    outcome,
    wait,
    *,
    agent=None,
    talk=0,
    hold=0,
    holds=0,
    acw=0,
    transfer_to=None,
    customer_id=None,
    phone=None,
    updated=None,
    channel="voice",
    direction="inbound",
    wrapup=None,
):
    """An acd/calls row; `wait` seconds to answer or to leaving the queue."""
    entered_at = ts(entered)
    answered_at = entered_at + timedelta(seconds=wait) if outcome == "answered" else None
    ended_at = (
        (answered_at + timedelta(seconds=talk + hold + acw))
        if answered_at
        else entered_at + timedelta(seconds=wait)
    )
    return {
        "segment_id": segment_id,
        "contact_id": contact_id,
        "segment_seq": seq,
        "channel": channel,
        "direction": direction,
        "queue_id": queue_id,
        "customer_id": customer_id,
        "customer_phone": phone,
        "entered_queue_at": entered_at,
        "answered_at": answered_at,
        "ended_at": ended_at,
        "agent_id": agent,
        "outcome": outcome,
        "talk_seconds": talk,
        "hold_seconds": hold,
        "hold_count": holds,
        "acw_seconds": acw,
        "transferred_to_queue_id": transfer_to,
        "wrapup_code": wrapup,
        "updated_at": ts(updated) if updated else ended_at,
    }


QUEUES = [
    {
        "queue_id": "Q_US_SALES",
        "queue_name": "US Sales",
        "line_of_business": "sales",
        "site_id": "NYC",
        "site_timezone": "America/New_York",
        "sl_threshold_seconds": 20,
        "sl_target_pct": 80.0,
        "short_abandon_seconds": 5,
    },
    {
        "queue_id": "Q_UK_SERVICE",
        "queue_name": "UK Service",
        "line_of_business": "service",
        "site_id": "LON",
        "site_timezone": "Europe/London",
        "sl_threshold_seconds": 30,
        "sl_target_pct": 90.0,
        "short_abandon_seconds": 6,
    },
]

CALLS = [
    # C1: answered in US sales by A1, transferred to UK service, answered there by A2 (wait 40 > 30)
    _call(
        "S01",
        "C1",
        1,
        "Q_US_SALES",
        "2026-03-02 14:10:00",
        "answered",
        15,
        agent="A1",
        talk=400,
        hold=60,
        holds=1,
        acw=40,
        transfer_to="Q_UK_SERVICE",
        customer_id="CU1",
        phone="+15550001",
        wrapup="transfer",
    ),
    _call(
        "S02",
        "C1",
        2,
        "Q_UK_SERVICE",
        "2026-03-02 14:18:00",
        "answered",
        40,
        agent="A2",
        talk=100,
        acw=20,
        customer_id="CU1",
        phone="+15550001",
        wrapup="resolved",
    ),
    # C0: 1 March, A1 still in team T1 (the roster moves A1 to T2 on 2 March)
    _call(
        "S00",
        "C0",
        1,
        "Q_US_SALES",
        "2026-03-01 15:00:00",
        "answered",
        12,
        agent="A1",
        talk=100,
        acw=10,
    ),
    # C2: enters 09:29:50 local, answered 09:30:10 (wait exactly 20 = T): offered in 09:00 only
    _call(
        "S03",
        "C2",
        1,
        "Q_US_SALES",
        "2026-03-02 14:29:50",
        "answered",
        20,
        agent="A1",
        talk=200,
        acw=30,
        phone=" +15550002 ",
        wrapup="sale",
    ),
    # C3: abandoned after exactly 20 s (= T, not short). Delivered twice: the later updated_at wins.
    _call(
        "S04",
        "C3",
        1,
        "Q_US_SALES",
        "2026-03-02 14:40:00",
        "abandoned",
        20,
        updated="2026-03-02 14:41:00",
    ),
    # C4: abandoned after exactly 5 s (= short-abandon threshold)
    _call("S05", "C4", 1, "Q_US_SALES", "2026-03-02 14:45:00", "abandoned", 5),
    # C5: flowed out after 60 s; C6: callback requested after 90 s
    _call("S06", "C5", 1, "Q_US_SALES", "2026-03-02 14:50:00", "flowed_out", 60),
    _call("S07", "C6", 1, "Q_UK_SERVICE", "2026-03-02 14:55:00", "callback_requested", 90),
    # DST, New York: spring forward 2026-03-08 (02:00 EST -> 03:00 EDT)
    _call("S09", "C9", 1, "Q_US_SALES", "2026-03-08 06:45:00", "abandoned", 10),  # 01:45 EST
    _call(
        "S10", "C10", 1, "Q_US_SALES", "2026-03-08 07:15:00", "answered", 8, agent="A1", talk=60
    ),  # 03:15 EDT
    # DST, New York: fall back 2026-11-01 (02:00 EDT -> 01:00 EST): 01:15 happens twice
    _call(
        "S11", "C11", 1, "Q_US_SALES", "2026-11-01 05:15:00", "answered", 3, agent="A1", talk=30
    ),  # 01:15 EDT
    _call("S12", "C12", 1, "Q_US_SALES", "2026-11-01 06:15:00", "abandoned", 40),  # 01:15 EST
    # DST, London: spring forward 2026-03-29 (01:00 GMT -> 02:00 BST)
    _call(
        "S13", "C13", 1, "Q_UK_SERVICE", "2026-03-29 00:45:00", "answered", 5, agent="A2", talk=50
    ),  # 00:45 GMT
    _call(
        "S14", "C14", 1, "Q_UK_SERVICE", "2026-03-29 01:15:00", "answered", 5, agent="A2", talk=50
    ),  # 02:15 BST
    # DST, London: fall back 2026-10-25 (02:00 BST -> 01:00 GMT): 01:15 happens twice
    _call("S15", "C15", 1, "Q_UK_SERVICE", "2026-10-25 00:15:00", "abandoned", 12),  # 01:15 BST
    _call("S16", "C16", 1, "Q_UK_SERVICE", "2026-10-25 01:15:00", "abandoned", 14),  # 01:15 GMT
]
# the first delivery of S04 (abandoned after 25 s), superseded by the row above
CALLS_FIRST_DELIVERY = [
    _call(
        "S04",
        "C3",
        1,
        "Q_US_SALES",
        "2026-03-02 14:40:00",
        "abandoned",
        25,
        updated="2026-03-02 14:40:30",
    ),
]

AGENT_STATES = [
    {
        "agent_id": "A1",
        "state": "available",
        "reason_code": None,
        "started_at": ts("2026-03-02 14:00:00"),
        "ended_at": ts("2026-03-02 14:10:15"),
    },
    {
        "agent_id": "A1",
        "state": "on_contact",
        "reason_code": None,
        "started_at": ts("2026-03-02 14:10:15"),
        "ended_at": ts("2026-03-02 14:18:55"),
    },
    {
        "agent_id": "A1",
        "state": "acw",
        "reason_code": None,
        "started_at": ts("2026-03-02 14:18:55"),
        "ended_at": ts("2026-03-02 14:19:35"),
    },
    # aux from 23:30 EST on 2 March to 00:30 EST on 3 March: 1800 s on each local day
    {
        "agent_id": "A1",
        "state": "aux",
        "reason_code": "break",
        "started_at": ts("2026-03-03 04:30:00"),
        "ended_at": ts("2026-03-03 05:30:00"),
    },
    {
        "agent_id": "A1",
        "state": "logged_out",
        "reason_code": None,
        "started_at": ts("2026-03-03 05:30:00"),
        "ended_at": ts("2026-03-03 13:00:00"),
    },
    {
        "agent_id": "A2",
        "state": "available",
        "reason_code": None,
        "started_at": ts("2026-03-02 14:00:00"),
        "ended_at": ts("2026-03-02 14:18:40"),
    },
]

AGENTS = [
    # A1 moves from team T1 to T2 on 2026-03-02 (snapshot of that day)
    {
        "agent_id": "A1",
        "full_name": "Ada One",
        "team_id": "T1",
        "supervisor_id": "SUP1",
        "site_id": "NYC",
        "role": "agent",
        "hire_date": d("2025-01-06"),
        "termination_date": None,
        "termination_type": None,
        "snapshot_date": d("2026-03-01"),
    },
    {
        "agent_id": "A1",
        "full_name": "Ada One",
        "team_id": "T2",
        "supervisor_id": "SUP2",
        "site_id": "NYC",
        "role": "agent",
        "hire_date": d("2025-01-06"),
        "termination_date": None,
        "termination_type": None,
        "snapshot_date": d("2026-03-02"),
    },
    {
        "agent_id": "A1",
        "full_name": "Ada One",
        "team_id": "T2",
        "supervisor_id": "SUP2",
        "site_id": "NYC",
        "role": "agent",
        "hire_date": d("2025-01-06"),
        "termination_date": None,
        "termination_type": None,
        "snapshot_date": d("2026-03-03"),
    },
    {
        "agent_id": "A2",
        "full_name": "Bea Two",
        "team_id": "T3",
        "supervisor_id": "SUP3",
        "site_id": "LON",
        "role": "senior_agent",
        "hire_date": d("2024-06-01"),
        "termination_date": None,
        "termination_type": None,
        "snapshot_date": d("2026-03-03"),
    },
]
TEAMS = [
    {"team_id": "T1", "team_name": "Sales East 1", "site_id": "NYC", "line_of_business": "sales"},
    {"team_id": "T2", "team_name": "Sales East 2", "site_id": "NYC", "line_of_business": "sales"},
    {"team_id": "T3", "team_name": "Service UK", "site_id": "LON", "line_of_business": "service"},
]
SURVEYS = [
    {
        "response_id": "R1",
        "contact_id": "C1",
        "agent_id": "A2",
        "sent_at": ts("2026-03-02 15:00:00"),
        "responded_at": ts("2026-03-02 15:10:00"),
        "csat": 5,
        "nps": 9,
        "resolved": True,
        "comment": "great",
    },
    {
        "response_id": "R2",
        "contact_id": "C2",
        "agent_id": "A1",
        "sent_at": ts("2026-03-02 15:00:00"),
        "responded_at": None,
        "csat": None,
        "nps": None,
        "resolved": None,
        "comment": None,
    },
    {
        "response_id": "R3",
        "contact_id": "C10",
        "agent_id": "A1",
        "sent_at": ts("2026-03-08 08:00:00"),
        "responded_at": ts("2026-03-08 09:00:00"),
        "csat": 2,
        "nps": 3,
        "resolved": False,
        "comment": "slow",
    },
]
CUSTOMERS = [
    {
        "customer_id": "CU1",
        "segment": "consumer",
        "phone": "+15550001",
        "email": "Ann@Example.com",
        "created_at": ts("2025-05-01 10:00:00"),
    },
]
CASES = [
    {
        "case_id": "K1",
        "customer_id": "CU1",
        "contact_id": "C1",
        "category": "billing",
        "is_complaint": True,
        "is_escalated": False,
        "status": "closed",
        "opened_at": ts("2026-03-02 14:20:00"),
        "closed_at": ts("2026-03-03 10:00:00"),
    },
]
ORDERS = [
    {
        "order_id": "O1",
        "customer_id": None,
        "contact_id": "C2",
        "agent_id": "A1",
        "ordered_at": ts("2026-03-02 14:35:00"),
        "amount": 120.5,
        "currency": "USD",
    },
]
SCHEDULES = [
    {
        "agent_id": "A1",
        "activity": "on_queue",
        "starts_at": ts("2026-03-02 14:00:00"),
        "ends_at": ts("2026-03-02 18:00:00"),
    },
]
TIMESHEETS = [
    {
        "agent_id": "A1",
        "work_date": d("2026-03-02"),
        "hours_worked": 8.0,
        "overtime_hours": 0.0,
        "submitted_at": ts("2026-03-02 23:00:00"),
        "approved_by": None,
        "approved_at": None,
    },
]
LEAVE = [
    {
        "request_id": "L1",
        "agent_id": "A2",
        "leave_type": "vacation",
        "starts_on": d("2026-04-01"),
        "ends_on": d("2026-04-03"),
        "status": "approved",
        "requested_at": ts("2026-03-01 09:00:00"),
        "decided_at": ts("2026-03-01 12:00:00"),
        "decided_by": "SUP3",
    },
]
QA = [
    {
        "evaluation_id": "E1",
        "segment_id": "S02",
        "agent_id": "A2",
        "evaluator_id": "SUP3",
        "evaluated_at": ts("2026-03-03 10:00:00"),
        "form_id": "F1",
        "section": "greeting",
        "question_id": "Q1",
        "weight": 1.0,
        "score": 1.0,
        "max_score": 1.0,
        "is_critical": False,
        "is_not_applicable": False,
    },
]
COACHING = [
    {
        "session_id": "CS1",
        "agent_id": "A1",
        "supervisor_id": "SUP2",
        "held_at": ts("2026-03-04 15:00:00"),
        "focus_metric": "average_handle_time",
        "baseline_value": 600.0,
        "target_value": 500.0,
        "commitment": "shorter holds",
        "follow_up_due_on": d("2026-03-18"),
    },
]

ROWS: dict[tuple[str, str], list[list[dict]]] = {
    # each inner list is one delivery (file)
    ("acd", "calls"): [CALLS_FIRST_DELIVERY, CALLS],
    ("acd", "agent_states"): [AGENT_STATES],
    ("acd", "queues"): [QUEUES],
    ("crm", "customers"): [CUSTOMERS],
    ("crm", "cases"): [CASES],
    ("crm", "orders"): [ORDERS],
    ("survey", "survey_responses"): [SURVEYS],
    ("hr", "agents"): [AGENTS],
    ("hr", "teams"): [TEAMS],
    ("hr", "schedules"): [SCHEDULES],
    ("hr", "timesheets"): [TIMESHEETS],
    ("hr", "leave_requests"): [LEAVE],
    ("hr", "qa_evaluations"): [QA],
    ("hr", "coaching_sessions"): [COACHING],
}


def _ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    try:
        from orchestration.lib.ingest import ensure_raw_tables
    except ImportError:  # the loader is not there yet: same DDL from the contract
        for t in load_contract():
            cols = ", ".join(f"{c.name} {c.duckdb_type}" for c in t.columns)
            con.execute(f"create schema if not exists {t.raw_schema}")
            con.execute(
                f"create table if not exists {t.raw_relation} ({cols}, _source_file VARCHAR, "
                "_source_row BIGINT, _delivery_id VARCHAR, _loaded_at TIMESTAMP)"
            )
        return
    ensure_raw_tables(con)


def build_fixture_warehouse(path: Path, families: set[str] | None = None) -> Path:
    """Create the raw tables at `path` and fill the tables of `families` (default: all)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        _ensure_raw_tables(con)
        for t in load_contract():
            if families is not None and t.family not in families:
                continue
            for delivery_no, rows in enumerate(ROWS.get(t.key, []), start=1):
                names = list(t.column_names) + [
                    "_source_file",
                    "_source_row",
                    "_delivery_id",
                    "_loaded_at",
                ]
                source_file = f"{t.family}/{t.name}/fixture_{delivery_no}.csv"
                values = [
                    [row.get(c) for c in t.column_names]
                    + [
                        source_file,
                        line,
                        f"fixture-{delivery_no}",
                        LOADED_AT.replace(minute=delivery_no),
                    ]
                    for line, row in enumerate(rows, start=2)
                ]
                placeholders = ", ".join("?" for _ in names)
                con.executemany(
                    f"insert into {t.raw_relation} ({', '.join(names)}) values ({placeholders})",
                    values,
                )
    finally:
        con.close()
    return path


def insert_rows(
    path: Path, family: str, table: str, rows: list[dict], delivery_no: int = 9
) -> None:
    """Append `rows` to raw_<family>.<table> of an existing fixture warehouse as one more
    delivery (lineage columns filled as the loader would). Columns missing from a row are null."""
    t = next(t for t in load_contract() if t.family == family and t.name == table)
    names = list(t.column_names) + ["_source_file", "_source_row", "_delivery_id", "_loaded_at"]
    source_file = f"{family}/{table}/fixture_{delivery_no}.csv"
    values = [
        [row.get(c) for c in t.column_names]
        + [source_file, line, f"fixture-{delivery_no}", LOADED_AT.replace(minute=delivery_no)]
        for line, row in enumerate(rows, start=2)
    ]
    con = duckdb.connect(str(path))
    try:
        placeholders = ", ".join("?" for _ in names)
        con.executemany(
            f"insert into {t.raw_relation} ({', '.join(names)}) values ({placeholders})", values
        )
    finally:
        con.close()


if __name__ == "__main__":  # handy while iterating: python -m tests.dbt.fixture_warehouse <path>
    import sys

    build_fixture_warehouse(Path(sys.argv[1]))
