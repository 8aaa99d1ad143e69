"""A small serving snapshot with known rows, for the app's query, AppTest and browser tests.

The builder writes the mart tables the app reads (same names and columns as the dbt marts)
from plain Python rows; tests compute their expected numbers from those rows independently of
the query layer.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest

from tests.apps.apptest_helpers import copy_snapshot

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

FIRST_DAY = date(2024, 3, 1)
LAST_DAY = date(2024, 3, 28)  # 4 weeks: "Last 7 days" has a full previous period

QUEUES = [
    # queue_id, queue_name, line_of_business, site_id, site_timezone, threshold, target, short
    ("q_billing", "Billing", "Care", "LON", "Europe/London", 20, 80, 5),
    ("q_sales", "Sales", "Sales", "LON", "Europe/London", 30, 70, 5),
    ("q_tech", "Tech support", "Care", "NYC", "America/New_York", 20, 90, 6),
    ("q_quiet", "Quiet queue", "Sales", "NYC", "America/New_York", 20, 85, 5),  # no traffic
]
QUEUE_COLS = [
    "queue_id",
    "queue_name",
    "line_of_business",
    "site_id",
    "site_timezone",
    "sl_threshold_seconds",
    "sl_target_pct",
    "short_abandon_seconds",
]
LOCAL_TIMES = [(h, m) for h in range(8, 20) for m in (0, 30)]  # 08:00-19:30 local

INTERVAL_COLS = {
    "queue_id": "varchar",
    "site_id": "varchar",
    "interval_start_utc": "timestamp",
    "interval_start_local": "timestamp",
    "interval_date": "date",
    "interval_minutes": "integer",
    "offered": "bigint",
    "answered": "bigint",
    "abandoned": "bigint",
    "short_abandoned": "bigint",
    "flowed_out": "bigint",
    "callback_requested": "bigint",
    "answered_within_threshold": "bigint",
    "abandoned_within_threshold": "bigint",
    "answered_wait_seconds": "bigint",
    "abandoned_wait_seconds": "bigint",
    "max_wait_seconds": "bigint",
    "sl_numerator": "bigint",
    "sl_denominator": "bigint",
    "handled": "bigint",
    "talk_seconds": "bigint",
    "hold_seconds": "bigint",
    "acw_seconds": "bigint",
    "handle_seconds": "bigint",
    "transfers": "bigint",
    "holds": "bigint",
    "sl_threshold_seconds": "integer",
    "sl_target_pct": "double",
}
SURVEY_COLS = {
    "response_id": "varchar",
    "contact_id": "varchar",
    "agent_id": "varchar",
    "queue_id": "varchar",
    "team_id": "varchar",
    "sent_at": "timestamp",
    "responded_at": "timestamp",
    "sent_date": "date",
    "is_responded": "boolean",
    "csat": "integer",
    "nps": "integer",
    "is_csat_top2box": "boolean",
    "is_promoter": "boolean",
    "is_detractor": "boolean",
    "is_resolved": "boolean",
    "comment": "varchar",
}


@dataclass
class FixtureData:
    path: Path
    queues: list[dict]
    intervals: list[dict]
    surveys: list[dict]
    first_day: date = FIRST_DAY
    last_day: date = LAST_DAY


def _intervals(rng: random.Random) -> list[dict]:
    rows = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        for qid, _, _, site, tz, threshold, target, _ in QUEUES:
            if qid == "q_quiet":
                continue
            for hh, mm in LOCAL_TIMES:
                local = datetime(day.year, day.month, day.day, hh, mm)
                utc = local.replace(tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))
                offered = rng.randint(0, 40)
                abandoned = rng.randint(0, offered // 4)
                short = rng.randint(0, abandoned)
                flowed = rng.randint(0, (offered - abandoned) // 10)
                answered = offered - abandoned - flowed
                within = rng.randint(answered // 2, answered) if answered else 0
                talk = sum(rng.randint(60, 600) for _ in range(answered))
                hold = rng.randint(0, 30 * answered)
                acw = rng.randint(0, 90 * answered)
                rows.append(
                    {
                        "queue_id": qid,
                        "site_id": site,
                        "interval_start_utc": utc.replace(tzinfo=None),
                        "interval_start_local": local,
                        "interval_date": day,
                        "interval_minutes": 30,
                        "offered": offered,
                        "answered": answered,
                        "abandoned": abandoned,
                        "short_abandoned": short,
                        "flowed_out": flowed,
                        "callback_requested": 0,
                        "answered_within_threshold": within,
                        "abandoned_within_threshold": short,
                        "answered_wait_seconds": rng.randint(0, 60 * answered),
                        "abandoned_wait_seconds": rng.randint(0, 90 * abandoned),
                        "max_wait_seconds": rng.randint(0, 300),
                        # The mart's policy primitives: the default (short abandons
                        # excluded), except Tech support, whose policy counts short abandons
                        # in the denominator, so SL differs from the fixed default formula.
                        "sl_numerator": within,
                        "sl_denominator": answered + abandoned - (0 if qid == "q_tech" else short),
                        "handled": answered,
                        "talk_seconds": talk,
                        "hold_seconds": hold,
                        "acw_seconds": acw,
                        "handle_seconds": talk + hold + acw,
                        "transfers": 0,
                        "holds": 0,
                        "sl_threshold_seconds": threshold,
                        "sl_target_pct": float(target),
                    }
                )
        day += timedelta(days=1)
    return rows


def _surveys(rng: random.Random) -> list[dict]:
    rows = []
    n = 0
    day = FIRST_DAY
    while day <= LAST_DAY:
        for qid, *_ in QUEUES[:3]:
            for _ in range(rng.randint(0, 4)):
                n += 1
                responded = rng.random() < 0.7
                csat = rng.randint(1, 5) if responded else None
                nps = rng.randint(0, 10) if responded else None
                sent = datetime(day.year, day.month, day.day, 12, 0)
                rows.append(
                    {
                        "response_id": f"r{n}",
                        "contact_id": f"c{n}",
                        "agent_id": "a1",
                        "queue_id": qid,
                        "team_id": "t1",
                        "sent_at": sent,
                        "responded_at": sent + timedelta(hours=2) if responded else None,
                        "sent_date": day,
                        "is_responded": responded,
                        "csat": csat,
                        "nps": nps,
                        "is_csat_top2box": None if csat is None else csat >= 4,
                        "is_promoter": None if nps is None else nps >= 9,
                        "is_detractor": None if nps is None else nps <= 6,
                        "is_resolved": responded and rng.random() < 0.8,
                        "comment": None,
                    }
                )
        day += timedelta(days=1)
    return rows


def _create(con: duckdb.DuckDBPyConnection, name: str, cols: dict[str, str], rows: list[dict]):
    con.execute(f"create table {name} ({', '.join(f'{c} {t}' for c, t in cols.items())})")
    if rows:
        frame = pd.DataFrame([[r[c] for c in cols] for r in rows], columns=list(cols))
        con.register("frame", frame)
        con.execute(f"insert into {name} select * from frame")
        con.unregister("frame")


def _add_page_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Tables of the Queues/Customer voice/Quality/Data health pages (tests/apps/fixture_pages.py,
    loaded by path: ``tests`` is not an importable package here)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "switchboard_fixture_pages", Path(__file__).with_name("fixture_pages.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.add_page_tables(con)
    # fct_agent_days for the Agents page and the access tests (tests/apps/fixture_agents.py).
    spec = importlib.util.spec_from_file_location(
        "switchboard_fixture_agents", Path(__file__).with_name("fixture_agents.py")
    )
    agents = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agents)
    agents.add_agent_tables(con)


def build_serving_db(path: Path, seed: int = 20240301) -> FixtureData:
    rng = random.Random(seed)
    queues = [dict(zip(QUEUE_COLS, q, strict=True)) for q in QUEUES]
    intervals = _intervals(rng)
    surveys = _surveys(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        _create(
            con,
            "dim_queues",
            dict(zip(QUEUE_COLS, ["varchar"] * 5 + ["integer", "double", "integer"], strict=True)),
            queues,
        )
        _create(con, "fct_queue_intervals", INTERVAL_COLS, intervals)
        _create(con, "fct_survey_responses", SURVEY_COLS, surveys)
        _add_page_tables(con)
    finally:
        con.close()
    return FixtureData(path=path, queues=queues, intervals=intervals, surveys=surveys)


def write_semantic_manifest(folder: Path) -> Path:
    """Parse the dbt project (no warehouse needed) and put its semantic manifest in ``folder``.

    The app looks for ``semantic_manifest.json`` next to the snapshot first, as a published
    snapshot carries it. The profile points at a file named ``warehouse.duckdb`` so the
    manifest's catalog matches the fixture snapshot's file stem.
    """
    import os
    import shutil
    import subprocess

    target = folder / "dbt_target"
    env = {
        **os.environ,
        "SWITCHBOARD_WAREHOUSE": str(folder / "warehouse.duckdb"),
        "SWITCHBOARD_DATA_DIR": str(folder),
    }
    dbt = str(Path(sys.executable).parent / "dbt")
    project = REPO_ROOT / "dbt_project"
    subprocess.run(
        [dbt, "parse", "--quiet", "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(target), "--log-path", str(folder / "dbt_logs")],
        check=True, env=env, cwd=project, capture_output=True, timeout=600,
    )
    out = folder / "semantic_manifest.json"
    shutil.copyfile(target / "semantic_manifest.json", out)
    shutil.rmtree(target, ignore_errors=True)
    return out


@pytest.fixture(scope="session")
def serving_fixture(tmp_path_factory) -> FixtureData:
    folder = tmp_path_factory.mktemp("serving")
    data = build_serving_db(folder / "warehouse.duckdb")
    write_semantic_manifest(folder)
    return data


@pytest.fixture
def serving_env(serving_fixture, monkeypatch) -> FixtureData:
    """Point the app (through orchestration.settings) at the fixture snapshot."""
    monkeypatch.setenv("SWITCHBOARD_SERVING", str(serving_fixture.path))
    return serving_fixture


@pytest.fixture(scope="module")
def open_window_snapshot(serving_fixture, tmp_path_factory) -> Path:
    """A copy of the fixture snapshot (with its manifest) as a pipeline run leaves it every
    morning: the last 7 days' contacts still have an open repeat window (not counted for FCR),
    and every fourth earlier contact was followed by a repeat contact (not resolved)."""
    open_from = serving_fixture.last_day - timedelta(days=6)
    return copy_snapshot(
        serving_fixture,
        tmp_path_factory.mktemp("open_repeat_windows"),
        (
            "update fct_contacts set is_fcr_window_complete = contact_date < ?, "
            "is_resolved_first_contact = contact_date < ? "
            "and cast(substr(contact_id, 2) as integer) % 4 <> 0",
            [open_from, open_from],
        ),
    )


def expected_kpis(fx: FixtureData, start: date, end: date, *, sites=(), queues=(), lobs=()) -> dict:
    """KPIs computed directly from the fixture rows (independent of apps.queries)."""
    lob_of = {q["queue_id"]: q["line_of_business"] for q in fx.queues}
    site_of = {q["queue_id"]: q["site_id"] for q in fx.queues}

    def keep(qid: str) -> bool:
        return (
            (not sites or site_of[qid] in sites)
            and (not queues or qid in queues)
            and (not lobs or lob_of[qid] in lobs)
        )

    rows = [r for r in fx.intervals if start <= r["interval_date"] <= end and keep(r["queue_id"])]
    s = {
        k: sum(r[k] for r in rows)
        for k in (
            "offered",
            "answered",
            "abandoned",
            "short_abandoned",
            "answered_within_threshold",
            "answered_wait_seconds",
            "handled",
            "handle_seconds",
        )
    }
    scores = [
        r["csat"]
        for r in fx.surveys
        if start <= r["sent_date"] <= end and keep(r["queue_id"]) and r["csat"] is not None
    ]
    weighted = sum(r["sl_target_pct"] * r["offered"] for r in rows)

    def div(a, b):
        return a / b if b else None

    return {
        **s,
        # The policy-aware definition: the mart's sl_numerator / sl_denominator.
        "service_level": div(
            sum(r["sl_numerator"] for r in rows), sum(r["sl_denominator"] for r in rows)
        ),
        "sl_target": div(weighted, s["offered"]) / 100 if s["offered"] else None,
        "abandonment_rate": div(s["abandoned"], s["offered"]),
        "asa_seconds": div(s["answered_wait_seconds"], s["answered"]),
        "aht_seconds": div(s["handle_seconds"], s["handled"]),
        "csat": div(sum(scores), len(scores)),
        "csat_responses": len(scores),
    }


@pytest.fixture
def expected():
    """The independent KPI calculator, as a fixture (test modules cannot import conftest)."""
    return expected_kpis
