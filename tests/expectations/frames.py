"""Small hand-built frames for the suite tests, shaped exactly like what the checks fetch.

Landing rows go through an in-memory DuckDB with the loader's raw DDL, so the frame has the
raw table's real dtypes (and the lineage columns); mart frames are plain pandas.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from orchestration.lib.ingest import ensure_raw_tables

T0 = datetime(2026, 3, 2, 9, 0, 0)
D0 = date(2026, 3, 2)


def raw_frame(family: str, table: str, rows: list[dict], delivery_id: str = "d1") -> pd.DataFrame:
    """The rows as the landing check fetches them: from the raw table, through
    ``registry.fetch_landing_frame`` with the suite's columns and encodings."""
    from expectations import registry

    con = duckdb.connect()
    ensure_raw_tables(con)
    source_file = f"{family}/{table}/{delivery_id}.csv"
    full = [
        {
            **r,
            "_delivery_id": r.get("_delivery_id", delivery_id),
            "_source_file": source_file,
            "_source_row": i + 2,
            "_loaded_at": datetime(2026, 3, 3),
        }
        for i, r in enumerate(rows)
    ]
    table_columns = registry._table_columns(con, f"raw_{family}", table)
    if full:
        incoming = pd.DataFrame(full, columns=[c for c in table_columns if any(c in r for r in full)])
        con.register("incoming", incoming)
        con.execute(f"insert into raw_{family}.{table} by name select * from incoming")
    entry = registry.get((family, table))
    columns, encodable = registry.landing_columns(
        entry.build_suite(), table_columns, entry.prepare_reads
    )
    ids = dict.fromkeys([r["_delivery_id"] for r in full] or [delivery_id])
    deliveries = [(d, source_file, None) for d in ids]
    df = registry.fetch_landing_frame(con, family, table, deliveries, columns, encodable).frame
    con.close()
    return df


def calls(n: int = 40) -> list[dict]:
    rows = []
    for i in range(n):
        entered = T0 + timedelta(minutes=i)
        answered = i % 4 != 3
        talk, hold, acw = (180 + i, 10, 30) if answered else (0, 0, 0)
        answered_at = entered + timedelta(seconds=15) if answered else None
        ended = (
            (answered_at + timedelta(seconds=talk + hold + acw))
            if answered
            else entered + timedelta(seconds=40)
        )
        rows.append(
            {
                "segment_id": f"S{i}",
                "contact_id": f"C{i}",
                "segment_seq": 1,
                "channel": "voice",
                "direction": "inbound",
                "queue_id": "Q1",
                "customer_id": f"CU{i}" if i % 5 else None,
                "customer_phone": None,
                "entered_queue_at": entered,
                "answered_at": answered_at,
                "ended_at": ended,
                "agent_id": "A1" if answered else None,
                "outcome": "answered" if answered else "abandoned",
                "talk_seconds": talk,
                "hold_seconds": hold,
                "hold_count": 1 if answered else 0,
                "acw_seconds": acw,
                "transferred_to_queue_id": None,
                "wrapup_code": None,
                "updated_at": ended,
            }
        )
    return rows


def agent_states(n: int = 20) -> list[dict]:
    states = ["available", "on_contact", "acw", "aux", "logged_out"]
    rows = []
    for i in range(n):
        s = states[i % 5]
        start = T0 + timedelta(minutes=10 * i)
        rows.append(
            {
                "agent_id": "A1",
                "state": s,
                "reason_code": "break" if s == "aux" else None,
                "started_at": start,
                "ended_at": start + timedelta(minutes=10),
            }
        )
    return rows


def queues() -> list[dict]:
    return [
        {
            "queue_id": f"Q{i}",
            "queue_name": f"Queue {i}",
            "line_of_business": "sales",
            "site_id": "NYC",
            "site_timezone": "America/New_York",
            "sl_threshold_seconds": 20,
            "sl_target_pct": 80.0,
            "short_abandon_seconds": 5,
        }
        for i in range(3)
    ]


def customers(n: int = 10) -> list[dict]:
    return [
        {
            "customer_id": f"CU{i}",
            "segment": "consumer",
            "phone": None,
            "email": None,
            "created_at": datetime(2020, 1, 1) + timedelta(days=i),
        }
        for i in range(n)
    ]


def cases(n: int = 10) -> list[dict]:
    return [
        {
            "case_id": f"K{i}",
            "customer_id": f"CU{i}",
            "contact_id": None,
            "category": "billing",
            "is_complaint": False,
            "is_escalated": False,
            "status": "closed" if i % 2 else "open",
            "opened_at": T0,
            "closed_at": T0 + timedelta(hours=2) if i % 2 else None,
        }
        for i in range(n)
    ]


def orders(n: int = 10) -> list[dict]:
    return [
        {
            "order_id": f"O{i}",
            "customer_id": f"CU{i}",
            "contact_id": None,
            "agent_id": "A1",
            "ordered_at": T0,
            "amount": 100.0 + i,
            "currency": "USD",
        }
        for i in range(n)
    ]


def survey_responses(n: int = 10) -> list[dict]:
    rows = []
    for i in range(n):
        responded = i % 2 == 0
        rows.append(
            {
                "response_id": f"R{i}",
                "contact_id": f"C{i}",
                "agent_id": "A1",
                "sent_at": T0,
                "responded_at": T0 + timedelta(hours=1) if responded else None,
                "csat": 4 if responded else None,
                "nps": 9 if responded else None,
                "resolved": True if responded else None,
                "comment": None,
            }
        )
    return rows


def agents(n: int = 5) -> list[dict]:
    return [
        {
            "agent_id": f"A{i}",
            "full_name": f"Agent {i}",
            "team_id": "T1",
            "supervisor_id": "SUP1",
            "site_id": "NYC",
            "role": "agent",
            "hire_date": date(2025, 1, 1),
            "termination_date": None,
            "termination_type": None,
            "snapshot_date": D0,
        }
        for i in range(n)
    ]


def teams() -> list[dict]:
    return [
        {
            "team_id": f"T{i}",
            "team_name": f"Team {i}",
            "site_id": "NYC",
            "line_of_business": "sales",
        }
        for i in range(3)
    ]


def schedules(n: int = 6) -> list[dict]:
    return [
        {
            "agent_id": "A1",
            "activity": "on_queue",
            "starts_at": T0 + timedelta(hours=i),
            "ends_at": T0 + timedelta(hours=i + 1),
        }
        for i in range(n)
    ]


def timesheets(n: int = 5) -> list[dict]:
    return [
        {
            "agent_id": "A1",
            "work_date": D0 + timedelta(days=i),
            "hours_worked": 8.0,
            "overtime_hours": 0.5,
            "submitted_at": T0,
            "approved_by": "SUP1",
            "approved_at": T0 + timedelta(hours=3),
        }
        for i in range(n)
    ]


def leave_requests(n: int = 4) -> list[dict]:
    return [
        {
            "request_id": f"L{i}",
            "agent_id": "A1",
            "leave_type": "vacation",
            "starts_on": D0,
            "ends_on": D0 + timedelta(days=4),
            "status": "approved",
            "requested_at": T0,
            "decided_at": T0 + timedelta(days=1),
            "decided_by": "SUP1",
        }
        for i in range(n)
    ]


def qa_evaluations(n: int = 4) -> list[dict]:
    return [
        {
            "evaluation_id": "E1",
            "segment_id": "S1",
            "agent_id": "A1",
            "evaluator_id": "SUP1",
            "evaluated_at": T0,
            "form_id": "F1",
            "section": "greeting",
            "question_id": f"QQ{i}",
            "weight": 1.0,
            "score": 4.0,
            "max_score": 5.0,
            "is_critical": False,
            "is_not_applicable": False,
        }
        for i in range(n)
    ]


def coaching_sessions(n: int = 3) -> list[dict]:
    return [
        {
            "session_id": f"CS{i}",
            "agent_id": "A1",
            "supervisor_id": "SUP1",
            "held_at": T0,
            "focus_metric": "adherence",
            "baseline_value": 0.8,
            "target_value": 0.9,
            "commitment": None,
            "follow_up_due_on": D0 + timedelta(days=14),
        }
        for i in range(n)
    ]


def queue_days(n: int = 14) -> pd.DataFrame:
    """The per-day rollup registry.QUEUE_DAY_SQL produces."""
    return pd.DataFrame(
        {
            "interval_date": [D0 + timedelta(days=i) for i in range(n)],
            "interval_rows": [96] * n,
            "queues": [2] * n,
            "offered": [500] * n,
            "abandoned": [40] * n,
            "handled": [450] * n,
            "row_ratio": [1.0] * n,
            "abandon_rate": [0.08] * n,
            "aht_seconds": [300.0] * n,
            "offered_vs_median": [1.0] * n,
            "site_id_null_share": [0.0] * n,
        }
    )


def contact_segments(n: int = 200) -> pd.DataFrame:
    answered = [i % 5 != 0 for i in range(n)]
    return pd.DataFrame(
        {
            "segment_id": [f"S{i}" for i in range(n)],
            "is_answered": answered,
            "wait_seconds": [20] * n,
            "talk_seconds": [200 if a else 0 for a in answered],
            "handle_seconds": [260 if a else 0 for a in answered],
            "agent_id": ["A1" if a else None for a in answered],
            "customer_key": ["k"] * n,
        }
    )


def survey_mart(n: int = 100) -> pd.DataFrame:
    responded = [i % 4 == 0 for i in range(n)]
    return pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(n)],
            "is_responded": responded,
            "csat": pd.array([4 if r else None for r in responded], dtype="Int64"),
            "agent_id": ["A1"] * n,
        }
    )


def agent_days(n: int = 30) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent_id": [f"A{i}" for i in range(n)],
            "logged_in_seconds": [8 * 3600] * n,
            "handled": [60] * n,
            "team_id": ["T1"] * n,
        }
    )
