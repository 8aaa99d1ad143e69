"""The reprocessing window a run plans from its new deliveries (orchestration/lib/incremental.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.contracts import get_table
from orchestration.defs.serving.publish import window_update
from orchestration.lib import incremental
from orchestration.lib.incremental import (
    NOTHING,
    last_completed_run,
    lookback_days,
    mark_completed,
    plan_window,
)
from orchestration.lib.ingest import ensure_raw_tables, load_landing

CALLS = get_table("acd", "calls")


def call_row(segment_id: str, entered: str, updated: str) -> dict[str, str]:
    row = {c: "" for c in CALLS.column_names}
    row.update(
        segment_id=segment_id, contact_id=f"c-{segment_id}", segment_seq="1", channel="voice",
        direction="inbound", queue_id="Q1", entered_queue_at=entered, ended_at=entered,
        outcome="abandoned", talk_seconds="0", hold_seconds="0", hold_count="0", acw_seconds="0",
        updated_at=updated,
    )
    return row


def deliver(landing: Path, family: str, table: str, name: str, rows: list[dict[str, str]]) -> None:
    cols = get_table(family, table).column_names
    folder = landing / family / table
    folder.mkdir(parents=True, exist_ok=True)
    lines = [",".join(cols)] + [",".join(r.get(c, "") for c in cols) for r in rows]
    (folder / name).write_text("\n".join(lines) + "\n")


@pytest.fixture
def wh(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_raw_tables(con)
    yield con, tmp_path / "landing"
    con.close()


def completed_first_build(con, landing) -> None:
    deliver(landing, "acd", "calls", "calls_2026-03-10.csv",
            [call_row("s1", "2026-03-10T10:00:00Z", "2026-03-10T10:05:00Z")])
    load_landing(con, landing)
    p = plan_window(con, "run-1", fingerprint="fp")
    assert p.full_rebuild and p.reason == "first build of this warehouse"
    con.execute("create table main.fct_contact_segments (segment_id varchar)")  # what dbt builds
    mark_completed(con, "run-1")


def test_first_build_is_full_and_the_plan_is_stable_within_a_run(wh):
    con, landing = wh
    completed_first_build(con, landing)
    assert plan_window(con, "run-1", fingerprint="other").full_rebuild  # the run's first plan stands


def test_new_days_recompute_from_the_earliest_event_day_minus_the_look_back(wh):
    con, landing = wh
    completed_first_build(con, landing)
    deliver(landing, "acd", "calls", "calls_2026-03-30.csv",
            [call_row("s2", "2026-03-30T10:00:00Z", "2026-03-30T10:05:00Z")])
    load_landing(con, landing)
    p = plan_window(con, "run-2", fingerprint="fp")
    assert not p.full_rebuild
    assert lookback_days() == 8  # max(fcr_window_days, sales_attribution_window_days) + 1
    assert p.from_date == date(2026, 3, 22)
    # the facts without look-back recompute from the day before the earliest event day
    assert p.event_from_date == date(2026, 3, 29)
    assert p.describe().startswith(
        "recompute local days from 2026-03-29, and from 2026-03-22 where a fact looks ahead")
    assert incremental.existing_plan(con, "run-2") == p  # as recorded in raw_meta.build_window


def test_a_correction_that_moves_a_segment_recomputes_its_old_day_too(wh):
    con, landing = wh
    completed_first_build(con, landing)
    # s1 (entered 2026-03-10) corrected in a later file: it now entered on 2026-03-30
    deliver(landing, "acd", "calls", "calls_fix.csv",
            [call_row("s1", "2026-03-30T10:00:00Z", "2026-03-31T00:00:00Z")])
    load_landing(con, landing)
    p = plan_window(con, "run-2", fingerprint="fp")
    assert (p.from_date, p.event_from_date) == (date(2026, 3, 2), date(2026, 3, 9))


def test_nothing_new_recomputes_no_day(wh):
    con, landing = wh
    completed_first_build(con, landing)
    p = plan_window(con, "run-2", fingerprint="fp")
    assert (p.full_rebuild, p.from_date, p.event_from_date) == (False, NOTHING, NOTHING)


@pytest.mark.parametrize("case", ["model change", "queue configuration", "replaced file", "asked"])
def test_full_rebuilds(wh, case):
    con, landing = wh
    completed_first_build(con, landing)
    fingerprint, force = "fp", False
    if case == "model change":
        fingerprint = "fp2"
    elif case == "queue configuration":
        deliver(landing, "acd", "queues", "queues.csv", [{
            "queue_id": "Q1", "queue_name": "Q", "line_of_business": "sales", "site_id": "S",
            "site_timezone": "UTC", "sl_threshold_seconds": "20", "sl_target_pct": "80",
            "short_abandon_seconds": "5",
        }])
    elif case == "replaced file":
        deliver(landing, "acd", "calls", "calls_2026-03-10.csv",
                [call_row("s9", "2026-03-11T10:00:00Z", "2026-03-11T10:05:00Z")])
    else:
        force = True
    load_landing(con, landing)
    p = plan_window(con, "run-2", fingerprint=fingerprint, force_full=force)
    assert p.full_rebuild, p


def test_a_failed_run_s_deliveries_are_recomputed_by_the_next_run(wh):
    con, landing = wh
    completed_first_build(con, landing)
    deliver(landing, "acd", "calls", "calls_2026-03-20.csv",
            [call_row("s3", "2026-03-20T10:00:00Z", "2026-03-20T10:05:00Z")])
    load_landing(con, landing)
    plan_window(con, "run-2", fingerprint="fp")  # run-2 fails before publishing: not completed
    deliver(landing, "acd", "calls", "calls_2026-03-30.csv",
            [call_row("s4", "2026-03-30T10:00:00Z", "2026-03-30T10:05:00Z")])
    load_landing(con, landing)
    assert plan_window(con, "run-3", fingerprint="fp").from_date == date(2026, 3, 12)
    # the snapshot is still run-1's publication: run-3's publish updates it from run-3's window,
    # which covers the failed run-2's days too
    update = window_update(con, "run-3", {"fct_contact_segments": "interval_date"})
    assert (update.base_run_id, update.from_date) == ("run-1", date(2026, 3, 12))


def test_a_full_rebuild_publishes_a_full_copy(wh):
    con, landing = wh
    completed_first_build(con, landing)
    assert last_completed_run(con) == "run-1"
    plan_window(con, "run-2", fingerprint="fp", force_full=True)
    assert window_update(con, "run-2", {"fct_contact_segments": "interval_date"}) is None


def test_the_project_fingerprint_follows_the_model_files(tmp_path):
    proj = tmp_path / "p"
    (proj / "models").mkdir(parents=True)
    (proj / "dbt_project.yml").write_text("name: x\n")
    (proj / "models" / "m.sql").write_text("select 1")
    a = incremental.project_fingerprint(proj)
    (proj / "models" / "m.sql").write_text("select 2")
    assert incremental.project_fingerprint(proj) != a


def test_a_backfill_recomputes_from_the_date_asked_for(wh):
    con, landing = wh
    completed_first_build(con, landing)
    p = plan_window(con, "run-2", fingerprint="fp", force_from=date(2026, 1, 1))
    assert (p.full_rebuild, p.from_date, p.event_from_date) == (False, date(2026, 1, 1), date(2026, 1, 1))
    # new deliveries that need an earlier day than the one asked for win
    deliver(landing, "acd", "calls", "calls_2026-03-30.csv",
            [call_row("s2", "2026-03-30T10:00:00Z", "2026-03-30T10:05:00Z")])
    load_landing(con, landing)
    mark_completed(con, "run-2")
    p = plan_window(con, "run-3", fingerprint="fp", force_from=date(2026, 3, 25))
    # the look-back's window starts earlier than asked; the others start on the day asked for
    assert (p.from_date, p.event_from_date) == (date(2026, 3, 22), date(2026, 3, 25))


def test_a_warehouse_planned_before_the_event_day_existed_gets_the_column(wh):
    """raw_meta.build_window of an older warehouse has no event_from_date: planning adds it, and
    its old plans read as from_date for every model."""
    con, landing = wh
    con.execute("create schema if not exists raw_meta")
    con.execute(
        "create table raw_meta.build_window (run_id VARCHAR, planned_at TIMESTAMP, full_rebuild "
        "BOOLEAN, from_date DATE, reason VARCHAR, project_fingerprint VARCHAR, completed_at TIMESTAMP)"
    )
    con.execute("insert into raw_meta.build_window values ('old', now(), false, '2026-03-01', 'r', 'fp', now())")
    completed_first_build(con, landing)
    assert incremental.existing_plan(con, "old").first_event_day == date(2026, 3, 1)


def test_a_late_survey_recomputes_from_its_contact_s_day(wh):
    """A survey answered and delivered long after its contact counts on the contact's day (the
    customer marts count surveys on the day of the contact they are about)."""
    con, landing = wh
    completed_first_build(con, landing)
    survey = {c: "" for c in get_table("survey", "survey_responses").column_names}
    survey.update(response_id="r1", contact_id="c-s1", sent_at="2026-03-28T10:00:00Z", csat="5")
    deliver(landing, "survey", "survey_responses", "survey_responses_2026-03-28.csv", [survey])
    load_landing(con, landing)
    # the contact c-s1 entered the queue on 2026-03-10: minus the 8 days of look-back
    assert plan_window(con, "run-2", fingerprint="fp").from_date == date(2026, 3, 2)
