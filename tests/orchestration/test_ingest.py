"""The loader: every delivered row is loaded, quarantined with its reason, or an exact duplicate."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.contracts import get_table, load_contract
from orchestration.lib.ingest import (
    RETIRED_TABLES,
    accounting_mismatches,
    ensure_raw_tables,
    load_file,
    load_landing,
)

QUEUES_HEADER = "queue_id,queue_name,line_of_business,site_id,site_timezone,sl_threshold_seconds,sl_target_pct,short_abandon_seconds"
STATES_HEADER = "agent_id,state,reason_code,started_at,ended_at"
CALL = {
    "segment_id": "s1", "contact_id": "c1", "segment_seq": "1", "channel": "voice", "direction": "inbound",
    "queue_id": "q1", "customer_id": "", "customer_phone": "+4400", "entered_queue_at": "2026-01-01T08:00:00Z",
    "answered_at": "2026-01-01T08:00:10Z", "ended_at": "2026-01-01T08:05:00Z", "agent_id": "a1",
    "outcome": "answered", "talk_seconds": "100", "hold_seconds": "0", "hold_count": "0", "acw_seconds": "10",
    "transferred_to_queue_id": "", "wrapup_code": "", "updated_at": "2026-01-01T08:05:00Z",
}


def calls_csv(*rows: dict) -> str:
    """An acd/calls file: a header, then one valid answered segment per row with its overrides."""
    cols = get_table("acd", "calls").column_names
    return "\n".join([",".join(cols), *(",".join({**CALL, **r}[c] for c in cols) for r in rows)]) + "\n"


def write(landing: Path, family: str, table: str, name: str, content: bytes | str) -> Path:
    folder = landing / family / table
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return p


@pytest.fixture
def con():
    c = duckdb.connect()
    ensure_raw_tables(c)
    yield c
    c.close()


def quarantine(con) -> list[tuple]:
    return con.execute(
        "select source_file, line_number, raw_line, reason from raw_meta.quarantine order by line_number"
    ).fetchall()


def test_every_contract_table_exists_empty_before_any_delivery(con):
    for t in load_contract():
        assert con.execute(f"select count(*) from {t.raw_relation}").fetchone()[0] == 0
        cols = [r[0] for r in con.execute(f"describe {t.raw_relation}").fetchall()]
        assert cols[: len(t.columns)] == list(t.column_names)
        assert cols[len(t.columns) :] == ["_source_file", "_source_row", "_delivery_id", "_loaded_at"]


def test_tables_nothing_maintains_any_more_are_dropped_and_a_users_own_are_kept(tmp_path):
    """A warehouse built before the forecast/staffing tables became dbt models still has the old
    Dagster assets' tables in schema `staffing`: stale, so they go; a user's own table in that
    schema (or anywhere) stays, and so does the schema that holds it."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as c:
        c.execute("create schema staffing; create schema other")
        for schema, name in RETIRED_TABLES:
            c.execute(f"create table {schema}.{name} as select 1 as x")
        c.execute("create table other.forecast_intervals as select 1 as x")
        ensure_raw_tables(c)
        tables = set(c.execute("select schema_name, table_name from duckdb_tables()").fetchall())
        assert not tables & set(RETIRED_TABLES)
        assert ("other", "forecast_intervals") in tables
        assert "staffing" not in {r[0] for r in c.execute("select schema_name from duckdb_schemas()").fetchall()}
        # a second time: nothing left to drop, no error
        ensure_raw_tables(c)
    with duckdb.connect(str(path)) as c:
        c.execute("create schema staffing")
        c.execute("create table staffing.forecast_intervals as select 1 as x")
        c.execute("create view staffing.my_view as select 1 as x")
        ensure_raw_tables(c)
        assert c.execute("select count(*) from duckdb_tables() where schema_name = 'staffing'").fetchone()[0] == 0
        assert c.execute("select count(*) from staffing.my_view").fetchone()[0] == 1


def test_a_good_file_loads_typed_rows_with_lineage(con, tmp_path):
    write(
        tmp_path, "acd", "agent_states", "d1.csv",
        f"{STATES_HEADER}\n"
        "a1,available,,2026-03-29T00:30:00+01:00,2026-03-29T01:00:00+01:00\n"
        "a1,aux,lunch,2026-03-29T00:00:00Z,2026-03-29T00:45:00Z\n",
    )
    s = load_landing(con, tmp_path)
    (r,) = s.results
    assert (r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("loaded", 2, 2, 0)
    rows = con.execute(
        "select agent_id, state, reason_code, cast(started_at as varchar), _source_file, _source_row "
        "from raw_acd.agent_states order by _source_row"
    ).fetchall()
    # timestamps are converted to naive UTC from their offset
    assert rows == [
        ("a1", "available", None, "2026-03-28 23:30:00", "acd/agent_states/d1.csv", 2),
        ("a1", "aux", "lunch", "2026-03-29 00:00:00", "acd/agent_states/d1.csv", 3),
    ]


def test_loading_the_same_file_twice_changes_nothing(con, tmp_path):
    write(tmp_path, "acd", "queues", "q.csv", f"{QUEUES_HEADER}\nq1,Sales,sales,s1,Europe/London,20,80,5\n")
    load_landing(con, tmp_path)
    before = con.execute("select * exclude (_loaded_at) from raw_acd.queues").fetchall()
    second = load_landing(con, tmp_path)
    assert [r.status for r in second.results] == ["skipped"]
    assert con.execute("select * exclude (_loaded_at) from raw_acd.queues").fetchall() == before
    assert con.execute("select count(*) from raw_meta.deliveries").fetchone()[0] == 1


def test_a_changed_file_at_the_same_path_replaces_its_rows(con, tmp_path):
    write(tmp_path, "acd", "queues", "q.csv", f"{QUEUES_HEADER}\nq1,Sales,sales,s1,Europe/London,20,80,5\nq2,X,service,s1,Europe/London,-1,80,5\n")
    load_landing(con, tmp_path)
    assert len(quarantine(con)) == 1
    write(tmp_path, "acd", "queues", "q.csv", f"{QUEUES_HEADER}\nq1,Sales,sales,s1,Europe/London,30,85,5\nq2,X,service,s1,Europe/London,10,80,5\n")
    r = load_landing(con, tmp_path).results[0]
    assert r.status == "loaded" and r.replaced_rows == 1
    assert con.execute("select queue_id, sl_threshold_seconds from raw_acd.queues order by 1").fetchall() == [("q1", 30), ("q2", 10)]
    assert quarantine(con) == []  # the fixed row left quarantine
    assert accounting_mismatches(con) == []


def test_the_totals_first_accounting_names_the_file_that_lost_a_row(con, tmp_path):
    write(tmp_path, "acd", "agent_states", "d1.csv", f"{STATES_HEADER}\na1,available,,2026-03-29T00:30:00Z,2026-03-29T01:00:00Z\n")
    write(
        tmp_path, "acd", "agent_states", "d2.csv",
        f"{STATES_HEADER}\na2,available,,2026-03-29T00:30:00Z,2026-03-29T01:00:00Z\n"
        "a2,aux,lunch,2026-03-29T01:00:00Z,not a time\n",
    )
    load_landing(con, tmp_path)
    assert accounting_mismatches(con, per_file=False) == accounting_mismatches(con) == []
    con.execute("delete from raw_acd.agent_states where agent_id = 'a2'")
    lost = [("acd", "agent_states", "acd/agent_states/d2.csv", 2, 0, 1, 0)]
    assert accounting_mismatches(con, per_file=False) == accounting_mismatches(con) == lost


def test_a_file_missing_a_required_column_is_rejected_whole_and_named(con, tmp_path):
    write(tmp_path, "acd", "agent_states", "bad.csv", "agent_id,state,started_at\na1,available,2026-01-01T00:00:00Z\n")
    (r,) = load_landing(con, tmp_path).results
    assert r.status == "rejected"
    assert "acd/agent_states/bad.csv" in r.message and "ended_at" in r.message
    assert con.execute("select count(*) from raw_acd.agent_states").fetchone()[0] == 0
    assert con.execute("select status, message from raw_meta.deliveries").fetchone()[0] == "rejected"


def test_extra_columns_are_ignored_with_a_warning_and_optional_columns_may_be_absent(con, tmp_path):
    write(tmp_path, "acd", "agent_states", "x.csv", "agent_id,state,started_at,ended_at,colour\na1,available,2026-01-01T00:00:00Z,2026-01-01T00:10:00Z,red\n")
    (r,) = load_landing(con, tmp_path).results
    assert r.status == "loaded" and r.rows_loaded == 1
    assert any("colour" in w for w in r.warnings)
    assert any("reason_code" in w for w in r.warnings)


def test_bom_and_crlf_are_handled(con, tmp_path):
    write(tmp_path, "acd", "queues", "q.csv", ("\ufeff" + QUEUES_HEADER + "\r\nq1,Sales,sales,s1,Europe/London,20,80,5\r\n").encode())
    (r,) = load_landing(con, tmp_path).results
    assert (r.rows_loaded, r.rows_quarantined) == (1, 0)
    assert con.execute("select queue_id, short_abandon_seconds from raw_acd.queues").fetchall() == [("q1", 5)]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_bad_rows_are_quarantined_with_file_line_raw_content_and_reason(con, tmp_path, newline):
    content = (
        f"{STATES_HEADER}\n"
        "a1,available,,2026-01-01T00:00:00Z,2026-01-01T00:10:00Z\n"  # 2 good
        "a1,available,,not-a-time,2026-01-01T00:10:00Z\n"  # 3 unparseable timestamp
        "a1,available,,2026-01-01T00:00:00,2026-01-01T00:10:00Z\n"  # 4 no UTC offset
        "a1,dancing,,2026-01-01T00:00:00Z,2026-01-01T00:10:00Z\n"  # 5 unknown state
        "a1,available,,2026-01-01T00:10:00Z,2026-01-01T00:00:00Z\n"  # 6 ends before it starts
        "a1,available\n"  # 7 wrong field count
        ",available,,2026-01-01T00:00:00Z,2026-01-01T00:10:00Z\n"  # 8 empty required id
        "a1,available,,2026-01-01T00:00:00Z,2026-01-01T00:10:00Z,extra\n"  # 9 too many fields
    ).encode() + b"a\xff1,available,,2026-01-01T00:00:00Z,2026-01-01T00:10:00Z\n"  # 10 not UTF-8
    write(tmp_path, "acd", "agent_states", "d.csv", content.replace(b"\n", newline))
    (r,) = load_landing(con, tmp_path).results
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_duplicate) == (9, 1, 8, 0)
    q = {line: (raw, reason) for _, line, raw, reason in quarantine(con)}
    assert sorted(q) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "started_at" in q[3][1] and "not-a-time" in q[3][0]
    assert "UTC offset" in q[4][1]
    assert "state: dancing" in q[5][1]
    assert "ended_at is before started_at" in q[6][1]
    assert "MISSING COLUMNS" in q[7][1] and q[7][0] == "a1,available"
    assert "agent_id: required value is empty" in q[8][1]
    assert "TOO MANY COLUMNS" in q[9][1]
    assert "INVALID ENCODING" in q[10][1] and "\\xff" in q[10][0]
    assert all(f == "acd/agent_states/d.csv" for f, *_ in quarantine(con))
    assert accounting_mismatches(con) == []


def test_negative_durations_and_non_integers_are_quarantined(con, tmp_path):
    talks = {"s1": "100", "s2": "-5", "s3": "1.5", "s4": "120.0"}
    write(tmp_path, "acd", "calls", "c.csv", calls_csv(*({"segment_id": k, "talk_seconds": v} for k, v in talks.items())))
    (r,) = load_landing(con, tmp_path).results
    assert (r.rows_loaded, r.rows_quarantined) == (2, 2)
    reasons = [reason for *_, reason in quarantine(con)]
    assert "talk_seconds: -5 is below 0" in reasons[0]
    assert "talk_seconds: 1.5 is not a whole number" in reasons[1]


def test_non_finite_and_out_of_range_whole_numbers_are_quarantined_not_a_crash(con, tmp_path):
    # 'inf', 'NaN' and 1e20 pass a "whole number" test as doubles but fit no bigint: the row is
    # quarantined with its reason (a cast error used to fail the whole load)
    talks = ["inf", "NaN", "100000000000000000000", " 7 ", "1e3"]
    write(tmp_path, "acd", "calls", "c.csv",
          calls_csv(*({"segment_id": f"s{i}", "talk_seconds": t} for i, t in enumerate(talks))))
    (r,) = load_landing(con, tmp_path).results
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (5, 2, 3)
    assert [reason for *_, reason in quarantine(con)] == [
        "talk_seconds: inf is not a whole number",
        "talk_seconds: NaN is not a whole number",
        "talk_seconds: 100000000000000000000 is not a whole number",
    ]
    assert con.execute("select segment_id, talk_seconds from raw_acd.calls order by 1").fetchall() == [("s3", 7), ("s4", 1000)]


@pytest.mark.parametrize("group", [False, True], ids=["one file", "a group of files"])
def test_every_iso_8601_form_with_an_offset_is_the_same_utc_instant(con, tmp_path, group):
    # the common form takes the loader's fast path, every other form the general one: both must
    # give the UTC instant, and a time without an offset (or not a time) is quarantined
    forms = [
        ("2026-03-29T10:00:00+00:00", "2026-03-29 10:00:00"),
        ("2026-03-29T12:00:00+02:00", "2026-03-29 10:00:00"),
        ("2026-03-29T15:30:00+0530", "2026-03-29 10:00:00"),
        ("2026-03-29T07:00:00-03", "2026-03-29 10:00:00"),
        ("2026-03-29T10:00:00Z", "2026-03-29 10:00:00"),
        (" 2026-03-29T10:00:00+00:00 ", "2026-03-29 10:00:00"),
        ("2026-03-29 12:00:00.250+02:00", "2026-03-29 10:00:00.25"),
        ("2026-03-29T10:00:00", None),
        ("2026-03-29T25:00:00+00:00", None),
        ("2026-03-29", None),
    ]
    body = "".join(f'a{i},available,,"{ts}",2026-03-29T23:00:00Z\n' for i, (ts, _) in enumerate(forms))
    write(tmp_path, "acd", "agent_states", "d1.csv", f"{STATES_HEADER}\n{body}")
    if group:  # a second clean file makes the files load together, through the group's view
        write(tmp_path, "acd", "agent_states", "d2.csv", f"{STATES_HEADER}\nb1,available,,2026-03-30T08:00:00Z,2026-03-30T09:00:00Z\n")
    load_landing(con, tmp_path)
    got = dict(con.execute(
        "select agent_id, strftime(started_at, '%Y-%m-%d %H:%M:%S.%g') from raw_acd.agent_states where _source_file like '%d1.csv'"
    ).fetchall())
    for i, (ts, want) in enumerate(forms):
        if want is None:
            assert f"a{i}" not in got, ts
        else:
            assert got[f"a{i}"].rstrip("0").rstrip(".") == want, ts
    reasons = [reason for *_, reason in quarantine(con)]
    assert len(reasons) == 3 and all("not an ISO 8601 timestamp with a UTC offset" in x for x in reasons)
    assert accounting_mismatches(con) == []


def test_exact_duplicate_rows_in_a_delivery_load_once_and_are_counted(con, tmp_path):
    line = "a1,available,,2026-01-01T00:00:00Z,2026-01-01T00:10:00Z\n"
    write(tmp_path, "acd", "agent_states", "d.csv", STATES_HEADER + "\n" + line * 3)
    (r,) = load_landing(con, tmp_path).results
    assert (r.rows_read, r.rows_loaded, r.rows_duplicate) == (3, 1, 2)
    assert accounting_mismatches(con) == []


def test_an_empty_file_is_rejected_with_a_clear_message(con, tmp_path):
    write(tmp_path, "acd", "queues", "empty.csv", "")
    (r,) = load_landing(con, tmp_path).results
    assert r.status == "rejected" and "empty" in r.message and "acd/queues/empty.csv" in r.message


def test_a_header_only_file_loads_zero_rows(con, tmp_path):
    write(tmp_path, "acd", "queues", "h.csv", QUEUES_HEADER + "\n")
    (r,) = load_landing(con, tmp_path).results
    assert (r.status, r.rows_read) == ("loaded", 0)


def test_a_fixed_quarantined_row_redelivered_in_a_new_file_loads(con, tmp_path):
    write(tmp_path, "acd", "queues", "q1.csv", f"{QUEUES_HEADER}\nq9,Nine,service,s1,Europe/London,abc,80,5\n")
    load_landing(con, tmp_path)
    assert len(quarantine(con)) == 1
    write(tmp_path, "acd", "queues", "q1-fix.csv", f"{QUEUES_HEADER}\nq9,Nine,service,s1,Europe/London,25,80,5\n")
    load_landing(con, tmp_path)
    assert con.execute("select sl_threshold_seconds from raw_acd.queues where queue_id = 'q9'").fetchall() == [(25,)]


# --- property: malformed CSVs never crash the loader and never lose a row ---------------------

_field = st.one_of(
    st.sampled_from(["a1", "available", "aux", "lunch", "", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00+02:00", "-3", "x,y", '"q"']),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
)
_line = st.lists(_field, min_size=0, max_size=7).map(
    lambda fs: ",".join('"' + f.replace('"', '""') + '"' if ("," in f or '"' in f or "\n" in f) else f for f in fs)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, min_size=0, max_size=12), crlf=st.booleans(), junk=st.binary(max_size=6))
def test_malformed_csvs_never_crash_and_never_lose_a_row(tmp_path_factory, lines, crlf, junk):
    landing = tmp_path_factory.mktemp("landing")
    nl = "\r\n" if crlf else "\n"
    body = (STATES_HEADER + nl + nl.join(lines) + (nl if lines else "")).encode() + junk
    p = write(landing, "acd", "agent_states", "fuzz.csv", body)
    con = duckdb.connect()
    ensure_raw_tables(con)
    r = load_file(con, get_table("acd", "agent_states"), p, landing)
    assert r.status in ("loaded", "rejected")
    if r.status == "loaded":
        assert r.rows_read == r.rows_loaded + r.rows_quarantined + r.rows_duplicate
        assert accounting_mismatches(con) == []
        in_raw = con.execute("select count(*) from raw_acd.agent_states").fetchone()[0]
        in_q = con.execute("select count(*) from raw_meta.quarantine").fetchone()[0]
        assert in_raw + in_q + r.rows_duplicate == r.rows_read
    con.close()


# --- several files of a table at once ---------------------------------------------------------


def test_clean_files_of_a_table_load_together_each_as_its_own_delivery(con, tmp_path, monkeypatch):
    from orchestration.lib import ingest

    group_reads = []
    real = ingest._read_group_native
    monkeypatch.setattr(ingest, "_read_group_native", lambda c, ds, n: group_reads.append(len(ds)) or real(c, ds, n))
    write(tmp_path, "acd", "agent_states", "d1.csv",
          f"{STATES_HEADER}\na1,available,,2026-03-29T08:00:00Z,2026-03-29T09:00:00Z\n"
          "a1,aux,lunch,2026-03-29T09:00:00Z,2026-03-29T09:30:00Z\n")
    write(tmp_path, "acd", "agent_states", "d2.csv",
          f"{STATES_HEADER}\na2,available,,2026-03-30T08:00:00Z,2026-03-30T09:00:00Z\n"
          "a2,available,,2026-03-30T08:00:00Z,2026-03-30T09:00:00Z\n"  # exact duplicate within d2
          "a2,dancing,,2026-03-30T09:00:00Z,2026-03-30T09:30:00Z\n")  # not an allowed state
    write(tmp_path, "acd", "agent_states", "d3.csv",
          f"{STATES_HEADER}\na1,available,,2026-03-29T08:00:00Z,2026-03-29T09:00:00Z\n")  # d1's row: not a duplicate across files
    s = load_landing(con, tmp_path, [get_table("acd", "agent_states")])
    assert group_reads == [3]
    by_file = {r.source_file.rsplit("/", 1)[1]: r for r in s.results}
    assert [(f, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_duplicate) for f, r in sorted(by_file.items())] == [
        ("d1.csv", "loaded", 2, 2, 0, 0),
        ("d2.csv", "loaded", 3, 1, 1, 1),
        ("d3.csv", "loaded", 1, 1, 0, 0),
    ]
    rows = con.execute(
        "select _source_file, _source_row, agent_id, _delivery_id from raw_acd.agent_states order by 1, 2"
    ).fetchall()
    assert [(f.rsplit("/", 1)[1], n, a) for f, n, a, _ in rows] == [
        ("d1.csv", 2, "a1"), ("d1.csv", 3, "a1"), ("d2.csv", 2, "a2"), ("d3.csv", 2, "a1"),
    ]
    assert {d for *_, d in rows} == {r.delivery_id for r in s.results}
    (q,) = quarantine(con)
    assert q[0].endswith("d2.csv") and q[1] == 4 and q[2].startswith("a2,dancing,")
    assert "state: dancing is not one of" in q[3]
    assert con.execute("select count(*) from raw_meta.deliveries").fetchone()[0] == 3
    assert accounting_mismatches(con) == []


def test_a_group_with_an_unreadable_record_is_loaded_file_by_file(con, tmp_path):
    write(tmp_path, "acd", "agent_states", "d1.csv",
          f"{STATES_HEADER}\na1,available,,2026-03-29T08:00:00Z,2026-03-29T09:00:00Z\n")
    write(tmp_path, "acd", "agent_states", "d2.csv",
          f"{STATES_HEADER}\na2,available,,2026-03-30T08:00:00Z\n"  # a field short
          "a2,aux,break,2026-03-30T09:00:00Z,2026-03-30T09:15:00Z\n")
    s = load_landing(con, tmp_path, [get_table("acd", "agent_states")])
    assert [(r.rows_read, r.rows_loaded, r.rows_quarantined) for r in s.results] == [(1, 1, 0), (2, 1, 1)]
    (q,) = quarantine(con)
    assert q[0].endswith("d2.csv") and q[1] == 2 and "unreadable record" in q[3]
    assert con.execute(
        "select _source_row from raw_acd.agent_states where _source_file like '%d2.csv'"
    ).fetchall() == [(3,)]
    assert accounting_mismatches(con) == []


def test_a_known_file_is_skipped_by_path_size_and_mtime_without_reading_it(con, tmp_path, monkeypatch):
    from orchestration.lib import ingest

    p = write(tmp_path, "acd", "queues", "q.csv", f"{QUEUES_HEADER}\nq1,Sales,sales,s1,Europe/London,20,80,5\n")
    load_landing(con, tmp_path)

    def no_hashing(path):
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(ingest, "file_sha256", no_hashing)
    assert [r.status for r in load_landing(con, tmp_path).results] == ["skipped"]
    # touched (new mtime, same bytes): hashed, recognised as the same content, still one delivery
    monkeypatch.undo()
    import os

    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
    r = load_landing(con, tmp_path).results
    assert [x.status for x in r] == ["skipped"] and r[0].message == "already loaded (same content)"
    assert con.execute("select count(*) from raw_meta.deliveries").fetchone()[0] == 1


def test_two_tables_load_at_the_same_time_each_with_its_own_results(con, tmp_path, monkeypatch):
    import threading
    import time

    from orchestration.lib import ingest

    spans = {}
    real = ingest.load_files

    def timed(c, table, paths, landing_dir):
        start = time.perf_counter()
        time.sleep(0.5)  # long enough for the other table's load to start meanwhile
        out = real(c, table, paths, landing_dir)
        spans[table.name] = (start, time.perf_counter(), threading.current_thread().name, c is con)
        return out

    monkeypatch.setattr(ingest, "load_files", timed)
    write(tmp_path, "acd", "queues", "q.csv",
          f"{QUEUES_HEADER}\nq1,Sales,sales,s1,Europe/London,20,80,5\nq2,X,service,s1,Europe/London,-1,80,5\n")
    write(tmp_path, "acd", "agent_states", "d1.csv",
          f"{STATES_HEADER}\na1,available,,2026-03-29T08:00:00Z,2026-03-29T09:00:00Z\n")
    write(tmp_path, "acd", "agent_states", "d2.csv",
          f"{STATES_HEADER}\na2,dancing,,2026-03-30T09:00:00Z,2026-03-30T09:30:00Z\n")
    s = load_landing(con, tmp_path, [get_table("acd", "queues"), get_table("acd", "agent_states")])
    (q0, q1, q_thread, q_main), (a0, a1, a_thread, a_main) = spans["queues"], spans["agent_states"]
    assert q_thread != a_thread and q0 < a1 and a0 < q1  # on two threads, overlapping
    assert not q_main and not a_main  # each on a cursor of its own
    # results in table order, then file order
    assert [(r.source_file.rsplit("/", 1)[1], r.rows_loaded, r.rows_quarantined) for r in s.results] == [
        ("q.csv", 1, 1), ("d1.csv", 1, 0), ("d2.csv", 0, 1),
    ]
    assert sorted(q[0].rsplit("/", 1)[1] for q in quarantine(con)) == ["d2.csv", "q.csv"]
    assert accounting_mismatches(con) == []


def test_a_failing_table_load_fails_the_whole_load(con, tmp_path, monkeypatch):
    from orchestration.lib import ingest

    real = ingest.load_files

    def failing(c, table, paths, landing_dir):
        if table.name == "queues":
            raise duckdb.IOException("disk full")
        return real(c, table, paths, landing_dir)

    monkeypatch.setattr(ingest, "load_files", failing)
    write(tmp_path, "acd", "queues", "q.csv", f"{QUEUES_HEADER}\nq1,Sales,sales,s1,Europe/London,20,80,5\n")
    write(tmp_path, "acd", "agent_states", "d1.csv",
          f"{STATES_HEADER}\na1,available,,2026-03-29T08:00:00Z,2026-03-29T09:00:00Z\n")
    with pytest.raises(duckdb.IOException, match="disk full"):
        load_landing(con, tmp_path, [get_table("acd", "queues"), get_table("acd", "agent_states")])


def test_a_group_whose_record_numbers_do_not_add_up_is_loaded_file_by_file(con, tmp_path, monkeypatch):
    # a group's record numbers come from per-file counts of a first scan; if they ever disagree
    # with the rows read, the files load one by one and every row keeps its true line
    from orchestration.lib import ingest

    monkeypatch.setattr(ingest, "_file_offsets", lambda paths, counts: [[p, 0] for p in paths])
    write(tmp_path, "acd", "agent_states", "d1.csv",
          f"{STATES_HEADER}\na1,available,,2026-03-29T08:00:00Z,2026-03-29T09:00:00Z\n"
          "a1,aux,lunch,2026-03-29T09:00:00Z,2026-03-29T09:30:00Z\n")
    write(tmp_path, "acd", "agent_states", "d2.csv",
          f"{STATES_HEADER}\na2,available,,2026-03-30T08:00:00Z,2026-03-30T09:00:00Z\n"
          "a2,dancing,,2026-03-30T09:00:00Z,2026-03-30T09:30:00Z\n")
    s = load_landing(con, tmp_path, [get_table("acd", "agent_states")])
    assert [(r.rows_read, r.rows_loaded, r.rows_quarantined) for r in s.results] == [(2, 2, 0), (2, 1, 1)]
    rows = con.execute("select _source_file, _source_row, agent_id from raw_acd.agent_states order by 1, 2").fetchall()
    assert [(f.rsplit("/", 1)[1], n, a) for f, n, a in rows] == [("d1.csv", 2, "a1"), ("d1.csv", 3, "a1"), ("d2.csv", 2, "a2")]
    (q,) = quarantine(con)
    assert q[0].endswith("d2.csv") and q[1] == 3 and q[2].startswith("a2,dancing,")
    assert accounting_mismatches(con) == []
