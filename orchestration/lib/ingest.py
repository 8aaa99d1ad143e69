"""Load landing CSV deliveries into the raw schemas of the warehouse, losing nothing.

Plain functions, no Dagster: the ingestion asset is a thin wrapper over `load_landing`.

For each delivered file (``<landing>/<family>/<table>/<anything>.csv``):

1. The file's SHA-256 is its delivery id. A delivery already loaded for that table is a no-op,
   so running the loader twice changes nothing. A file whose path, size and modification time
   equal those of a loaded delivery is that delivery: it is skipped without being read again,
   so a run's cost follows what is new, not the size of the landing folder.
2. The header is checked against the contract: a missing required column rejects the whole
   file (nothing of it is loaded; the error names the file and the columns). Unknown extra
   columns are ignored, with a warning recorded on the delivery.
3. DuckDB's native CSV reader reads every field as text (no Python row loop). Records it
   cannot parse (wrong field count, invalid UTF-8) are captured by its rejects table.
4. Each field is cast to its contract type; a record with an empty required field, an
   unparseable value, a timestamp without a UTC offset, a value outside the allowed set or the
   plausible range, goes to ``raw_meta.quarantine`` with file, line number, raw content and
   reason. Exact duplicate records within a delivery are loaded once and counted.
5. Rows, quarantine and the delivery record are written in ONE transaction, after an
   accounting check: rows read = rows loaded + rows quarantined + exact duplicates. A process
   killed mid-load leaves no partial delivery.

If a file at the same path is delivered again with different content, it replaces the rows
that path loaded before (same transaction). Corrections delivered under a new file name are
resolved downstream: staging keeps the latest version of each key.
"""

from __future__ import annotations

import codecs
import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.contracts import Column, Table, load_contract
from orchestration.lib.faults import failpoint

META_SCHEMA = "raw_meta"
LINEAGE_DDL = "_source_file VARCHAR, _source_row BIGINT, _delivery_id VARCHAR, _loaded_at TIMESTAMP"

DELIVERIES_DDL = f"""
create table if not exists {META_SCHEMA}.deliveries (
    delivery_id VARCHAR,
    family VARCHAR,
    table_name VARCHAR,
    source_file VARCHAR,
    size_bytes BIGINT,
    status VARCHAR,            -- loaded | rejected
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    rows_duplicate BIGINT,
    message VARCHAR,
    loaded_at TIMESTAMP,
    load_seconds DOUBLE,
    file_mtime_ns BIGINT       -- with size_bytes: a known file is skipped without re-hashing it
)"""

QUARANTINE_DDL = f"""
create table if not exists {META_SCHEMA}.quarantine (
    delivery_id VARCHAR,
    family VARCHAR,
    table_name VARCHAR,
    source_file VARCHAR,
    line_number BIGINT,
    raw_line VARCHAR,
    reason VARCHAR,
    quarantined_at TIMESTAMP
)"""

# a time of day then its UTC offset, at the end (a bare date such as 2026-03-29 must not pass
# for a time at offset -29)
_OFFSET_RE = "[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)? ?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"
_TRUE = ("true", "t", "1")
_FALSE = ("false", "f", "0")


class DeliveryRejected(Exception):
    """A whole file could not be loaded (e.g. a required column is missing)."""


@dataclass
class DeliveryResult:
    family: str
    table: str
    source_file: str
    delivery_id: str
    status: str  # loaded | skipped | rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    replaced_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0


@dataclass
class LoadSummary:
    results: list[DeliveryResult] = field(default_factory=list)

    def by_status(self, status: str) -> list[DeliveryResult]:
        return [r for r in self.results if r.status == status]

    @property
    def rejected(self) -> list[DeliveryResult]:
        return self.by_status("rejected")

    def totals(self) -> dict[str, int]:
        loaded = self.by_status("loaded")
        return {
            "files_loaded": len(loaded),
            "files_skipped": len(self.by_status("skipped")),
            "files_rejected": len(self.rejected),
            "rows_read": sum(r.rows_read for r in loaded),
            "rows_loaded": sum(r.rows_loaded for r in loaded),
            "rows_quarantined": sum(r.rows_quarantined for r in loaded),
            "rows_duplicate": sum(r.rows_duplicate for r in loaded),
        }


# ---------------------------------------------------------------------------------------------
# schema
# ---------------------------------------------------------------------------------------------


def raw_table_ddl(table: Table) -> str:
    cols = ", ".join(f'"{c.name}" {c.duckdb_type}' for c in table.columns)
    return f"create table if not exists {table.raw_relation} ({cols}, {LINEAGE_DDL})"


# Tables earlier versions wrote that nothing maintains any more: left in place they would look
# like data to an analyst and go stale. The forecast and staffing tables were Dagster assets in
# schema `staffing` until the dbt Python models of models/intermediate/staffing replaced them.
RETIRED_TABLES = (
    ("staffing", "forecast_intervals"),
    ("staffing", "forecast_accuracy"),
    ("staffing", "staffing_intervals"),
)


def drop_retired_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the RETIRED_TABLES, and their schema once nothing else is in it (without CASCADE the
    database refuses to drop a schema that still holds a user's own table or view: kept)."""
    for schema, name in RETIRED_TABLES:
        con.execute(f'drop table if exists "{schema}"."{name}"')
    for schema in sorted({schema for schema, _ in RETIRED_TABLES}):
        try:
            con.execute(f'drop schema if exists "{schema}"')
        except duckdb.DependencyException:
            pass


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, tables: Iterable[Table] | None = None) -> None:
    """Create every raw table of the contract (empty if never delivered) and the meta tables;
    drop the tables earlier versions wrote that nothing maintains (RETIRED_TABLES)."""
    tables = load_contract() if tables is None else tables
    drop_retired_tables(con)
    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(DELIVERIES_DDL)
    # warehouses created before the column existed
    con.execute(f"alter table {META_SCHEMA}.deliveries add column if not exists file_mtime_ns BIGINT")
    con.execute(QUARANTINE_DDL)
    for t in tables:
        con.execute(f"create schema if not exists {t.raw_schema}")
        con.execute(raw_table_ddl(t))


# ---------------------------------------------------------------------------------------------
# discovery
# ---------------------------------------------------------------------------------------------


def landing_files(landing_dir: Path, table: Table) -> list[Path]:
    folder = Path(landing_dir) / table.family / table.name
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_header(path: Path) -> list[str] | None:
    """The header's column names (BOM and CRLF tolerated), or None for an empty file."""
    with open(path, "rb") as f:
        first = f.readline()
    if not first.strip():
        return None
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8) :]
    text = first.decode("utf-8", errors="replace").strip("\r\n")
    return [h.strip().strip('"').strip().lower() for h in text.split(",")]


# ---------------------------------------------------------------------------------------------
# casting and validation, as SQL over an all-text staging relation
# ---------------------------------------------------------------------------------------------


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _typed_expr(c: Column, src: str, number: str | None = None) -> str:
    """The typed value of column c from its text ``src`` (NULL when empty or not of the type).

    Every row is cast once, so the common shapes take a fast path: a timestamp in the
    ``YYYY-MM-DDTHH:MM:SS+HH:MM`` form is parsed by ``strptime`` (no trim, no pattern match, no
    time-zone conversion); only the rest take the general path below. Numbers are cast without a
    trim (DuckDB's number casts skip surrounding spaces). At 10 M agent states this cut the
    typed copy of a load by about half (``trim`` of a 25-character timestamp alone cost more
    than parsing it). ``number``: for an integer column, a reference to ``try_cast(src as
    double)`` computed a level down (it is read three times).
    """
    v = f"nullif(trim({src}), '')"
    if c.type == "string":
        return v
    if c.type == "integer":
        # whole numbers only: '12.0' is accepted, '12.5' is not (a cast to bigint would round it)
        d = number or f"try_cast({src} as double)"
        return f"case when {d} = floor({d}) then try_cast({d} as bigint) end"
    if c.type == "decimal":
        return f"try_cast({src} as double)"
    if c.type == "boolean":
        return (
            f"case when lower({v}) in ({', '.join(map(_q, _TRUE))}) then true "
            f"when lower({v}) in ({', '.join(map(_q, _FALSE))}) then false end"
        )
    if c.type == "yesno":
        return f"case when lower({v}) in ('yes', 'y') then true when lower({v}) in ('no', 'n') then false end"
    if c.type == "date":
        return f"coalesce(try_cast({src} as date), try_cast({v} as date))"
    if c.type == "timestamp":
        # the UTC instant as a plain timestamp; any other ISO 8601 form with an offset goes the
        # general way (a value without an offset is not a point in time: NULL, quarantined)
        return (
            f"coalesce(make_timestamp(epoch_us(try_strptime({src}, '%Y-%m-%dT%H:%M:%S%z'))), "
            f"case when regexp_matches({v}, {_q(_OFFSET_RE)}) "
            f"then cast(timezone('UTC', try_cast({v} as timestamptz)) as timestamp) end)"
        )
    raise ValueError(c.type)


def _problem_exprs(c: Column, src: str, typed: str, present: bool) -> list[str]:
    """SQL expressions that evaluate to a reason text (or NULL) for column c.

    ``src`` is the column's text, ``typed`` its value from ``_typed_expr`` (computed once, below
    these expressions). A CASE evaluates the text (trimmed, for the message) only for the rows
    that fail its test.
    """
    name = c.name
    v = f"nullif(trim({src}), '')"
    out: list[str] = []
    if not present:
        return out  # missing optional column: all NULL, nothing to check
    if not c.nullable:
        # (a typed value that is NULL may be an empty text or a value not of the type)
        empty = f"{typed} is null" if c.type == "string" else f"{typed} is null and {v} is null"
        out.append(f"case when {empty} then {_q(name + ': required value is empty')} end")
    if c.type != "string":
        hint = {
            "integer": "not a whole number",
            "decimal": "not a number",
            "boolean": "not true/false",
            "yesno": "not yes/no",
            "date": "not a date (YYYY-MM-DD)",
            "timestamp": "not an ISO 8601 timestamp with a UTC offset",
        }[c.type]
        out.append(
            f"case when {typed} is null and {v} is not null "
            f"then {_q(name + ': ')} || {v} || {_q(' is ' + hint)} end"
        )
    if c.allowed:
        allowed = ", ".join(map(_q, c.allowed))
        value = typed if c.type == "string" else v
        out.append(
            f"case when {value} is not null and lower({value}) not in ({allowed}) "
            f"then {_q(name + ': ')} || {v} || {_q(' is not one of ' + '|'.join(c.allowed))} end"
        )
    if c.min is not None:
        out.append(
            f"case when {typed} < {c.min} then {_q(name + ': ')} || {v} || {_q(f' is below {c.min}')} end"
        )
    if c.max is not None:
        out.append(
            f"case when {typed} > {c.max} then {_q(name + ': ')} || {v} || {_q(f' is above {c.max}')} end"
        )
    return out


def _row_rule_exprs(table: Table, present: set[str], typed: Callable[[str], str]) -> list[str]:
    """Cross-column hard rules of a row (in addition to per-column ones), on the typed values
    (``typed(name)`` is the reference to a column's)."""
    rules: list[str] = []
    names = set(table.column_names)
    for start, end in (
        ("started_at", "ended_at"), ("starts_at", "ends_at"), ("entered_queue_at", "ended_at"), ("starts_on", "ends_on"),
    ):
        if {start, end} <= names and {start, end} <= present:
            rules.append(f"case when {typed(end)} < {typed(start)} then {_q(f'{end} is before {start}')} end")
    return rules


# ---------------------------------------------------------------------------------------------
# loading one file
# ---------------------------------------------------------------------------------------------


def _relative(path: Path, landing_dir: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(landing_dir).resolve()))
    except ValueError:
        return str(path)


def _bytes_at(path: Path, offsets: list[int]) -> list[str]:
    """The raw line DuckDB reported at each line byte position, decoded leniently for display.

    DuckDB's rejects table points one byte past the line start for LF files and at the line
    start for CRLF files, so read from two bytes before and start after the newline found there.
    """
    out = []
    with open(path, "rb") as f:
        for off in offsets:
            start = max(0, off - 2)
            f.seek(start)
            chunk = f.readline() if start == 0 else b""
            if start:
                lead = f.read(3)
                nl = lead.find(b"\n")
                f.seek(start + nl + 1 if nl >= 0 else off - 1)
                chunk = f.readline()
            out.append(chunk.rstrip(b"\r\n").decode("utf-8", errors="backslashreplace"))
    return out


def _csv_field_expr(col: str) -> str:
    """SQL re-serializing a text field as CSV (quoted when it needs to be)."""
    return (
        f"case when {col} is null then '' "
        f"when regexp_matches({col}, '[,\"\\r\\n]') then '\"' || replace({col}, '\"', '\"\"') || '\"' "
        f"else {col} end"
    )


def _text_columns_spec(n: int) -> str:
    return "{" + ", ".join(f"{_q(f'c{i}')}: 'VARCHAR'" for i in range(n)) + "}"


def _read_text_native(con: duckdb.DuckDBPyConnection, path: Path, n: int) -> list[tuple[int, str, str]]:
    """Fill temp table _ingest_text (c0..c{n-1} text, _rn record number) with DuckDB's reader.

    Returns the rejected records as (line, reason, raw text).
    """
    con.execute("drop table if exists _ingest_rejects; drop table if exists _ingest_scans")
    con.execute(
        f"""
        create or replace temp table _ingest_text as
        select *, row_number() over () as _rn
        from read_csv({_q(str(path))}, header = true, delim = ',', quote = '"', escape = '"',
                      columns = {_text_columns_spec(n)}, store_rejects = true,
                      rejects_table = '_ingest_rejects', rejects_scan = '_ingest_scans',
                      auto_detect = false, parallel = false, max_line_size = 4194304)
        """
    )
    # One reason per broken record (DuckDB reports one error per missing field); its raw bytes
    # are read back from the file at the reported offset so quarantine shows the real content.
    rows = con.execute(
        "select line, arg_min(error_type || ' (' || error_message || ')', column_idx), "
        "min(line_byte_position) from _ingest_rejects group by line order by line"
    ).fetchall()
    raws = _bytes_at(path, [int(r[2]) for r in rows])
    return [(int(ln), why, raw) for (ln, why, _), raw in zip(rows, raws, strict=True)]


def _read_text_by_line(con: duckdb.DuckDBPyConnection, path: Path, n: int) -> list[tuple[int, str, str]]:
    """Fallback reader for files DuckDB's parser rejects as a whole: one record per line."""
    import csv

    good: list[list] = []
    rejects: list[tuple[int, str, str]] = []
    data = path.read_bytes()
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for i, raw in enumerate(lines[1:], start=2):
        display = raw.decode("utf-8", errors="backslashreplace")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            rejects.append((i, "INVALID ENCODING (not UTF-8)", display))
            continue
        try:
            fields = next(csv.reader([text], strict=True), [])
        except csv.Error as e:
            rejects.append((i, f"UNPARSEABLE ({e})", display))
            continue
        if len(fields) != n:
            kind = "MISSING COLUMNS" if len(fields) < n else "TOO MANY COLUMNS"
            rejects.append((i, f"{kind} (Expected Number of Columns: {n} Found: {len(fields)})", display))
            continue
        good.append([*fields, i - 1])
    cols = ", ".join(f"c{i} VARCHAR" for i in range(n))
    con.execute(f"create or replace temp table _ingest_text ({cols}, _rn BIGINT)")
    if good:
        con.executemany(f"insert into _ingest_text values ({', '.join('?' * (n + 1))})", good)
    # _rn must count parsed records only, in order (rejected ones are re-inserted by line number)
    con.execute(
        "create or replace temp table _ingest_text as "
        "select * exclude (_rn), row_number() over (order by _rn) as _rn from _ingest_text"
    )
    return rejects


@dataclass
class _Delivery:
    """One file of a load group, after the checks that need no reading of its rows."""

    path: Path
    rel: str
    size: int
    mtime_ns: int
    delivery_id: str
    result: DeliveryResult


# A group of clean files of one table is read and written in one pass (one CSV scan, one
# transaction): per-file statements and commits, not rows, dominate the cost of small daily
# files. Groups are bounded so one transaction stays a modest share of memory.
GROUP_MAX_FILES = 64
GROUP_MAX_BYTES = 256 * 1024 * 1024


def load_file(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    path: Path,
    landing_dir: Path,
) -> DeliveryResult:
    """Load one delivered file into its raw table. See the module docstring for the rules."""
    return load_files(con, table, [Path(path)], landing_dir)[0]


def load_files(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    paths: list[Path],
    landing_dir: Path,
) -> list[DeliveryResult]:
    """Load delivered files of one table, one result per path, in order.

    Files with the same header are read together when the whole group parses cleanly (no
    record DuckDB's reader rejects) and none of them replaces an earlier delivery of its path;
    otherwise, and always for a single file, each file is loaded on its own (with the rejects
    and the line-by-line fallback). Either way every file is its own delivery with its own
    accounting, quarantine and delivery record.
    """
    out: dict[int, DeliveryResult] = {}
    todo: list[tuple[int, _Delivery, list[str]]] = []
    known = _Known.read(con, table)
    for i, path in enumerate(paths):
        d = _prepare(table, Path(path), landing_dir, known)
        if isinstance(d, DeliveryResult):
            out[i] = d
        else:
            header = _read_header(d.path)
            problem = _header_problem(table, d.rel, header)
            if problem:
                out[i] = _reject(con, table, d, problem)
            else:
                todo.append((i, d, header))
    group: list[tuple[int, _Delivery, list[str]]] = []

    def flush() -> None:
        if not group:
            return
        results = _load_group(con, table, [d for _, d, _ in group], group[0][2]) if len(group) > 1 else None
        if results is None:  # one file, or a group that must be loaded file by file
            results = [_load_group(con, table, [d], h) for _, d, h in group]
            results = [r[0] for r in results]
        for (i, _, _), r in zip(group, results, strict=True):
            out[i] = r
        group.clear()

    for item in todo:
        if group and (
            item[2] != group[0][2]
            or len(group) >= GROUP_MAX_FILES
            or sum(d.size for _, d, _ in group) + item[1].size > GROUP_MAX_BYTES
        ):
            flush()
        group.append(item)
    flush()
    return [out[i] for i in range(len(paths))]


@dataclass(frozen=True)
class _Known:
    """A table's loaded deliveries, read once per load: a day's run looks up every landing file
    of the history (4,240 at a year), and one query per file cost ~1 ms each (3.8 s)."""

    by_stat: dict[tuple[str, int, int], str]  # (source_file, size, mtime_ns) -> delivery_id
    ids: frozenset[str]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, table: Table) -> _Known:
        rows = con.execute(
            f"select source_file, size_bytes, file_mtime_ns, delivery_id from {META_SCHEMA}.deliveries "
            "where family = ? and table_name = ? and status = 'loaded'",
            [table.family, table.name],
        ).fetchall()
        return cls({(f, size, mtime): d for f, size, mtime, d in rows}, frozenset(r[3] for r in rows))


def _prepare(table: Table, path: Path, landing_dir: Path, known: _Known) -> _Delivery | DeliveryResult:
    """Skip a file already loaded (by path, size and mtime without reading it; else by hash)."""
    rel = _relative(path, landing_dir)
    stat = path.stat()
    same_file = known.by_stat.get((rel, stat.st_size, stat.st_mtime_ns))
    if same_file:
        return DeliveryResult(
            table.family, table.name, rel, same_file, status="skipped",
            message="already loaded (same path, size and modification time)",
        )
    delivery_id = file_sha256(path)
    if delivery_id in known.ids:
        return DeliveryResult(
            table.family, table.name, rel, delivery_id, status="skipped",
            message="already loaded (same content)",
        )
    result = DeliveryResult(table.family, table.name, rel, delivery_id, status="loaded")
    return _Delivery(path, rel, stat.st_size, stat.st_mtime_ns, delivery_id, result)


def _header_problem(table: Table, rel: str, header: list[str] | None) -> str | None:
    if header is None:
        return f"{rel}: the file is empty (no header row)"
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        return f"{rel}: duplicate column(s) in the header: {', '.join(dupes)}"
    missing = [c for c in table.required_columns if c not in header]
    if missing:
        return (
            f"{rel}: missing required column(s) {', '.join(missing)} "
            f"(header has: {', '.join(header)}); nothing of this file was loaded"
        )
    return None


def _reject(con, table: Table, d: _Delivery, message: str) -> DeliveryResult:
    r = d.result
    r.status = "rejected"
    r.message = message
    con.execute(
        f"insert into {META_SCHEMA}.deliveries values (?, ?, ?, ?, ?, 'rejected', 0, 0, 0, 0, ?, "
        "cast(timezone('UTC', now()) as timestamp), ?, ?)",
        [d.delivery_id, table.family, table.name, d.rel, d.size, message, r.seconds, d.mtime_ns],
    )
    return r


def _read_group_native(con: duckdb.DuckDBPyConnection, deliveries: list[_Delivery], n: int) -> dict[str, int] | None:
    """Define _ingest_text (c0.., _file, _rn per file) over several files read in one scan.

    Returns each file's record count, or None when DuckDB cannot parse a file as a whole: the
    files are then loaded one by one, where rejected records are quarantined.

    _ingest_text is a view: the typed copy reads the files through it once, with no text copy
    in between (a text copy of every row was about a third of a load); only a group with a
    quarantined row reads it again (for the rows' raw text). ``_group_read_holds`` checks
    what the read gave, after it.

    A record's number in its file is its number in the scan (files in order, records in file
    order: ``parallel = false``) minus the records of the files before it, counted first (a
    scan that parses but keeps no column: ~0.3 s for 1.7 M calls rows). A window partitioned by
    file sorted every row: 0.7-0.8 s more per group of 64 files.
    """
    con.execute("drop table if exists _ingest_rejects; drop table if exists _ingest_scans")
    paths = [str(d.path) for d in deliveries]
    files = "[" + ", ".join(_q(p) for p in paths) + "]"
    options = (
        "header = true, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {_text_columns_spec(n)}, auto_detect = false, parallel = false, "
        "max_line_size = 4194304, filename = true"
    )
    try:
        counts = dict(
            con.execute(f"select filename, count(*) from read_csv({files}, {options}) group by filename").fetchall()
        )
    except duckdb.Error:
        return None
    con.execute("create or replace temp table _ingest_offsets (_file varchar, _offset bigint)")
    con.executemany("insert into _ingest_offsets values (?, ?)", _file_offsets(paths, counts))
    con.execute(
        f"""
        create or replace temp view _ingest_text as
        select s.* exclude (filename, _grn), s.filename as _file, s._grn - o._offset as _rn
        from (
            select *, row_number() over () as _grn
            from read_csv({files}, {options}, store_rejects = true,
                          rejects_table = '_ingest_rejects', rejects_scan = '_ingest_scans')
        ) as s
        join _ingest_offsets as o on o._file = s.filename
        """
    )
    return {p: int(c) for p, c in counts.items()}


def _group_read_holds(con: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> bool:
    """After the typed copy of a group: DuckDB rejected no record, and each file's record numbers
    run 1..its count (they are lineage; otherwise the files load one by one)."""
    if con.execute("select count(*) from _ingest_rejects").fetchone()[0]:
        return False
    numbered = {
        f: (n, lo, hi)
        for f, n, lo, hi in con.execute(
            "select _file, count(*), min(_rn), max(_rn) from _ingest_checked group by _file"
        ).fetchall()
    }
    return numbered == {p: (n, 1, n) for p, n in counts.items() if n}


def _file_offsets(paths: list[str], counts: dict[str, int]) -> list[list]:
    """[path, records of the files before it] for each path of a group, in scan order."""
    offsets, before = [], 0
    for p in paths:
        offsets.append([p, before])
        before += int(counts.get(p, 0))
    return offsets


def _earlier_rows(con: duckdb.DuckDBPyConnection, table: Table, rels: list[str]) -> bool:
    """Whether an earlier delivery of one of these files left rows in the raw table.

    Asked of the delivery log, not the raw table: a raw table's rows of a file are exactly the
    rows_loaded of that file's delivery with status 'loaded' (the load, the replacement and the
    accounting check keep it so), and scanning a year's raw table for a file name costs a
    fraction of a second per file (30 M agent-state rows), which a daily run should not pay.
    """
    marks = ", ".join("?" for _ in rels)
    return con.execute(
        f"select count(*) from {META_SCHEMA}.deliveries where family = ? and table_name = ? "
        f"and status = 'loaded' and rows_loaded > 0 and source_file in ({marks})",
        [table.family, table.name, *rels],
    ).fetchone()[0] > 0


def _load_group(
    con: duckdb.DuckDBPyConnection, table: Table, deliveries: list[_Delivery], header: list[str]
) -> list[DeliveryResult] | None:
    """Load files that share ``header`` in one pass; None if the group must be split."""
    t0 = time.perf_counter()
    single = len(deliveries) == 1
    rels = [d.rel for d in deliveries]
    if not single:
        if _earlier_rows(con, table, rels):
            return None
    warnings: list[str] = []
    extra = [h for h in header if h not in table.column_names]
    absent_optional = [c for c in table.column_names if c not in header]
    present = set(header) & set(table.column_names)

    # Read every field as text with DuckDB's native reader; broken records go to its rejects
    # table. A file the reader cannot parse at all (e.g. mixed line endings) is read line by line.
    rejects: list[tuple[int, str, str]] = []
    if single:
        d = deliveries[0]
        try:
            rejects = _read_text_native(con, d.path, len(header))
        except duckdb.Error as e:
            warnings.append(
                f"{d.rel}: the CSV reader could not parse the file as a whole ({str(e).splitlines()[0]}); "
                "read it line by line instead (records may not span lines)"
            )
            rejects = _read_text_by_line(con, d.path, len(header))
        con.execute(f"alter table _ingest_text add column _file varchar default {_q(str(d.path))}")
    else:
        group_counts = _read_group_native(con, deliveries, len(header))
        if group_counts is None:
            _drop_temp(con)
            return None
    reject_lines = [ln for ln, _, _ in rejects]

    # Name the text columns after the header (contract columns only).
    select_cols = [f'c{i} as "{h}"' for i, h in enumerate(header) if h in table.column_names]
    select_cols += [f'cast(null as varchar) as "{c}"' for c in absent_optional]
    # The record's line number (header = line 1), numbered like DuckDB's rejects: records in
    # file order, with rejected records between parsed ones. It is the physical line unless an
    # earlier record holds a quoted line break.
    raw_record = " || ',' || ".join(_csv_field_expr(f"t.c{i}") for i in range(len(header)))
    # a view unless line numbers must be shifted (a copy of every row costs ~5% of a load)
    con.execute(
        f"""
        create or replace temp {'table' if reject_lines else 'view'} _ingest_rows as
        select {', '.join(select_cols)}, 1 + _rn as _line, _rn, _file
        from _ingest_text
        """
    )
    if reject_lines:
        # shift record numbers past the rejected records that precede them
        con.execute("create or replace temp table _ingest_rej_adj (adj bigint)")
        con.executemany(
            "insert into _ingest_rej_adj values (?)", [[ln - i] for i, ln in enumerate(reject_lines)]
        )
        con.execute(
            "update _ingest_rows set _line = _line + "
            "(select count(*) from _ingest_rej_adj where adj <= _ingest_rows._line)"
        )

    # Each column's typed value is computed once (_t0, _t1, ... one level down; an integer's
    # number one more level down) and the checks and the output read it.
    t_ref = {c.name: f'"_t{i}"' for i, c in enumerate(table.columns)}
    numbers = ", ".join(
        f'try_cast("{c.name}" as double) as "_d{i}"' for i, c in enumerate(table.columns) if c.type == "integer"
    )
    typed_exprs = ", ".join(
        _typed_expr(c, f'"{c.name}"', f'"_d{i}"' if c.type == "integer" else None) + f" as {t_ref[c.name]}"
        for i, c in enumerate(table.columns)
    )
    problems: list[str] = []
    for c in table.columns:
        problems += _problem_exprs(c, f'"{c.name}"', t_ref[c.name], c.name in present)
    problems += _row_rule_exprs(table, present, t_ref.__getitem__)
    reason_expr = f"concat_ws('; ', {', '.join(problems)})" if problems else "''"
    casts = ", ".join(f'{t_ref[c.name]} as "{c.name}"' for c in table.columns)
    typed = ", ".join(f'"{c}"' for c in table.column_names)
    # _copy numbers the exact copies of a record within its file (1 = the first). Only records
    # whose row hash repeats within the file are compared value by value: a window over every
    # column of every row took ~40% of a load.
    con.execute(
        f"""
        create or replace temp table _ingest_checked as
        select *, hash(_file, {typed}) as _h, cast(1 as bigint) as _copy
        from (
            select {casts}, _line, _rn, _file, nullif({reason_expr}, '') as _reason
            from (
                select *, {typed_exprs}
                from (select *{', ' + numbers if numbers else ''} from _ingest_rows)
            )
        )
        """
    )
    if not single and not _group_read_holds(con, group_counts):
        _drop_temp(con)
        return None
    con.execute(
        f"""
        create or replace temp table _ingest_dups as
        select _file, _line, row_number() over (partition by _file, {typed} order by _line) as _copy
        from _ingest_checked
        where (_file, _h) in (
            select _file, _h from _ingest_checked group by _file, _h having count(*) > 1
        )
        """
    )
    con.execute(
        "update _ingest_checked set _copy = d._copy from _ingest_dups d "
        "where _ingest_checked._file = d._file and _ingest_checked._line = d._line and d._copy > 1"
    )
    # which delivery each file is
    con.execute("create or replace temp table _ingest_files (_file varchar, rel varchar, delivery_id varchar)")
    con.executemany(
        "insert into _ingest_files values (?, ?, ?)", [[str(d.path), d.rel, d.delivery_id] for d in deliveries]
    )
    counts = {
        f: (int(a), int(b), int(c), int(e))
        for f, a, b, c, e in con.execute(
            "select _file, count(*), count(*) filter (where _reason is null and _copy = 1), "
            "count(*) filter (where _reason is not null), "
            "count(*) filter (where _reason is null and _copy > 1) from _ingest_checked group by _file"
        ).fetchall()
    }
    # An exact duplicate of a quarantined row is quarantined too (it carries the same problem).
    for d in deliveries:
        r = d.result
        parsed, good, bad, dup = counts.get(str(d.path), (0, 0, 0, 0))
        r.rows_read = parsed + len(reject_lines)
        r.rows_loaded = good
        r.rows_duplicate = dup
        r.rows_quarantined = bad + len(reject_lines)
        # Accounting: every record read is loaded, quarantined, or an exact duplicate.
        if r.rows_read != r.rows_loaded + r.rows_quarantined + r.rows_duplicate:
            raise RuntimeError(
                f"{d.rel}: accounting mismatch: read {r.rows_read} != loaded {r.rows_loaded} "
                f"+ quarantined {r.rows_quarantined} + duplicates {r.rows_duplicate}"
            )
        if extra:
            r.warnings.append(f"{d.rel}: ignored column(s) not in the contract: {', '.join(extra)}")
        if absent_optional:
            r.warnings.append(f"{d.rel}: optional column(s) absent, loaded as empty: {', '.join(absent_optional)}")
        r.warnings += warnings

    colnames = ", ".join(f'"{c}"' for c in table.column_names)
    con.execute("begin transaction")
    try:
        if single:
            d = deliveries[0]
            replaced = 0
            if _earlier_rows(con, table, [d.rel]):
                replaced = con.execute(
                    f"select count(*) from {table.raw_relation} where _source_file = ?", [d.rel]
                ).fetchone()[0]
            if replaced:
                con.execute(f"delete from {table.raw_relation} where _source_file = ?", [d.rel])
                con.execute(
                    f"delete from {META_SCHEMA}.quarantine where family = ? and table_name = ? and source_file = ?",
                    [table.family, table.name, d.rel],
                )
                con.execute(
                    f"update {META_SCHEMA}.deliveries set status = 'superseded' "
                    "where family = ? and table_name = ? and source_file = ? and status = 'loaded'",
                    [table.family, table.name, d.rel],
                )
                d.result.warnings.append(f"{d.rel}: replaced {replaced} row(s) from an earlier delivery of this file")
            d.result.replaced_rows = int(replaced)
        con.execute(
            f"""
            insert into {table.raw_relation} ({colnames}, _source_file, _source_row, _delivery_id, _loaded_at)
            select {', '.join(f'c."{c}"' for c in table.column_names)}, f.rel, c._line, f.delivery_id,
                   cast(timezone('UTC', now()) as timestamp)
            from _ingest_checked c
            join _ingest_files f on f._file = c._file
            where c._reason is null and c._copy = 1
            """
        )
        # (a join of every row with its text, so only when a row was quarantined)
        if any(counts.get(str(d.path), (0, 0, 0, 0))[2] for d in deliveries):
            con.execute(
                f"""
                insert into {META_SCHEMA}.quarantine
                select f.delivery_id, ?, ?, f.rel, c._line, {raw_record}, c._reason,
                       cast(timezone('UTC', now()) as timestamp)
                from _ingest_checked c
                join _ingest_text t on t._file = c._file and t._rn = c._rn
                join _ingest_files f on f._file = c._file
                where c._reason is not null order by c._file, c._line
                """,
                [table.family, table.name],
            )
        if rejects:
            d = deliveries[0]
            con.executemany(
                f"insert into {META_SCHEMA}.quarantine values (?, ?, ?, ?, ?, ?, ?, "
                "cast(timezone('UTC', now()) as timestamp))",
                [
                    [d.delivery_id, table.family, table.name, d.rel, ln, raw, f"unreadable record: {why}"]
                    for ln, why, raw in rejects
                ],
            )
        seconds = (time.perf_counter() - t0) / len(deliveries)
        for d in deliveries:
            r = d.result
            r.seconds = seconds
            r.message = "; ".join(r.warnings)
            con.execute(
                f"insert into {META_SCHEMA}.deliveries values (?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?, ?, "
                "cast(timezone('UTC', now()) as timestamp), ?, ?)",
                [
                    d.delivery_id, table.family, table.name, d.rel, d.size, r.rows_read, r.rows_loaded,
                    r.rows_quarantined, r.rows_duplicate, r.message, r.seconds, d.mtime_ns,
                ],
            )
        failpoint("load.before_commit")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        _drop_temp(con)
    return [d.result for d in deliveries]


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the loader's temporary tables and views (all named ``_ingest_*``)."""
    found = con.execute(
        "select 'view', view_name from duckdb_views() where temporary and starts_with(view_name, '_ingest_') "
        "union all select 'table', table_name from duckdb_tables() "
        "where temporary and starts_with(table_name, '_ingest_')"
    ).fetchall()
    for kind, name in found:
        con.execute(f'drop {kind} if exists "{name}"')


# Tables load two at a time, each on its own cursor (a connection with its own transactions
# and temp tables): DuckDB reads a group's CSV files on one thread (record numbers need the
# file order, ``parallel = false``), so one load at a time leaves the second core mostly idle.
# DuckDB appends never conflict, even to one table, and a load's deletes and updates touch only
# its own table's rows and delivery records. 4 tables x 96 days of the 10M set: 25.1 -> 21.1 s.
LOAD_WORKERS = 2


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    tables: Iterable[Table] | None = None,
    progress: Callable[[DeliveryResult], None] | None = None,
) -> LoadSummary:
    """Load every new delivery of the given tables (default: all). Returns per-file results.

    Results come in table order, file order within a table; ``progress`` is called on this
    thread, a table's results at once when that table is done.
    """
    tables = list(load_contract() if tables is None else tables)
    ensure_raw_tables(con)
    files = [landing_files(landing_dir, t) for t in tables]

    def load(i: int) -> list[DeliveryResult]:
        cursor = con.cursor()
        try:
            return load_files(cursor, tables[i], files[i], landing_dir)
        finally:
            cursor.close()

    # the biggest tables first, so the workers finish close together
    order = sorted(range(len(tables)), key=lambda i: -sum(p.stat().st_size for p in files[i]))
    results: dict[int, list[DeliveryResult]] = {}
    with ThreadPoolExecutor(max_workers=LOAD_WORKERS, thread_name_prefix="load") as pool:
        futures = {pool.submit(load, i): i for i in order}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                for r in results[futures[future]]:
                    progress(r)
    summary = LoadSummary()
    for i in range(len(tables)):
        summary.results += results[i]
    return summary


def _totals_agree(con: duckdb.DuckDBPyConnection, t: Table) -> bool:
    """A table's delivered rows (read - duplicates, over its loaded deliveries) equal its raw rows
    plus its quarantined rows. Counting a table is metadata in DuckDB, so this costs nothing
    whatever the history; the per-file accounting groups every raw row by file (about a second
    at a year of a 500-seat center)."""
    delivered = con.execute(
        f"select coalesce(sum(rows_read - rows_duplicate), 0) from {META_SCHEMA}.deliveries "
        "where family = ? and table_name = ? and status = 'loaded'",
        [t.family, t.name],
    ).fetchone()[0]
    raw = con.execute(f"select count(*) from {t.raw_relation}").fetchone()[0]
    quarantined = con.execute(
        f"select count(*) from {META_SCHEMA}.quarantine where family = ? and table_name = ?",
        [t.family, t.name],
    ).fetchone()[0]
    return delivered == raw + quarantined


def accounting_mismatches(con: duckdb.DuckDBPyConnection, per_file: bool = True) -> list[tuple]:
    """Deliveries whose recorded counts disagree with what the raw tables and quarantine hold.

    Rows read must equal rows in the raw table from that delivery + rows in quarantine + exact
    duplicates. Returns (family, table, file, read, in_raw, in_quarantine, duplicates) for each
    mismatch; empty means every delivered row is accounted for.

    per_file=False checks each table's totals first and does the per-file accounting only for a
    table whose totals disagree (to name the files). It misses only a row lost from one file
    and another gained by a different file of the same table at once; each file's rows,
    quarantine and delivery record are written in one transaction after that file's own
    accounting check (``_load_group``), so the build runs it this way.
    """
    out = []
    for t in load_contract():
        if not per_file and _totals_agree(con, t):
            continue
        rows = con.execute(
            f"""
            with d as (
                select delivery_id, source_file, rows_read, rows_duplicate
                from {META_SCHEMA}.deliveries
                where family = ? and table_name = ? and status = 'loaded'
            ),
            r as (select _delivery_id, _source_file, count(*) as n from {t.raw_relation} group by 1, 2),
            q as (
                select delivery_id, source_file, count(*) as n from {META_SCHEMA}.quarantine
                where family = ? and table_name = ? group by 1, 2
            )
            select d.source_file, d.rows_read, coalesce(r.n, 0), coalesce(q.n, 0), d.rows_duplicate
            from d
            left join r on r._delivery_id = d.delivery_id and r._source_file = d.source_file
            left join q on q.delivery_id = d.delivery_id and q.source_file = d.source_file
            where d.rows_read <> coalesce(r.n, 0) + coalesce(q.n, 0) + d.rows_duplicate
            """,
            [t.family, t.name, t.family, t.name],
        ).fetchall()
        out += [(t.family, t.name, *row) for row in rows]
    return out
