"""Asset key -> suite builder + how to fetch the DataFrame to validate.

Landing suites (``kind == "landing"``) validate the rows of a raw table that came from the
latest *batch* of deliveries, not the whole table, so the cost grows with what arrived, not
with history:

- in Dagster, the batch is every delivery of that table loaded since the run started
  (``since`` = run start, UTC); a run that loaded nothing new for a table validates nothing;
- without ``since`` (ad hoc, tests), the batch is the table's most recent delivery.

Rows are matched to deliveries on (delivery id, source file) in ``raw_meta.deliveries``.
A batch whose deliveries read no rows at all (header-only files) is skipped; a batch that read
rows but loaded none fails the suite's row-count expectation.

Mart suites (``kind == "mart"``) validate a window of the mart's latest ``MART_WINDOW_DAYS``
days (relative to the newest day in the mart, so historic demo data works too); the queue
interval mart is validated as a per-day rollup. An empty mart (a family never delivered) is
skipped, not failed: every family is optional.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

LANDING_SUITES = [
    "raw_acd__calls",
    "raw_acd__agent_states",
    "raw_acd__queues",
    "raw_crm__customers",
    "raw_crm__cases",
    "raw_crm__orders",
    "raw_survey__survey_responses",
    "raw_hr__agents",
    "raw_hr__teams",
    "raw_hr__schedules",
    "raw_hr__timesheets",
    "raw_hr__leave_requests",
    "raw_hr__qa_evaluations",
    "raw_hr__coaching_sessions",
]
MART_SUITES = [
    "fct_queue_intervals",
    "fct_contact_segments",
    "fct_survey_responses",
    "fct_agent_days",
]
MART_SCHEMA = "main"
MART_WINDOW_DAYS = 35
SEGMENT_WINDOW_DAYS = 7  # the segment fact is the big one: validate a week


@dataclass
class Batch:
    """What a suite is run on: the frame, plus a human description of which rows those are."""

    frame: Any  # pandas.DataFrame
    description: str
    delivery_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SuiteEntry:
    name: str  # module name under expectations.suites
    kind: str  # landing | mart
    asset_key: tuple[str, ...]  # landing: (family, table); mart: (model_name,)
    relation: str  # warehouse relation the data comes from
    dbt_unique_id: str  # the dbt node the columns belong to (duplicate-check guard)

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"expectations.suites.{self.name}")

    def build_suite(self):
        return self.module.build_suite()

    def prepare(self, df):
        prep: Callable | None = getattr(self.module, "prepare", None)
        return prep(df) if prep else df

    def fetch_chunks(self, con, since: datetime | None = None, suite=None):
        """The batch in chunks of whole deliveries (landing) or whole (marts), prepared.

        Given the ``suite``, a landing batch carries only the columns it reads (see
        ``landing_columns``) and low-cardinality text as pandas categoricals: GX hashes and
        copies the whole frame per row condition, so both cut its time by 2-3x at volume.
        """
        if self.kind != "landing":
            batch = fetch_mart_frame(con, self.asset_key[-1])
            if batch is not None:
                batch.frame = self.prepare(batch.frame)
                yield batch
            return
        family, table = self.asset_key
        deliveries = landing_deliveries(con, family, table, since)
        if not deliveries or sum(int(r[2] or 0) for r in deliveries) == 0:
            return
        columns = encodable = None
        if suite is not None:
            columns, encodable = landing_columns(
                suite, _table_columns(con, f"raw_{family}", table), self.prepare_reads
            )
        for chunk in landing_chunks(deliveries):
            batch = fetch_landing_frame(con, family, table, chunk, columns, encodable)
            batch.frame = self.prepare(batch.frame)
            yield batch

    @property
    def prepare_reads(self) -> tuple[str, ...]:
        """The raw columns ``prepare`` derives its underscore columns from (``PREPARE_READS``)."""
        return tuple(getattr(self.module, "PREPARE_READS", ()))


def _entry(name: str, kind: str) -> SuiteEntry:
    mod = importlib.import_module(f"expectations.suites.{name}")
    key = tuple(mod.ASSET_KEY)
    if kind == "landing":
        dbt_id = f"source.switchboard.{key[0]}.{key[1]}"
    else:
        dbt_id = f"model.switchboard.{key[-1]}"
    return SuiteEntry(
        name=name, kind=kind, asset_key=key, relation=mod.RELATION, dbt_unique_id=dbt_id
    )


def entries() -> list[SuiteEntry]:
    return [_entry(n, "landing") for n in LANDING_SUITES] + [_entry(n, "mart") for n in MART_SUITES]


def landing_entries() -> list[SuiteEntry]:
    return [e for e in entries() if e.kind == "landing"]


def mart_entries() -> list[SuiteEntry]:
    return [e for e in entries() if e.kind == "mart"]


def get(asset_key: tuple[str, ...] | list[str]) -> SuiteEntry:
    key = tuple(asset_key)
    for e in entries():
        if e.asset_key == key or (e.kind == "mart" and key[-1:] == e.asset_key):
            return e
    raise KeyError(f"no GE suite for asset {key}")


# ---------------------------------------------------------------------------------------------
# fetching
# ---------------------------------------------------------------------------------------------


# A batch larger than this is validated in chunks of whole deliveries (a first load of a year
# of history is 49 million rows: one pandas frame of it would not fit in memory).
LANDING_CHUNK_ROWS = 1_000_000


def landing_deliveries(con, family: str, table: str, since: datetime | None = None) -> list[tuple]:
    """(delivery_id, source_file, rows_read) of the latest batch of deliveries (see module doc)."""
    if since is None:
        row = con.execute(
            "select max(loaded_at) from raw_meta.deliveries where family = ? and table_name = ? and status = 'loaded'",
            [family, table],
        ).fetchone()
        if row is None or row[0] is None:
            return []
        since = row[0]
    return con.execute(
        "select delivery_id, source_file, rows_read from raw_meta.deliveries "
        "where family = ? and table_name = ? and status = 'loaded' and loaded_at >= ? order by loaded_at, source_file",
        [family, table, since],
    ).fetchall()


def landing_chunks(deliveries: list[tuple], max_rows: int | None = None) -> list[list[tuple]]:
    """Consecutive deliveries grouped so that a group reads at most ``max_rows`` (a bigger one alone)."""
    max_rows = LANDING_CHUNK_ROWS if max_rows is None else max_rows
    chunks: list[list[tuple]] = []
    rows = 0
    for d in deliveries:
        n = int(d[2] or 0)
        if chunks and rows + n <= max_rows:
            chunks[-1].append(d)
            rows += n
        else:
            chunks.append([d])
            rows = n
    return chunks


# Expectations that only test a value for null / compare it for equality: a pandas categorical
# behaves exactly like the text column there (row conditions use == / != too). Ordering, range,
# regex and set expectations keep plain text.
_ENCODABLE_USES = {
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_compound_columns_to_be_unique",
}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _table_columns(con, schema: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def landing_columns(
    suite, table_columns: list[str], prepare_reads: tuple[str, ...] = ()
) -> tuple[list[str], set[str]]:
    """(the columns a landing suite reads, those of them safe to encode as categoricals).

    Read: every column an expectation names (column, column_A/B, column_list), every column its
    row condition mentions, the inputs of the suite's ``prepare`` and the file/line lineage the
    failing examples quote; in table order. Encodable: those no expectation tests other than
    for null or key uniqueness (see ``_ENCODABLE_USES``).
    """
    known = set(table_columns)
    wanted: set[str] = {"_delivery_id", "_source_file", "_source_row", *prepare_reads}
    not_encodable: set[str] = set()
    for exp in suite.expectations:
        cfg = exp.configuration
        kwargs = dict(cfg.kwargs)
        named = [kwargs.get(k) for k in ("column", "column_A", "column_B")]
        named += list(kwargs.get("column_list") or [])
        named = [c for c in named if c]
        wanted.update(named)
        if cfg.type not in _ENCODABLE_USES:
            not_encodable.update(named)
        condition = kwargs.get("row_condition")  # a string, or GX's dict form of it
        if condition:
            # any table column the condition's text names (an extra column costs nothing)
            wanted.update(t for t in _IDENTIFIER.findall(str(condition)) if t in known)
    columns = [c for c in table_columns if c in wanted]
    return columns, {c for c in columns if c not in not_encodable and c not in prepare_reads}


def _frame(table, encodable: set[str]):
    """Arrow -> pandas, shaped for GX's fast paths.

    - An encodable text column with at most one distinct value per two rows becomes a
      categorical (hashing and copying it is then per code, not per string).
    - Dates and timestamps become nanosecond datetimes: GX compares only those (and tz-aware
      ones) vectorised, and calls Python once per row on anything else (5 s per million rows).
      A column with a value outside nanosecond range (a 9999-12-31 sentinel) keeps its unit
      and the slow path, so it is still validated.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    arrays = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        kind = col.type
        if (
            name in encodable
            and (pa.types.is_string(kind) or pa.types.is_large_string(kind))
            and pc.count_distinct(col, mode="all").as_py() * 2 <= n
        ):
            col = pc.dictionary_encode(col)
        elif pa.types.is_date(kind) or (pa.types.is_timestamp(kind) and kind.unit != "ns"):
            target = pa.timestamp("ns", tz=getattr(kind, "tz", None))
            try:
                col = col.cast(target) if pa.types.is_timestamp(kind) else col.cast(
                    pa.timestamp("s")
                ).cast(target)
            except pa.ArrowInvalid:
                pass
        arrays.append(col)
    return pa.table(arrays, names=table.column_names).to_pandas()


def fetch_landing_frame(
    con,
    family: str,
    table: str,
    deliveries: list[tuple],
    columns: list[str] | None = None,
    encodable: set[str] | None = None,
) -> Batch:
    """The raw rows of the given deliveries, in file and line order (``columns``: only those)."""
    con.execute("create or replace temp table _gx_batch (delivery_id varchar, source_file varchar)")
    con.executemany("insert into _gx_batch values (?, ?)", [[d[0], d[1]] for d in deliveries])
    select = ", ".join(f"r.{c}" for c in columns) if columns else "r.*"
    rows = con.sql(
        f"""
        select {select} from raw_{family}.{table} r
        where exists (
            select 1 from _gx_batch d where d.delivery_id = r._delivery_id and d.source_file = r._source_file
        )
        order by r._source_file, r._source_row
        """
    ).to_arrow_table()
    con.execute("drop table if exists _gx_batch")
    frame = _frame(rows, encodable or set())
    files = sorted({r[1] for r in deliveries})
    shown = ", ".join(files[:5]) + (f" (+{len(files) - 5} more)" if len(files) > 5 else "")
    return Batch(
        frame=frame,
        description=f"{len(frame)} row(s) of raw_{family}.{table} from {len(deliveries)} delivery(ies): {shown}",
        delivery_ids=[r[0] for r in deliveries],
    )


QUEUE_DAY_SQL = f"""
with daily as (
    select
        interval_date,
        count(*) as interval_rows,
        count(distinct queue_id) as queues,
        max(interval_minutes) as interval_minutes,
        sum(offered) as offered,
        sum(abandoned) as abandoned,
        sum(handled) as handled,
        sum(handle_seconds) as handle_seconds,
        avg(case when site_id is null then 1.0 else 0.0 end) as site_id_null_share
    from {MART_SCHEMA}.fct_queue_intervals
    where interval_date > (select max(interval_date) from {MART_SCHEMA}.fct_queue_intervals) - {MART_WINDOW_DAYS}
    group by interval_date
)
select
    interval_date,
    interval_rows,
    queues,
    offered,
    abandoned,
    handled,
    interval_rows / (queues * 1440.0 / coalesce(nullif(interval_minutes, 0), 30)) as row_ratio,
    abandoned / nullif(offered, 0) as abandon_rate,
    handle_seconds / nullif(handled, 0) as aht_seconds,
    offered / nullif(median(offered) over (), 0) as offered_vs_median,
    site_id_null_share
from daily
order by interval_date
"""


def _window_sql(model: str, date_column: str, days: int) -> str:
    return (
        f"select * from {MART_SCHEMA}.{model} where {date_column} > "
        f"(select max({date_column}) from {MART_SCHEMA}.{model}) - {days}"
    )


MART_SQL = {
    "fct_queue_intervals": (QUEUE_DAY_SQL, f"per-day rollup of the last {MART_WINDOW_DAYS} days"),
    "fct_contact_segments": (
        _window_sql("fct_contact_segments", "interval_date", SEGMENT_WINDOW_DAYS),
        f"segments of the last {SEGMENT_WINDOW_DAYS} days",
    ),
    "fct_survey_responses": (
        _window_sql("fct_survey_responses", "sent_date", MART_WINDOW_DAYS),
        f"surveys sent in the last {MART_WINDOW_DAYS} days",
    ),
    "fct_agent_days": (
        _window_sql("fct_agent_days", "activity_date", MART_WINDOW_DAYS),
        f"agent days of the last {MART_WINDOW_DAYS} days",
    ),
}


def fetch_mart_frame(con, model: str) -> Batch | None:
    sql, what = MART_SQL[model]
    frame = con.execute(sql).df()
    if frame.empty:
        return None
    return Batch(frame=frame, description=f"{len(frame)} row(s) of {model}: {what}")
