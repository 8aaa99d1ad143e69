"""The GE asset checks in Dagster: landing suites block on critical failures, marts warn,
and every evaluation lands in raw_meta.check_results."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from expectations import registry
from orchestration.contracts import get_table
from orchestration.defs.ingestion.landing import landing_tables
from orchestration.defs.quality import checks
from orchestration.defs.quality.checks import (
    DRIFT_CHECK,
    LANDING_CHECK,
    MARTS,
    _fetched_ahead,
    evaluate,
    gx_drift_checks,
    gx_landing_checks,
    quality_checks,
)
from orchestration.defs.resources import LandingResource, WarehouseResource
from tests.expectations import frames as f

CALLS = dg.AssetKey(["acd", "calls"])


def _iso(v):
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return "" if v is None else str(v)


def write_calls(landing: Path, name: str, rows: list[dict]) -> Path:
    cols = get_table("acd", "calls").column_names
    path = landing / "acd" / "calls" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for r in rows:
            w.writerow([_iso(r.get(c)) for c in cols])
    return path


@dg.asset(deps=[CALLS])
def downstream_of_calls() -> None:
    """Stands in for the dbt staging model that a blocking landing check protects."""


def _run(tmp_path: Path):
    resources = {
        "warehouse": WarehouseResource(path=str(tmp_path / "wh.duckdb")),
        "landing": LandingResource(path=str(tmp_path / "landing")),
    }
    return dg.materialize(
        [landing_tables, downstream_of_calls, gx_landing_checks],
        resources=resources,
        selection=dg.AssetSelection.assets(CALLS, downstream_of_calls.key),
        raise_on_error=False,
    )


def _evals(result) -> dict:
    return {(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()}


def test_quality_checks_export_both_multi_checks():
    assert quality_checks == [gx_landing_checks, gx_drift_checks]
    landing_specs = list(gx_landing_checks.check_specs)
    assert len(landing_specs) == len(registry.LANDING_SUITES) and all(
        s.blocking for s in landing_specs
    )
    assert {k.path[-1] for k in MARTS} == set(registry.MART_SUITES)
    assert not any(s.blocking for s in gx_drift_checks.check_specs)


def test_a_clean_delivery_passes_and_is_recorded(tmp_path):
    write_calls(tmp_path / "landing", "day1.csv", f.calls(20))
    result = _run(tmp_path)
    ev = _evals(result)[(CALLS, LANDING_CHECK)]
    assert ev.passed, ev.metadata["failures"].value
    assert result.output_for_node("downstream_of_calls") is None  # it ran
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    rows = con.execute(
        "select count(*), bool_and(success), any_value(run_id), any_value(check_name), any_value(asset_key) "
        "from raw_meta.check_results"
    ).fetchone()
    assert rows[0] == len(registry.get(("acd", "calls")).build_suite().expectations)
    assert rows[1:] == (True, result.run_id, LANDING_CHECK, "acd/calls")


def test_a_key_repeated_within_a_delivery_blocks_downstream(tmp_path):
    rows = f.calls(20)
    rows.append({**rows[0], "queue_id": "Q9"})  # same segment_id and updated_at, different content
    write_calls(tmp_path / "landing", "day1.csv", rows)
    result = _run(tmp_path)
    ev = _evals(result)[(CALLS, LANDING_CHECK)]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    assert "expect_compound_columns_to_be_unique" in ev.metadata["failures"].value
    assert "day1.csv" in ev.metadata["failures"].value  # examples carry file and line
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert CALLS in materialized
    assert downstream_of_calls.key not in materialized


def test_a_warning_does_not_block(tmp_path):
    rows = f.calls(20)
    rows[0] = {**rows[0], "hold_count": 40}
    write_calls(tmp_path / "landing", "day1.csv", rows)
    result = _run(tmp_path)
    ev = _evals(result)[(CALLS, LANDING_CHECK)]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.WARN
    assert result.success


def test_a_run_without_new_deliveries_validates_nothing(tmp_path):
    write_calls(tmp_path / "landing", "day1.csv", f.calls(20))
    _run(tmp_path)
    again = _evals(_run(tmp_path))[(CALLS, LANDING_CHECK)]
    assert again.passed and "no new rows" in again.metadata["skipped"].value


def test_the_batch_is_only_the_latest_delivery(tmp_path):
    landing = tmp_path / "landing"
    bad = f.calls(10)
    bad.append({**bad[0], "queue_id": "Q9"})
    write_calls(landing, "day1.csv", bad)
    _run(tmp_path)
    later = [{**r, "segment_id": "N" + r["segment_id"]} for r in f.calls(10)]
    write_calls(landing, "day2.csv", later)
    ev = _evals(_run(tmp_path))[(CALLS, LANDING_CHECK)]
    assert (
        ev.passed
        and ev.metadata["evaluated_rows"].value == 10
        and "day2.csv" in ev.metadata["batch"].value
    )


def test_a_large_batch_is_validated_in_chunks_of_whole_deliveries(tmp_path, monkeypatch):
    # a first load of a year is validated delivery group by delivery group (bounded memory);
    # a key repeated within the second delivery still fails the check, counted once
    monkeypatch.setattr(registry, "LANDING_CHUNK_ROWS", 12)
    landing = tmp_path / "landing"
    write_calls(landing, "day1.csv", f.calls(10))
    bad = [{**r, "segment_id": "N" + r["segment_id"]} for r in f.calls(10)]
    bad.append({**bad[0], "queue_id": "Q9"})
    write_calls(landing, "day2.csv", bad)
    chunks = []
    real = registry.fetch_landing_frame
    monkeypatch.setattr(
        registry, "fetch_landing_frame", lambda *a: chunks.append(len(a[3])) or real(*a)
    )
    ev = _evals(_run(tmp_path))[(CALLS, LANDING_CHECK)]
    assert chunks == [1, 1]
    assert not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    assert ev.metadata["evaluated_rows"].value == 21
    assert "2 chunks of whole deliveries" in ev.metadata["batch"].value
    assert "day2.csv" in ev.metadata["failures"].value


def test_each_chunk_s_frame_is_freed_before_a_later_one_is_validated(tmp_path, monkeypatch):
    # bounded memory at a year's first load: GX holds a validated frame in reference cycles, so
    # each chunk is collected after it (with the objects alive before the loop frozen out of the
    # collections, for speed); by the time chunk k is validated, chunks < k-1 must be gone (k-1
    # may be the one fetched ahead), and the freeze must not outlive the evaluation
    import gc
    import weakref

    from expectations import runner

    monkeypatch.setattr(registry, "LANDING_CHUNK_ROWS", 12)
    monkeypatch.setattr(checks, "GC_CHUNK_ROWS", 1)  # every chunk counts as large here
    landing = tmp_path / "landing"
    for day in range(4):
        write_calls(landing, f"day{day}.csv", [{**r, "segment_id": f"D{day}{r['segment_id']}"} for r in f.calls(10)])
    seen, alive_at_call = [], []
    real = runner.validate

    def validate(frame, suite):
        alive_at_call.append([i for i, ref in enumerate(seen) if ref() is not None])
        seen.append(weakref.ref(frame))
        return real(frame, suite)

    monkeypatch.setattr(runner, "validate", validate)
    ev = _evals(_run(tmp_path))[(CALLS, LANDING_CHECK)]
    assert ev.passed and len(seen) == 4
    assert all(set(alive) <= {k - 1} for k, alive in enumerate(alive_at_call))
    assert gc.get_freeze_count() == 0


def test_garbage_of_one_evaluation_is_not_frozen_by_the_next(tmp_path, monkeypatch):
    # objects alive before an evaluation's chunks are frozen out of the chunk collections; a
    # reference cycle left by one suite's evaluation must not be among them, or it is never
    # collected (automatic collections are off here, so only the evaluations' own can free it)
    import gc
    import weakref

    from expectations import runner

    monkeypatch.setattr(checks, "GC_CHUNK_ROWS", 1)  # every chunk counts as large here

    landing = tmp_path / "landing"
    write_calls(landing, "day1.csv", f.calls(10))
    states = landing / "acd" / "agent_states"
    states.mkdir(parents=True)
    (states / "day1.csv").write_text(
        "agent_id,state,reason_code,started_at,ended_at\n"
        "a1,available,,2026-03-29T08:00:00+00:00,2026-03-29T09:00:00+00:00\n"
    )
    refs = []
    real = runner.merge

    class Cycle:
        pass

    def merge(summaries):
        c = Cycle()
        c.me = c
        refs.append(weakref.ref(c))
        return real(summaries)

    monkeypatch.setattr(runner, "merge", merge)
    from orchestration.lib.ingest import load_landing

    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    load_landing(con, landing)
    entries = {e.asset_key: e for e in registry.landing_entries()}
    gc.disable()
    try:
        for key in (("acd", "calls"), ("acd", "agent_states")):
            ev = evaluate(con, entries[key], asset_key=dg.AssetKey(list(key)), check_name=LANDING_CHECK,
                          since=datetime(2000, 1, 1))
            assert ev.passed
        assert len(refs) == 2
        assert refs[0]() is None  # the first suite's cycle, collected before the second froze
    finally:
        gc.enable()
        con.close()


def test_only_a_large_chunk_pays_for_full_collections(tmp_path, monkeypatch):
    # a full collection walks every object of the process (0.2-0.3 s in the pipeline's): a
    # daily run's small deliveries skip it and the freeze; a chunk of GC_CHUNK_ROWS rows or more
    # is collected before the freeze and after its validation
    import gc

    write_calls(tmp_path / "landing", "day1.csv", f.calls(10))
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    from orchestration.lib.ingest import load_landing

    load_landing(con, tmp_path / "landing")
    entry = {e.asset_key: e for e in registry.landing_entries()}[("acd", "calls")]
    calls, freezes = [], []
    real_collect, real_freeze = gc.collect, gc.freeze
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(a) or real_collect(*a))
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1) or real_freeze())
    try:
        for threshold, expected in ((11, 0), (10, 2)):
            monkeypatch.setattr(checks, "GC_CHUNK_ROWS", threshold)
            calls.clear(), freezes.clear()
            ev = evaluate(con, entry, asset_key=CALLS, check_name=LANDING_CHECK, since=datetime(2000, 1, 1))
            assert ev.passed and ev.metadata["evaluated_rows"].value == 10
            assert (len(calls), len(freezes)) == (expected, expected // 2), threshold
            assert gc.get_freeze_count() == 0
    finally:
        con.close()


def test_the_next_chunk_is_fetched_while_one_is_validated_and_at_most_one_ahead():
    import threading

    fetched = []
    started = threading.Event()

    def chunks():
        for i in range(4):
            fetched.append((i, threading.current_thread().name))
            if i == 1:
                started.set()
            yield i

    seen = []
    for i in _fetched_ahead(chunks()):
        if i == 0:  # chunk 1 is fetched while chunk 0 is in hand ...
            assert started.wait(5)
            # ... and chunk 2 is not: one chunk ahead at most
            assert [n for n, _ in fetched] == [0, 1]
        seen.append(i)
    assert seen == [0, 1, 2, 3]
    assert all(name.startswith("gx-fetch") for _, name in fetched)


def test_a_failed_fetch_of_a_later_chunk_fails_the_evaluation():
    def chunks():
        yield 0
        raise duckdb.IOException("disk gone")

    got = []
    with pytest.raises(duckdb.IOException, match="disk gone"):
        for i in _fetched_ahead(chunks()):
            got.append(i)
    assert got == [0]


def test_merged_chunk_summaries_add_counts_and_keep_the_failing_examples():
    from expectations.runner import ExpectationResult, Summary, merge

    def s(ok, n, bad, ex):
        r = ExpectationResult("expect_x", "c", "critical", ok, bad, None, None, n, ex)
        return Summary("suite", ok, n, [r])

    m = merge([s(True, 100, 0, []), s(False, 50, 5, ["e1"]), s(False, 50, 1, ["e2"])])
    (r,) = m.results
    assert (m.success, m.evaluated_rows, r.success, r.unexpected_count, r.element_count) == (False, 200, False, 6, 200)
    assert r.unexpected_percent == 3.0 and r.examples == ["e1", "e2"]


@pytest.fixture
def mart_warehouse(tmp_path):
    con = duckdb.connect(str(tmp_path / "marts.duckdb"))
    yield con
    con.close()


def test_the_drift_check_warns_on_a_queue_interval_band(mart_warehouse, gx_loaded):
    con = mart_warehouse
    start = datetime(2026, 3, 2)
    rows = []
    for day in range(5):
        for q in ("Q1", "Q2"):
            for i in range(48):
                ts = start + timedelta(days=day, minutes=30 * i)
                aband = 10 if day == 4 else 1  # day 5: abandonment spikes
                rows.append((q, ts, ts.date(), 30, "NYC", 20, aband, 18, 5400))
    con.execute(
        "create table fct_queue_intervals (queue_id varchar, interval_start_utc timestamp, interval_date date, "
        "interval_minutes integer, site_id varchar, offered bigint, abandoned bigint, handled bigint, handle_seconds bigint)"
    )
    con.executemany("insert into fct_queue_intervals values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    key = dg.AssetKey(["fct_queue_intervals"])
    res = evaluate(
        con,
        registry.get(("fct_queue_intervals",)),
        asset_key=key,
        check_name=DRIFT_CHECK,
        run_id="r",
    )
    assert not res.passed and res.severity == dg.AssetCheckSeverity.WARN
    assert "abandon_rate" in res.metadata["failures"].value
    failed = {
        r[0]
        for r in con.execute(
            "select column_name from raw_meta.check_results where not success and asset_key = 'fct_queue_intervals'"
        ).fetchall()
    }
    assert failed == {"abandon_rate"}


def test_an_empty_mart_is_skipped_not_failed(mart_warehouse):
    con = mart_warehouse
    con.execute(
        "create table fct_agent_days (agent_id varchar, activity_date date, logged_in_seconds bigint, "
        "handled bigint, team_id varchar)"
    )
    res = evaluate(
        con,
        registry.get(("fct_agent_days",)),
        asset_key=dg.AssetKey(["fct_agent_days"]),
        check_name=DRIFT_CHECK,
    )
    assert res.passed and "empty" in res.metadata["skipped"].value
