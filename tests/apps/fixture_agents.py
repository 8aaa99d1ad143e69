"""fct_agent_days for the fixture snapshot (the Agents page and the access tests).

Called by conftest.build_serving_db after fixture_pages.add_page_tables (which creates
dim_teams t1/t2 and dim_agents a1, a2 on t1 and a3 on t2). One row per agent and day with
random handled work, agent-state and schedule seconds. Agent ``a1`` spends the last three days
of the fixture on team ``t2`` (a roster move): facts carry the team of the day, so a ``t1``
supervisor sees a1's days on t1 and not those on t2. Expected numbers in the tests are computed
from these rows with pandas, not through apps.queries.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pandas as pd

FIRST_DAY = date(2024, 3, 1)
LAST_DAY = date(2024, 3, 28)
MOVE_DAY = LAST_DAY - timedelta(days=2)  # a1 is on t2 from here
AGENT_TEAMS = {"a1": ("t1", "s1", "LON"), "a2": ("t1", "s1", "LON"), "a3": ("t2", "s2", "NYC")}

COLUMNS = {
    "agent_id": "varchar",
    "activity_date": "date",
    "team_id": "varchar",
    "supervisor_id": "varchar",
    "site_id": "varchar",
    "site_timezone": "varchar",
    "tenure_band": "varchar",
    "handled": "bigint",
    "talk_seconds": "bigint",
    "hold_seconds": "bigint",
    "acw_seconds": "bigint",
    "handle_seconds": "bigint",
    "transfers": "bigint",
    "holds": "bigint",
    "available_seconds": "bigint",
    "on_contact_seconds": "bigint",
    "acw_state_seconds": "bigint",
    "aux_seconds": "bigint",
    "logged_in_seconds": "bigint",
    "on_queue_seconds": "bigint",
    "scheduled_on_queue_seconds": "bigint",
    "scheduled_off_seconds": "bigint",
    "scheduled_work_seconds": "bigint",
    "adherent_seconds": "bigint",
    "off_adherent_seconds": "bigint",
    "timesheet_paid_seconds": "bigint",
    "planned_shrinkage_seconds": "bigint",
    "unplanned_shrinkage_seconds": "bigint",
    "shrinkage_base_seconds": "bigint",
}


def agent_day_rows(seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        for agent, (team, sup, site) in AGENT_TEAMS.items():
            if agent == "a1" and day >= MOVE_DAY:
                team, sup = "t2", "s2"
            if rng.random() < 0.1:
                continue  # a day off
            handled = rng.randint(0, 40)
            talk = sum(rng.randint(60, 500) for _ in range(handled))
            hold = rng.randint(0, 40 * handled)
            acw = rng.randint(0, 80 * handled)
            on_contact = talk + hold
            available = rng.randint(1800, 9000)
            sched = 8 * 3600
            rows.append(
                {
                    "agent_id": agent,
                    "activity_date": day,
                    "team_id": team,
                    "supervisor_id": sup,
                    "site_id": site,
                    "site_timezone": "Europe/London" if site == "LON" else "America/New_York",
                    "tenure_band": "1-3 years",
                    "handled": handled,
                    "talk_seconds": talk,
                    "hold_seconds": hold,
                    "acw_seconds": acw,
                    "handle_seconds": talk + hold + acw,
                    "transfers": rng.randint(0, 2),
                    "holds": 0,
                    "available_seconds": available,
                    "on_contact_seconds": on_contact,
                    "acw_state_seconds": acw,
                    "aux_seconds": 1800,
                    "logged_in_seconds": on_contact + acw + available + 1800,
                    "on_queue_seconds": on_contact + acw + available,
                    "scheduled_on_queue_seconds": sched - 3600,
                    "scheduled_off_seconds": 0,
                    "scheduled_work_seconds": sched,
                    "adherent_seconds": rng.randint(int(sched * 0.8), sched),
                    "off_adherent_seconds": 0,
                    "timesheet_paid_seconds": sched,
                    "planned_shrinkage_seconds": 3600,
                    "unplanned_shrinkage_seconds": 0,
                    "shrinkage_base_seconds": sched,
                }
            )
        day += timedelta(days=1)
    return rows


def add_agent_tables(con: duckdb.DuckDBPyConnection) -> None:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'fct_agent_days'"
    ).fetchone()[0]
    if exists:
        return
    con.execute(
        f"create table fct_agent_days ({', '.join(f'{c} {t}' for c, t in COLUMNS.items())})"
    )
    frame = pd.DataFrame(agent_day_rows(), columns=list(COLUMNS))
    con.register("agent_day_frame", frame)
    con.execute("insert into fct_agent_days select * from agent_day_frame")
    con.unregister("agent_day_frame")
