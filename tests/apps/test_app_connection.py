"""The app's read-only access to the snapshot (apps.queries.connection): each published file is
opened once per process, every query gets a cursor of it, and a new publish (a new file swapped
in with os.replace) is read by the next query while a running one finishes on the old file."""

from __future__ import annotations

import os

import duckdb
import pytest

from apps.queries import connection


def publish(path, n: int) -> None:
    """What the pipeline does: write a new file, then rename it over the snapshot."""
    tmp = path.with_name(path.name + ".tmp")
    with duckdb.connect(str(tmp)) as con:
        con.execute("create table main.t as select range as i from range(?)", [n])
    os.replace(tmp, path)


def test_queries_share_one_database_per_published_file(tmp_path, monkeypatch):
    snap = tmp_path / "marts.duckdb"
    publish(snap, 3)
    opened = []
    real = connection._attach
    monkeypatch.setattr(connection, "_attach", lambda *a: opened.append(a) or real(*a))
    for _ in range(3):
        with connection.connect(snap) as con:
            # the file's own catalog: unqualified and schema-qualified names resolve in it
            assert con.execute("select count(*) from t").fetchone()[0] == 3
            assert con.execute("select count(*) from main.t").fetchone()[0] == 3
    # SQL compiled against a file of the same stem names the catalog it is attached under
    with connection.connect(snap, {"marts"}) as con:
        assert con.execute("select count(*) from marts.main.t").fetchone()[0] == 3
    assert len(opened) == 1
    # SQL compiled against a file of another stem names that catalog: a database of its own
    with connection.connect(snap, {"warehouse"}) as con:
        assert con.execute("select count(*) from warehouse.main.t").fetchone()[0] == 3
    assert len(opened) == 2


def test_a_new_publish_is_read_by_the_next_query_and_a_running_one_keeps_the_old_file(tmp_path):
    snap = tmp_path / "marts.duckdb"
    publish(snap, 3)
    running = connection.cursor(snap)
    assert running.execute("select count(*) from t").fetchone()[0] == 3
    publish(snap, 7)
    with connection.connect(snap) as con:
        assert con.execute("select count(*) from t").fetchone()[0] == 7
    assert running.execute("select count(*) from t").fetchone()[0] == 3  # the old file, whole
    running.close()
    publish(snap, 9)  # the old files' databases are gone: nothing holds the replaced files
    with connection.connect(snap) as con:
        assert con.execute("select count(*) from t").fetchone()[0] == 9


def test_a_snapshot_read_by_the_app_can_be_rewritten_in_place_once_released(tmp_path):
    snap = tmp_path / "marts.duckdb"
    publish(snap, 3)
    with connection.connect(snap) as con:
        con.execute("select count(*) from t").fetchone()
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(snap))  # still attached read-only in this process
    connection.release_databases()
    with duckdb.connect(str(snap)) as con:
        con.execute("insert into t values (100)")


def test_no_snapshot_yet_is_a_clear_error(tmp_path):
    with pytest.raises(connection.SnapshotMissingError, match="marts.duckdb"):
        with connection.connect(tmp_path / "marts.duckdb"):
            pass


def _open_files_named(path) -> list[str]:
    """The files this process holds open whose name is ``path`` (a replaced file: '... (deleted)')."""
    fds = "/proc/self/fd"
    out = []
    for fd in os.listdir(fds):
        try:
            target = os.readlink(os.path.join(fds, fd))
        except OSError:
            continue
        if target.startswith(str(path)) and not target.startswith(str(path) + "."):
            out.append(target)
    return out


def test_a_replaced_file_is_let_go_without_a_query(tmp_path):
    """An idle server must not hold a file that was published over: release_replaced (run every
    SWEEP_SECONDS in the background) drops its database, and the file is closed."""
    snap = tmp_path / "marts.duckdb"
    publish(snap, 3)
    with connection.connect(snap) as con:
        assert con.execute("select count(*) from t").fetchone()[0] == 3
    assert connection.release_replaced() == 0  # still the published file: kept open
    assert _open_files_named(snap) == [str(snap)]
    publish(snap, 7)
    assert _open_files_named(snap) == [f"{snap} (deleted)"]  # the replaced file, still held
    assert connection.release_replaced() == 1
    assert _open_files_named(snap) == []
    with connection.connect(snap) as con:  # the next query opens the new file
        assert con.execute("select count(*) from t").fetchone()[0] == 7


def test_a_query_running_when_the_file_is_let_go_finishes_on_it(tmp_path):
    snap = tmp_path / "marts.duckdb"
    publish(snap, 3)
    running = connection.cursor(snap)
    publish(snap, 7)
    assert connection.release_replaced() == 1
    assert running.execute("select count(*) from t").fetchone()[0] == 3
    running.close()
    assert _open_files_named(snap) == []


def test_the_sweeps_run_in_the_background(tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(connection, "SWEEP_SECONDS", 0.05)
    monkeypatch.setattr(connection, "_SWEEPER", None)
    snap = tmp_path / "marts.duckdb"
    publish(snap, 3)
    with connection.connect(snap) as con:
        con.execute("select 1").fetchone()
    publish(snap, 7)
    deadline = time.monotonic() + 10
    while _open_files_named(snap) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _open_files_named(snap) == []
