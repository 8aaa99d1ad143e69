"""Dagster's SQLite event log, with one pooled connection per database instead of one per event.

Dagster's stock ``SqliteEventLogStorage`` builds a new SQLAlchemy engine and opens a new SQLite
connection for every statement batch it writes (``NullPool``), and each commit syncs to disk. A
build run writes ~1,500 events (an asset-planned event, a materialization and a check result
per dbt node, the log lines), and profiling a no-op build of the demo showed 56 s of its ~126 s
in ``store_event``: about as long as dbt itself. This subclass keeps a small pool of engines
(one per database file it has touched recently, the run's and the cross-run index) and relaxes
SQLite's ``synchronous`` to NORMAL: a crash can lose the last events of the run history, never
the warehouse (the pipeline's own state, including what was delivered and loaded, lives there).

Everything else (schema, files, watchers the Dagster UI uses) is the stock storage's. Wired in by
the ``event_log_storage`` block of the instance's dagster.yaml (orchestration/cli.py).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS

MAX_ENGINES = 8  # the index shard plus the most recently written runs' shards


def _set_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("pragma synchronous = NORMAL")
    cur.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, sa.engine.Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls):
        from dagster import Field, StringSource

        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # the parent hard-codes its own class
        # default: where the stock storage keeps the run event logs, $DAGSTER_HOME/history/runs/
        base_dir = config_value.get("base_dir") or os.path.join(os.environ["DAGSTER_HOME"], "history", "runs", "")
        return cls(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> sa.engine.Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = sa.create_engine(
            self.conn_string_for_shard(shard),
            poolclass=sa.pool.QueuePool,
            pool_size=1,
            max_overflow=2,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        sa.event.listen(engine, "connect", _set_pragmas)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > MAX_ENGINES:
            _, old = self._engines.popitem(last=False)
            old.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.engine.Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn

    def wipe(self) -> None:  # deletes the run databases: close what points at them first
        self._dispose_engines()
        super().wipe()

    def _dispose_engines(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
