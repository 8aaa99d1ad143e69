"""An incremental run on top of a built history gives the warehouse a full build gives.

The session's demo (tests/integration/conftest.py, 24 days ending 2026-03-30, across both
daylight-saving changes) is built in one go; here the same exports are built without their last
day, then that day is delivered and the pipeline runs again, incrementally. Every table of the
marts, staging and intermediate schemas must then equal the one-go build row for row (doubles
compared to 6 decimals: sums over differently ordered rows differ in the last bits).
"""

from __future__ import annotations

import csv
import os
import re
import shutil

import duckdb
import pytest

from tests.integration.conftest import DEMO_END, run_build

pytestmark = pytest.mark.slow

LAST = DEMO_END.isoformat()
# the run's log line: the window of the facts of a day, then (when it differs) of the facts with
# a look-back; group(2) is that of every model when the two are the same day
WINDOW = re.compile(
    r"reprocessing window: recompute local days from (\d{4}-\d{2}-\d{2})"
    r"(?:, and from (\d{4}-\d{2}-\d{2}) where a fact looks ahead)?"
)


def _link(src, dst, keep) -> None:
    for f in src.rglob("*.csv"):
        if keep(f):
            target = dst / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(f, target)


def _differences(a: str, b: str, schemas: tuple[str, ...] = ("main", "staging", "intermediate")) -> list[str]:
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = 'a' "
        f"and table_type = 'BASE TABLE' and table_schema in ({', '.join(repr(x) for x in schemas)}) order by 1, 2"
    ).fetchall()
    assert len(tables) > 30
    out = []
    for schema, table in tables:
        cols = con.execute(
            "select column_name, data_type from information_schema.columns where table_catalog = 'a' "
            "and table_schema = ? and table_name = ? and column_name <> '_loaded_at' order by ordinal_position",
            [schema, table],
        ).fetchall()
        sel = ", ".join(f'round("{c}", 6)' if t in ("DOUBLE", "FLOAT") else f'"{c}"' for c, t in cols)
        for x, y in (("a", "b"), ("b", "a")):
            n = con.execute(
                f"select count(*) from (select {sel} from {x}.{schema}.{table} "
                f"except all select {sel} from {y}.{schema}.{table})"
            ).fetchone()[0]
            if n:
                out.append(f"{schema}.{table}: {n} row(s) only in {x}")
    return out


def _sql_ran(data, run_id: str, node_name: str) -> str:
    """The SQL dbt ran for a data test or a model (its statements) in the main dbt step of a run
    (its own target folder)."""
    found = sorted((data / "dbt_target").glob(f"switchboard_dbt_assets-{run_id[:7]}-*/run/**/{node_name}.sql"))
    assert len(found) == 1, found
    return found[0].read_text()


def test_one_new_day_built_incrementally_equals_the_full_build(built_demo, tmp_path):
    data = tmp_path / "incremental"
    landing = data / "landing"
    _link(built_demo.landing, landing, lambda f: not f.name.endswith(f"_{LAST}.csv"))
    first = run_build(data)
    assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
    assert "full rebuild of the incremental models: first build" in first.stdout + first.stderr

    _link(built_demo.landing, landing, lambda f: f.name.endswith(f"_{LAST}.csv"))
    second = run_build(data)
    out = second.stdout + second.stderr
    assert second.returncode == 0, out[-4000:]
    plan = re.search(WINDOW, out)
    assert plan, out[-4000:]
    # the new day's earliest UTC event is on the day before it (sites west of UTC), minus a day
    # for the facts of a day, minus 8 days where a fact looks ahead (FCR, sales attribution)
    event_day, lookback_day = plan.group(1), plan.group(2)
    assert "2026-03-27" <= event_day <= "2026-03-29"
    assert "2026-03-20" <= lookback_day <= "2026-03-22"

    assert _differences(str(built_demo.warehouse), str(data / "warehouse.duckdb")) == []
    # the published snapshot was updated in place (the window's days, the small marts) and
    # equals the one-go build's snapshot
    assert "(window update)" in out, out[-4000:]
    assert _differences(str(built_demo.serving), str(data / "serving" / "warehouse.duckdb"), ("main",)) == []
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        runs = con.execute(
            "select full_rebuild, completed_at is not null from raw_meta.build_window order by planned_at"
        ).fetchall()
        first_run_id, second_run_id = (
            r[0] for r in con.execute("select run_id from raw_meta.build_window order by planned_at").fetchall()
        )
    assert runs == [(True, True), (False, True)]
    # the data tests of the incremental run checked the window (the rows it wrote), those of the
    # first build everything: a day-partitioned fact's and a key-incremental staging table's
    first_sql = _sql_ran(data, first_run_id, "unique_fct_contact_segments_segment_id")
    assert "dbt_subquery" not in first_sql and '"main"."fct_contact_segments"' in first_sql
    assert f"interval_date >= cast('{event_day}' as date)" in _sql_ran(
        data, second_run_id, "unique_fct_contact_segments_segment_id"
    )
    assert f"(entered_queue_at >= cast('{event_day}' as date) or entered_queue_at is null)" in _sql_ran(
        data, second_run_id, "unique_stg_acd__calls_segment_id"
    )
    assert f"contact_date >= cast('{lookback_day}' as date)" in _sql_ran(
        data, second_run_id, "unique_fct_contacts_contact_id"
    )
    # and the models themselves: a fact of a day is deleted and rebuilt from the event day, a
    # fact that looks ahead from the look-back's first day (the statements dbt ran)
    assert f"where interval_date >= cast('{event_day}' as date);" in _sql_ran(
        data, second_run_id, "int_segments_enriched"
    )
    assert f"where contact_date >= cast('{lookback_day}' as date);" in _sql_ran(
        data, second_run_id, "fct_contacts"
    )
    # Then a CRM correction: an old closed complaint is re-sent re-opened and an old survey response
    # re-sent with another score. The key-incremental staging tables replace the old versions,
    # the window reaches back to the contacts' days, and the warehouse equals a one-go build of
    # the same files (the complaint rollup by contact day included).
    case_id, survey_id = _resend_corrections(landing)
    third = run_build(data)
    out = third.stdout + third.stderr
    assert third.returncode == 0, out[-4000:]
    plan = re.search(WINDOW, out)
    assert plan and plan.group(1) < "2026-03-10", out[-4000:]
    assert "(window update)" in out, out[-4000:]
    with duckdb.connect(str(data / "serving" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select status from main.fct_cases where case_id = ?", [case_id]).fetchall() == [("open",)]
        assert con.execute("select count(*) from main.fct_open_cases where case_id = ?", [case_id]).fetchall() == [(1,)]
        assert con.execute("select csat from main.fct_survey_responses where response_id = ?", [survey_id]).fetchall() == [(1,)]
    third_run_id = _last_run_id(data)
    assert f"(opened_at >= cast('{plan.group(1)}' as date) or opened_at is null)" in _sql_ran(
        data, third_run_id, "unique_stg_crm__cases_case_id"
    )
    one_go = tmp_path / "one_go"
    _link(landing, one_go / "landing", lambda f: True)
    full = run_build(one_go)
    assert full.returncode == 0, (full.stdout + full.stderr)[-4000:]
    assert _differences(str(one_go / "warehouse.duckdb"), str(data / "warehouse.duckdb")) == []
    assert _differences(str(one_go / "serving" / "warehouse.duckdb"), str(data / "serving" / "warehouse.duckdb"), ("main",)) == []
    for folder in (data, one_go):
        shutil.rmtree(folder / "dagster_home", ignore_errors=True)


def _last_run_id(data) -> str:
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select run_id from raw_meta.build_window order by planned_at desc limit 1").fetchone()[0]


def _resend_corrections(landing) -> tuple[str, str]:
    """Re-send the first day's first closed complaint as re-opened and its first answered survey
    with CSAT 1, each in a correction file; returns their ids."""

    def resend(folder, name, pick, change) -> str:
        first = sorted((landing / folder).glob("*.csv"))[0]
        with open(first, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header, row = reader.fieldnames, next(r for r in reader if pick(r))
        with open(landing / folder / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerow({**row, **change(row)})
        return row[header[0]]

    case_id = resend(
        "crm/cases", "cases_correction.csv",
        lambda r: r["is_complaint"] == "true" and r["status"] == "closed",
        lambda r: {"status": "open", "closed_at": ""},
    )
    survey_id = resend(
        "survey/survey_responses", "survey_responses_correction.csv",
        lambda r: r["csat"] not in ("", "1"),
        lambda r: {"csat": "1"},
    )
    return case_id, survey_id
