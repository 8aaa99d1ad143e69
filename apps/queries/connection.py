"""Read-only access to the published serving snapshot.

The pipeline publishes ``data/serving/warehouse.duckdb`` by writing a new file and
``os.replace``-ing it over the old one, so nobody ever writes the file the app reads. We open a
short-lived ``read_only`` connection per (cached) query: it costs milliseconds, never holds a
stale handle on a replaced file, and several readers at once are fine. Cached results are keyed
on :func:`snapshot_version` (path, inode, mtime), so a new publish invalidates them at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.settings import get_settings


class SnapshotMissingError(FileNotFoundError):
    """The serving snapshot has not been published yet (run ``make build`` or ``make demo``)."""


@dataclass(frozen=True)
class SnapshotVersion:
    path: str
    inode: int
    mtime_ns: int

    @property
    def published_at(self) -> datetime:
        return datetime.fromtimestamp(self.mtime_ns / 1e9, tz=UTC)


def serving_path() -> Path:
    return get_settings().serving_path


def snapshot_version(path: Path | None = None) -> SnapshotVersion:
    p = Path(path) if path is not None else serving_path()
    try:
        st = p.stat()
    except FileNotFoundError as exc:
        raise SnapshotMissingError(str(p)) from exc
    return SnapshotVersion(path=str(p), inode=st.st_ino, mtime_ns=st.st_mtime_ns)


def snapshot_exists(path: Path | None = None) -> bool:
    p = Path(path) if path is not None else serving_path()
    return p.is_file()


@contextmanager
def connect(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to the serving snapshot."""
    p = Path(path) if path is not None else serving_path()
    if not p.is_file():
        raise SnapshotMissingError(str(p))
    con = duckdb.connect(str(p), read_only=True)
    try:
        yield con
    finally:
        con.close()
