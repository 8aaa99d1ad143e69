"""`dbt build` on a tiny hand-written fixture warehouse (see fixture_warehouse.py).

dbt runs as a subprocess (dbt_runner.py: why, and the TZ=Pacific/Auckland it runs under), each
build with its own target/log folders so it never disturbs the project's dbt_project/target.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from dbt_runner import assert_build_ok, run_dbt_build  # noqa: E402
from fixture_warehouse import build_fixture_warehouse  # noqa: E402

MARTS = [
    "fct_contact_segments",
    "fct_queue_intervals",
    "fct_agent_days",
    "fct_survey_responses",
    "dim_agents",
    "dim_teams",
    "dim_queues",
]


def build(tmp_path_factory, name: str, families: set[str] | None):
    work = tmp_path_factory.mktemp(name)
    warehouse = build_fixture_warehouse(work / "warehouse.duckdb", families=families)
    proc, results = run_dbt_build(warehouse, work, timeout=600)
    return warehouse, proc, results


@pytest.fixture(scope="module")
def full_build(tmp_path_factory):
    return build(tmp_path_factory, "dbt_full", families=None)


@pytest.fixture(scope="module")
def con(full_build):
    warehouse, proc, results = full_build
    assert_build_ok(proc, results)
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_full_build_passes_with_unit_and_singular_tests(full_build):
    _, proc, results = full_build
    assert_build_ok(proc, results)
    ids = [r["unique_id"] for r in results["results"]]
    assert sum(i.startswith("unit_test.") for i in ids) >= 6
    assert any("assert_queue_intervals_reconcile_to_segments" in i for i in ids)
    assert all(any(i == f"model.switchboard.{m}" for i in ids) for m in MARTS)


def test_marts_are_in_main_and_layers_in_their_schemas(con):
    tables = dict(
        rows(
            con,
            "select table_name, table_schema from information_schema.tables "
            "where table_schema in ('main', 'staging', 'intermediate')",
        )
    )
    for m in MARTS:
        assert tables[m] == "main"
    assert tables["stg_acd__calls"] == "staging"
    assert tables["int_segments_enriched"] == "intermediate"


def test_the_marts_not_null_constraints_are_in_the_tables_and_refuse_a_null(full_build, tmp_path):
    # a mart column's not-null is its contract's constraint (enforced by DuckDB as the model is
    # written), not a data test: every declared one is on the built table, and a null is refused
    warehouse, proc, results = full_build
    assert_build_ok(proc, results)
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text())
    declared = {
        (n["name"], c["name"])
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model"
        for c in n["columns"].values()
        if any(k["type"] == "not_null" for k in c.get("constraints") or [])
    }
    assert ("fct_contacts", "contact_id") in declared and len(declared) > 100
    copy = tmp_path / "warehouse.duckdb"  # the module's readers keep the built file open read-only
    shutil.copyfile(warehouse, copy)
    writable = duckdb.connect(str(copy))
    try:
        built = set(
            rows(
                writable,
                "select table_name, unnest(constraint_column_names) from duckdb_constraints() "
                "where constraint_type = 'NOT NULL' and schema_name = 'main'",
            )
        )
        assert declared <= built, sorted(declared - built)
        with pytest.raises(duckdb.ConstraintException, match="contact_id"):
            writable.execute(
                "insert into main.fct_contacts "
                "select * replace (cast(null as varchar) as contact_id) from main.fct_contacts limit 1"
            )
    finally:
        writable.close()


def test_the_mart_view_has_its_not_nulls_as_one_test_that_names_the_null_column(full_build, tmp_path):
    # fct_contact_segments is a view over int_segments_enriched (it wrote the same rows twice as a
    # table): a view has no constraints, so the not-nulls of its contract are one
    # not_null_columns test, which passes on the build and fails on a null, naming the column
    warehouse, proc, results = full_build
    assert_build_ok(proc, results)
    target = warehouse.parent / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    view = manifest["nodes"]["model.switchboard.fct_contact_segments"]
    assert view["config"]["materialized"] == "view" and view["config"]["contract"]["enforced"]
    assert not any(c.get("constraints") for c in view["columns"].values())
    [test_id] = [
        n["unique_id"]
        for n in manifest["nodes"].values()
        if (n.get("test_metadata") or {}).get("name") == "not_null_columns"
        and n.get("attached_node") == view["unique_id"]
    ]
    columns = manifest["nodes"][test_id]["test_metadata"]["kwargs"]["columns"]
    assert {"segment_id", "contact_id", "queue_id", "interval_date"} <= set(columns)
    assert {r["unique_id"]: r["status"] for r in results["results"]}[test_id] == "pass"

    sql = next((target / "compiled").rglob(Path(manifest["nodes"][test_id]["path"]).name)).read_text()
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as writable:
        assert writable.execute(f"select count(*) from ({sql})").fetchone()[0] == 0
        segment = writable.execute(
            "select segment_id from intermediate.int_segments_enriched order by segment_id limit 1"
        ).fetchone()[0]
        writable.execute(
            "update intermediate.int_segments_enriched set contact_id = null where segment_id = ?", [segment]
        )
        failing = writable.execute(f"select * from ({sql})").fetchdf()
    assert len(failing) == 1
    assert bool(failing.loc[0, "contact_id_is_null"]) and not bool(failing.loc[0, "segment_id_is_null"])


def test_the_forecast_and_staffing_models_run_in_the_build_and_follow_their_vars(full_build, tmp_path):
    # the forecast and staffing tables are dbt Python models (models/intermediate/staffing) of
    # the same dbt build: their marts are filled, and a --vars override reaches the numerical
    # code through the models' config (here the forecast horizon, in days)
    warehouse, proc, results = full_build
    assert_build_ok(proc, results)
    ids = {r["unique_id"] for r in results["results"]}
    for m in ("int_queue_intervals_forecasted", "int_forecast_methods_scored", "int_queue_intervals_staffed"):
        assert f"model.switchboard.{m}" in ids

    def horizons(path: Path) -> tuple[set[int], int]:
        with duckdb.connect(str(path), read_only=True) as c:
            days = c.execute(
                "select count(distinct interval_date) from main.fct_forecast_intervals "
                "where kind = 'forecast' group by queue_id"
            ).fetchall()
            staffed = c.execute(
                "select count(*) from main.fct_staffing_intervals s join main.fct_forecast_intervals f "
                "using (queue_id, interval_start_utc) where f.kind = 'forecast'"
            ).fetchone()[0]
        return {d for (d,) in days}, staffed

    default_days, default_staffed = horizons(warehouse)
    assert default_days == {14} and default_staffed > 0
    copy = tmp_path / "warehouse.duckdb"  # the module's readers keep the built file open read-only
    shutil.copyfile(warehouse, copy)
    proc, results = run_dbt_build(
        copy, tmp_path, vars_={"forecast_horizon_days": 3}, select="path:models/intermediate/staffing+"
    )
    assert_build_ok(proc, results)
    days, staffed = horizons(copy)
    assert days == {3} and 0 < staffed < default_staffed


def test_queue_intervals_count_by_entry_and_handle_by_answer(con):
    # Q_US_SALES on 2 March (EST): 09:00 holds S01 (wait 15) and S03 (09:29:50, answered
    # 09:30:10 after exactly T = 20 s); 09:30 holds S04 (abandoned at 20 s, re-delivered),
    # S05 (abandoned at exactly 5 s = short) and S06 (flowed out).
    got = rows(
        con,
        """
        select strftime(interval_start_local, '%H:%M'), offered, answered, abandoned, short_abandoned,
               flowed_out, answered_within_threshold, abandoned_within_threshold,
               answered_wait_seconds, abandoned_wait_seconds, handled, talk_seconds, handle_seconds,
               transfers, holds, max_wait_seconds
        from main.fct_queue_intervals
        where queue_id = 'Q_US_SALES' and interval_date = date '2026-03-02'
          and interval_start_local in (timestamp '2026-03-02 09:00', timestamp '2026-03-02 09:30')
        order by 1""",
    )
    assert got == [
        ("09:00", 2, 2, 0, 0, 0, 2, 0, 35, 0, 1, 400, 500, 1, 1, 20),
        ("09:30", 3, 0, 2, 1, 1, 0, 2, 0, 25, 1, 200, 230, 0, 0, 60),
    ]
    # the superseded first delivery of S04 (abandoned after 25 s) is gone
    assert rows(
        con,
        "select count(*), max(wait_seconds) from main.fct_contact_segments where segment_id = 'S04'",
    ) == [(1, 20)]


def test_interval_spine_has_46_48_50_intervals_on_dst_days(con):
    counts = dict(
        ((q, str(d)), n)
        for q, d, n in rows(
            con,
            "select queue_id, interval_date, count(*) from main.fct_queue_intervals group by all",
        )
    )
    assert counts[("Q_US_SALES", "2026-03-08")] == 46
    assert counts[("Q_US_SALES", "2026-11-01")] == 50
    assert counts[("Q_UK_SERVICE", "2026-03-29")] == 46
    assert counts[("Q_UK_SERVICE", "2026-10-25")] == 50
    assert counts[("Q_US_SALES", "2026-03-02")] == 48
    # a full spine between first and last day: every day of the range is there
    n_days, span = rows(
        con,
        """select count(distinct interval_date), max(interval_date) - min(interval_date) + 1
                                from main.fct_queue_intervals where queue_id = 'Q_US_SALES'""",
    )[0]
    assert n_days == span
    # fall back in New York: 01:00 local appears twice, once per UTC hour, one contact each
    assert rows(
        con,
        """select strftime(interval_start_utc, '%H:%M'), offered from main.fct_queue_intervals
                        where queue_id = 'Q_US_SALES' and interval_start_local = timestamp '2026-11-01 01:00'
                        order by 1""",
    ) == [("05:00", 1), ("06:00", 1)]
    # spring forward in London: 02:15 BST is in the 02:00 interval, there is no 01:00 interval
    assert rows(
        con,
        """select strftime(interval_start_local, '%H:%M'), offered from main.fct_queue_intervals
                        where queue_id = 'Q_UK_SERVICE' and interval_date = date '2026-03-29' and offered > 0
                        order by interval_start_utc""",
    ) == [("00:30", 1), ("02:00", 1)]


def test_segments_carry_team_of_the_day_and_no_pii(con):
    teams = dict(
        rows(con, "select segment_id, team_id from main.fct_contact_segments where agent_id = 'A1'")
    )
    assert teams["S00"] == "T1"  # 1 March, before the move
    assert teams["S01"] == "T2"  # 2 March, the day of the move
    # customer_key: CRM id, else the hashed phone (trimmed, lower-cased, sha256)
    key = rows(con, "select customer_key from main.fct_contact_segments where segment_id = 'S03'")[
        0
    ][0]
    assert key == hashlib.sha256(b"+15550002").hexdigest()
    # the same phone hashes alike in calls and CRM, so the two can be matched without the number
    assert rows(
        con,
        """select c.customer_phone_hash = k.phone_hash from staging.stg_acd__calls c
                        join staging.stg_crm__customers k on c.customer_id = k.customer_id
                        where c.segment_id = 'S01'""",
    ) == [(True,)]
    # no mart column is named after, or holds, a phone number or an e-mail address
    for table, column in rows(
        con,
        """select table_name, column_name from information_schema.columns
                                      where table_schema = 'main' and data_type = 'VARCHAR'""",
    ):
        assert "phone" not in column and "email" not in column
        leaked = rows(
            con,
            f"""select count(*) from main.{table}
                               where "{column}" like '%+1555%' or "{column}" like '%@%'""",
        )
        assert leaked == [(0,)], (table, column)


def test_agent_days(con):
    got = rows(
        con,
        """select activity_date::varchar, team_id, handled, handle_seconds, logged_in_seconds,
                              available_seconds, aux_seconds, aux_break_seconds
                       from main.fct_agent_days where agent_id = 'A1' and activity_date <= date '2026-03-03'
                       order by 1""",
    )
    assert got == [
        ("2026-03-01", "T1", 1, 110, 0, 0, 0, 0),
        # S01 + S03 handled; states 14:00-14:19:35 UTC plus the first half of the aux across midnight
        ("2026-03-02", "T2", 2, 730, 1175 + 1800, 615, 1800, 1800),
        ("2026-03-03", "T2", 0, 0, 1800, 0, 1800, 1800),
    ]


def test_survey_responses(con):
    got = rows(
        con,
        """select response_id, agent_id, queue_id, team_id, sent_date::varchar, is_responded,
                              is_csat_top2box, is_promoter, is_detractor, is_resolved
                       from main.fct_survey_responses order by 1""",
    )
    assert got == [
        ("R1", "A2", "Q_UK_SERVICE", "T3", "2026-03-02", True, True, True, False, True),
        ("R2", "A1", "Q_US_SALES", "T2", "2026-03-02", False, None, None, None, None),
        ("R3", "A1", "Q_US_SALES", "T2", "2026-03-08", True, False, False, True, False),
    ]


def test_dimensions(con):
    assert rows(
        con,
        "select queue_id, site_timezone, sl_threshold_seconds, is_configured from main.dim_queues order by 1",
    ) == [
        ("Q_UK_SERVICE", "Europe/London", 30, True),
        ("Q_US_SALES", "America/New_York", 20, True),
    ]
    assert rows(
        con,
        "select agent_id, team_id, team_name, is_active, tenure_days from main.dim_agents order by 1",
    ) == [
        ("A1", "T2", "Sales East 2", True, 421),
        ("A2", "T3", "Service UK", True, 640),
    ]
    assert rows(con, "select count(*) from main.dim_teams") == [(3,)]


@pytest.mark.parametrize("families", [{"acd"}, set()], ids=["acd_only", "nothing"])
def test_marts_build_with_missing_families(tmp_path_factory, families):
    warehouse, proc, results = build(
        tmp_path_factory, "dbt_" + ("_".join(sorted(families)) or "empty"), families
    )
    assert_build_ok(proc, results)
    with duckdb.connect(str(warehouse), read_only=True) as c:
        counts = {m: c.execute(f"select count(*) from main.{m}").fetchone()[0] for m in MARTS}
        if families == {"acd"}:
            assert counts["fct_contact_segments"] == 16
            assert counts["fct_queue_intervals"] > 0 and counts["fct_agent_days"] > 0
            assert counts["fct_survey_responses"] == 0 and counts["dim_teams"] == 0
            # agents known only from the ACD export: in dim_agents, without roster attributes
            assert c.execute(
                "select count(*), count(team_id) from main.dim_agents where not is_in_roster"
            ).fetchone() == (2, 0)
            assert c.execute("select count(team_id) from main.fct_agent_days").fetchone() == (0,)
        else:
            assert all(n == 0 for n in counts.values()), counts
