"""Metric requests through the semantic layer: MetricFlow compiles, we execute read-only.

Every KPI is defined once, in ``dbt_project/models/semantic/`` (dbt semantic models + MetricFlow
metrics). This module loads the semantic manifest that ``dbt parse`` / ``dbt build`` writes,
asks MetricFlow for the SQL of a request *without* a warehouse connection (the compile-only
path of ../shared/STACK.md section 2A: no dbt profile, no adapter, no lock on any file), caches
the compiled SQL per request, and runs it on a short-lived read-only DuckDB connection to the
serving snapshot.

Catalog: MetricFlow writes fully qualified names (``"warehouse"."main"."fct_..."``) with the
catalog the manifest recorded at parse time, which is the stem of the DuckDB file dbt built.
The pipeline keeps that stem (``warehouse``) for both the warehouse and the serving snapshot,
so the snapshot is opened directly; a snapshot under another name is attached under the
manifest's catalog instead, so the same SQL still runs.

Manifest location, first that exists: ``semantic_manifest.json`` next to the serving snapshot
(where the publish step can put the manifest that matches the published data), then dbt's
target folder (``settings.dbt_target_dir``, default ``dbt_project/target``), written by every
``dbt parse``/``build``.

Cost: importing MetricFlow takes about 2 s, building the engine about 0.4 s and compiling a
request 0.02-0.3 s, so the app keeps one engine per manifest version
(``st.cache_resource`` in :mod:`apps.queries.api`) and this module caches compiled SQL per
request shape (the filters' dates and ids are filled in afterwards), in memory and on disk per
manifest (a new server process, or a new day's dates, builds the engine only for a request
shape no process compiled before).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from apps.queries.filters import ServiceFilters
from orchestration.settings import DBT_PROJECT_DIR, get_settings

MANIFEST_NAME = "semantic_manifest.json"

# Integer result types: DuckDB sums integers into HUGEINT, which pandas receives as float64.
_INTEGER_TYPES = {"HUGEINT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UHUGEINT", "UBIGINT"}


class SemanticManifestMissingError(FileNotFoundError):
    """No semantic manifest: run ``make build`` (or ``dbt parse``) first."""


def manifest_candidates(serving_path: Path | None = None) -> list[Path]:
    settings = get_settings()
    serving = Path(serving_path) if serving_path is not None else settings.serving_path
    target = Path(getattr(settings, "dbt_target_dir", DBT_PROJECT_DIR / "target"))
    candidates = [serving.parent / MANIFEST_NAME, target / MANIFEST_NAME]
    default = DBT_PROJECT_DIR / "target" / MANIFEST_NAME
    return candidates if default in candidates else [*candidates, default]


def find_manifest(serving_path: Path | None = None) -> Path:
    for candidate in manifest_candidates(serving_path):
        if candidate.is_file():
            return candidate
    raise SemanticManifestMissingError(
        "No semantic manifest found (looked for "
        + ", ".join(str(p) for p in manifest_candidates(serving_path))
        + "). Run `make build` or `uv run dbt parse --project-dir dbt_project "
        "--profiles-dir dbt_project`."
    )


@dataclass(frozen=True)
class MetricQuery:
    """One semantic-layer request. Hashable, so it keys the compiled-SQL cache.

    ``group_by``/``order_by`` use MetricFlow names (``metric_time__day``, ``queue__queue_name``,
    ``-metric_time__day`` for descending); ``where`` holds MetricFlow filter templates
    (``{{ Dimension('queue__line_of_business') }} = 'sales'``). With ``saved_query`` set, the
    saved query supplies metrics and group-by; ``where``/``order_by``/``limit`` still apply.
    """

    metrics: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()
    limit: int | None = None
    saved_query: str | None = None

    @classmethod
    def from_dict(cls, d: dict) -> MetricQuery:
        """The inverse of ``dataclasses.asdict`` (lists back to tuples)."""
        return cls(
            metrics=tuple(d.get("metrics") or ()),
            group_by=tuple(d.get("group_by") or ()),
            where=tuple(d.get("where") or ()),
            order_by=tuple(d.get("order_by") or ()),
            limit=d.get("limit"),
            saved_query=d.get("saved_query"),
        )


# A request's string literals (dates, queue ids, sites) go out of the request before it is
# compiled and back into the SQL after: MetricFlow's SQL depends on the request's shape (metrics,
# group-by, which filters), not on the literals, so a new day's "Last 7 days" or another queue
# reuses SQL compiled for yesterday's dates instead of compiling again (and building the engine
# in a process that never had to).
_JINJA = re.compile(r"\{\{.*?\}\}", re.S)  # {{ TimeDimension('metric_time', 'day') }}: kept
_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
_PLACEHOLDER = "'__switchboard_literal_{}__'"
_PLACEHOLDER_RE = re.compile(r"'__switchboard_literal_(\d+)__'")


def parametrize(q: MetricQuery) -> tuple[MetricQuery, tuple[str, ...]]:
    """``q`` with each string literal of its filters (outside ``{{ ... }}``) replaced by a
    numbered placeholder, and the literals in order (as written, quotes included)."""
    literals: list[str] = []

    def swap(m: re.Match) -> str:
        literals.append(m.group(0))
        return _PLACEHOLDER.format(len(literals) - 1)

    def clause(text: str) -> str:
        parts, pos = [], 0
        for m in _JINJA.finditer(text):
            parts += [_STRING_LITERAL.sub(swap, text[pos : m.start()]), m.group(0)]
            pos = m.end()
        parts.append(_STRING_LITERAL.sub(swap, text[pos:]))
        return "".join(parts)

    shape = replace(q, where=tuple(clause(w) for w in q.where))
    return shape, tuple(literals)


def fill_literals(sql: str, literals: Sequence[str]) -> str | None:
    """The SQL compiled for a parametrized request with its literals put back (one pass, so a
    literal is never itself rewritten), or None if MetricFlow did not keep every placeholder
    verbatim (the caller then compiles the request as it is)."""
    found = {int(i) for i in _PLACEHOLDER_RE.findall(sql)}
    if found != set(range(len(literals))):
        return None
    return _PLACEHOLDER_RE.sub(lambda m: literals[int(m.group(1))], sql)


def sql_literal(value: object) -> str:
    """A SQL literal for a MetricFlow filter (filters take no bind parameters)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def in_list(values: Iterable[object]) -> str:
    return "(" + ", ".join(sql_literal(v) for v in values) + ")"


def date_range_filter(start: date, end: date, *, time_dimension: str = "metric_time") -> str:
    """Inclusive local-date range on ``time_dimension`` at day grain."""
    return (
        f"{{{{ TimeDimension('{time_dimension}', 'day') }}}} "
        f"between {sql_literal(start.isoformat())} and {sql_literal(end.isoformat())}"
    )


def service_filters_where(f: ServiceFilters) -> tuple[str, ...]:
    """The sidebar filters as MetricFlow filters (date range on metric_time, queue dimensions).

    Sites and lines of business are the queue's (dim_queues), as on the SQL pages; they work for
    every metric whose semantic model reaches the ``queue`` entity (queue, contact, survey and
    segment metrics).
    """
    clauses = [date_range_filter(f.start_date, f.end_date)]
    if f.queue_ids:
        clauses.append(f"{{{{ Entity('queue') }}}} in {in_list(f.queue_ids)}")
    if f.site_ids:
        clauses.append(f"{{{{ Dimension('queue__site_id') }}}} in {in_list(f.site_ids)}")
    if f.lines_of_business:
        clauses.append(
            f"{{{{ Dimension('queue__line_of_business') }}}} in {in_list(f.lines_of_business)}"
        )
    return tuple(clauses)


def default_sql_cache_dir() -> Path:
    """Where compiled SQL is kept between processes: ``SWITCHBOARD_SQL_CACHE_DIR``, else
    ``<data dir>/cache/semantic_sql``."""
    configured = os.environ.get("SWITCHBOARD_SQL_CACHE_DIR")
    return Path(configured) if configured else get_settings().data_dir / "cache" / "semantic_sql"


def _write_atomic(path: Path, text: str) -> None:
    """Write-then-rename, so a reader never sees half a file; skipped if the folder is
    read-only (the caller computes again next time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    except OSError:
        pass


# The disk cache stays bounded: other manifests' folders (an older dbt project) go after a
# week unused, a request shape's SQL after a month unused (a process that reads it from disk
# touches it).
STALE_MANIFEST_SECONDS = 7 * 86400
STALE_REQUEST_SECONDS = 30 * 86400


def prune_sql_cache(folder: Path, now: float | None = None) -> int:
    """Delete stale compiled SQL around ``folder`` (this manifest's cache folder): sibling
    manifest folders not written for a week, and this folder's files unused for a month.
    Returns how many files and folders went; errors are ignored (another process may prune)."""
    now = time.time() if now is None else now
    removed = 0
    try:
        siblings = [p for p in folder.parent.iterdir() if p.is_dir() and p != folder]
    except OSError:
        siblings = []
    for other in siblings:
        try:
            if now - other.stat().st_mtime > STALE_MANIFEST_SECONDS:
                shutil.rmtree(other, ignore_errors=True)
                removed += 1
        except OSError:
            pass
    try:
        files = list(folder.glob("*.sql"))
    except OSError:
        files = []
    for f in files:
        try:
            if now - f.stat().st_mtime > STALE_REQUEST_SECONDS:
                f.unlink()
                f.with_suffix(REQUEST_SUFFIX).unlink(missing_ok=True)
                removed += 1
        except OSError:
            pass
    return removed


# Next to each compiled shape's SQL (<digest>.sql), the shape itself (<digest>.request.json): a
# new manifest's cache can be filled with the shapes the app used under the previous one.
REQUEST_SUFFIX = ".request.json"
FAILED_SUFFIX = ".failed"  # a shape the manifest rejected when warm_sql_cache tried it


@dataclass(frozen=True)
class WarmResult:
    compiled: int
    failed: int
    seconds: float


# The request shapes the app's pages make with their default filters, for a director and for a
# supervisor of one team (tests/apps/test_app_compiled_sql.py records them from the pages and
# checks this file against them): a publish compiles them even when no earlier manifest's cache
# has them, so the first visitor of a fresh install reads SQL from disk too.
KNOWN_SHAPES_FILE = Path(__file__).with_name("request_shapes.json")


def known_request_shapes(path: Path | None = None) -> list[MetricQuery]:
    """The shapes listed in ``path`` (default ``KNOWN_SHAPES_FILE``). A missing or broken file
    raises: the publish logs it as an unwarmed cache (orchestration.defs.serving.publish
    .warm_app_sql) instead of skipping quietly."""
    text = (KNOWN_SHAPES_FILE if path is None else Path(path)).read_text()
    return [MetricQuery.from_dict(d) for d in json.loads(text)]


def warm_sql_cache(
    manifest_path: Path,
    sql_cache_dir: Path | None = None,
    known: Iterable[MetricQuery] | None = None,
) -> WarmResult:
    """Compile for ``manifest_path`` every request shape not yet compiled under it: the shapes
    the app's pages make (``known``; default :func:`known_request_shapes`) and every shape
    compiled under another manifest in the same cache (the previous dbt project's). The first
    visitor after a fresh install or a change of the dbt project then reads SQL from disk
    instead of waiting for the engine.

    Builds the engine (and imports MetricFlow) only when there is something to compile, so a
    publish whose manifest did not change pays a directory listing. A shape the new manifest
    rejects (a metric renamed or removed) is counted in ``failed`` and skipped."""
    t0 = time.perf_counter()
    layer = SemanticLayer(Path(manifest_path), sql_cache_dir=sql_cache_dir)
    own = layer._disk
    if own is None:
        return WarmResult(0, 0, time.perf_counter() - t0)

    def missing(name: str) -> bool:
        return not (own / f"{name}.sql").exists() and not (own / f"{name}{FAILED_SUFFIX}").exists()

    wanted: dict[str, MetricQuery | Path] = {}
    for request in known_request_shapes() if known is None else known:
        shape = parametrize(request)[0]
        path = layer._disk_path(shape)
        if path is not None and missing(path.stem):
            wanted.setdefault(path.stem, shape)
    if own.parent.is_dir():
        for other in own.parent.iterdir():
            if other.is_dir() and other != own:
                for request_file in other.glob("*" + REQUEST_SUFFIX):
                    name = request_file.name[: -len(REQUEST_SUFFIX)]
                    if missing(name):
                        wanted.setdefault(name, request_file)
    compiled = failed = 0
    for name, shape in wanted.items():
        try:
            if isinstance(shape, Path):
                shape = MetricQuery.from_dict(json.loads(shape.read_text()))
            layer.compile(shape)
            compiled += 1
        except Exception as exc:  # noqa: BLE001 - the new manifest may reject an old shape
            failed += 1
            # not tried again at every publish (each try would build the engine)
            _write_atomic(own / f"{name}{FAILED_SUFFIX}", f"{exc!r}\n")
    if compiled and layer.engine_built:
        layer.group_by_items()  # the metric catalog's dimension lists
    return WarmResult(compiled, failed, time.perf_counter() - t0)


def _metricflow_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("metricflow")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


@dataclass
class SemanticLayer:
    """A MetricFlow engine over one semantic manifest, compiling only.

    ``compile`` is cached per request shape (the :class:`MetricQuery` with its filters' string
    literals as placeholders, see ``parametrize``) in memory and on disk
    (``sql_cache_dir/<manifest and MetricFlow digest>/<shape digest>.sql``): MetricFlow's SQL
    depends only on the manifest, its version and the request, so a new server process reuses
    what any earlier one compiled, for any dates and queues, and builds the engine (and imports
    MetricFlow, ~2 s) only when a request shape was never compiled for this manifest.
    ``sql_cache_dir=None``: the default (:func:`default_sql_cache_dir`); ``False``: memory only.
    An unwritable cache is skipped.
    """

    manifest_path: Path
    sql_cache_dir: Path | None | bool = None
    _engine_obj: object = field(init=False, repr=False, default=None)
    _raw: dict = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        text = Path(self.manifest_path).read_text()
        self._text = text
        self._raw = json.loads(text)
        digest = hashlib.sha256(text.encode())
        digest.update(_metricflow_version().encode())
        self.manifest_digest = digest.hexdigest()[:20]
        if self.sql_cache_dir is False:
            self._disk: Path | None = None
        else:
            root = default_sql_cache_dir() if self.sql_cache_dir in (None, True) else Path(self.sql_cache_dir)
            self._disk = root / self.manifest_digest
        self._pruned = False
        self._compile_cached = functools.lru_cache(maxsize=512)(self._compile_uncached)

    @property
    def engine_built(self) -> bool:
        return self._engine_obj is not None

    @property
    def _engine(self):
        """The MetricFlow engine, built on first use (callers hold ``self._lock``)."""
        if self._engine_obj is None:
            # Imported here: MetricFlow costs ~2 s to import, and pages that never ask for a
            # metric (or whose requests are all compiled on disk) should not pay it.
            from metricflow.engine.metricflow_engine import MetricFlowEngine
            from metricflow_semantics.model.dbt_manifest_parser import (
                parse_manifest_from_dbt_generated_manifest,
            )
            from metricflow_semantics.model.semantic_manifest_lookup import (
                SemanticManifestLookup,
            )

            manifest = parse_manifest_from_dbt_generated_manifest(self._text)
            self._engine_obj = MetricFlowEngine(
                semantic_manifest_lookup=SemanticManifestLookup(manifest),
                sql_client=_CompileOnlyDuckDbClient(),
            )
        return self._engine_obj

    # --- manifest metadata --------------------------------------------------------------
    @property
    def catalogs(self) -> set[str]:
        """Catalog (database) names the compiled SQL refers to."""
        return {
            sm["node_relation"]["database"]
            for sm in self._raw["semantic_models"]
            if sm["node_relation"].get("database")
        }

    @property
    def raw_manifest(self) -> dict:
        return self._raw

    def metric_names(self) -> list[str]:
        return sorted(m["name"] for m in self._raw["metrics"])

    def saved_query_names(self) -> list[str]:
        return sorted(q["name"] for q in self._raw.get("saved_queries", []))

    def dimensions_for(self, metric_names: Sequence[str]) -> list[str]:
        """Group-by names (``entity__dimension``) available to all the given metrics."""
        with self._lock:
            dims = self._engine.simple_dimensions_for_metrics(list(metric_names))
        return sorted({d.dunder_name for d in dims})

    # --- compile and run ----------------------------------------------------------------
    def compile(self, q: MetricQuery) -> str:
        """The SQL of ``q``: compiled once per request shape (``parametrize``), the literals
        filled in per call."""
        shape, literals = parametrize(q)
        if not literals:
            return self._compile_cached(q)
        if not any(_PLACEHOLDER_RE.search(lit) for lit in literals):
            sql = fill_literals(self._compile_cached(shape), literals)
            if sql is not None:
                return sql
        return self._compile_cached(q)  # a literal MetricFlow rewrites: compile it as it is

    def compile_cache_info(self):
        return self._compile_cached.cache_info()

    def _disk_path(self, q: MetricQuery) -> Path | None:
        if self._disk is None:
            return None
        key = json.dumps(asdict(q), sort_keys=True)
        return self._disk / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".sql")

    def _compile_uncached(self, q: MetricQuery) -> str:
        path = self._disk_path(q)
        if path is not None:
            try:
                sql = path.read_text()
            except OSError:
                pass
            else:
                try:
                    os.utime(path)  # in use: the pruning below goes by last use
                except OSError:
                    pass
                return sql
        sql = self._compile_with_engine(q)
        if path is not None:
            if not self._pruned:
                self._pruned = True
                prune_sql_cache(path.parent)
            _write_atomic(path.with_suffix(REQUEST_SUFFIX), json.dumps(asdict(q), sort_keys=True))
            _write_atomic(path, sql)
        return sql

    def group_by_items(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """metric -> (metric_time grains, dimensions), for the metric catalog; on disk like
        the compiled SQL (listing them needs the engine: ~1 s of a page's first render)."""
        from orchestration.lib.metric_catalog import group_by_items_of

        path = None if self._disk is None else self._disk / "group_by_items.json"
        if path is not None:
            try:
                stored = json.loads(path.read_text())
                return {k: (tuple(v[0]), tuple(v[1])) for k, v in stored.items()}
            except (OSError, ValueError):
                pass
        with self._lock:
            items = group_by_items_of(self._engine)
        if path is not None:
            _write_atomic(path, json.dumps(items, sort_keys=True))
        return items

    def _compile_with_engine(self, q: MetricQuery) -> str:
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        request = MetricFlowQueryRequest.create(
            saved_query_name=q.saved_query,
            metric_names=list(q.metrics) if q.metrics else None,
            group_by_names=list(q.group_by) if q.group_by else None,
            where_constraints=list(q.where) if q.where else None,
            order_by_names=list(q.order_by) if q.order_by else None,
            limit=q.limit,
        )
        # The engine keeps per-query id counters; serialize compiles (Streamlit runs sessions
        # in threads).
        with self._lock:
            return self._engine.explain(request).sql_statement.sql

    def query(self, q: MetricQuery, snapshot_path: Path | str | None = None) -> pd.DataFrame:
        """Compile (cached) and run ``q`` on a read-only connection to the snapshot."""
        sql = self.compile(q)
        with connect_for_catalogs(snapshot_path, self.catalogs) as con:
            return run_sql(con, sql)


class _CompileOnlyDuckDbClient:
    """The part of MetricFlow's SqlClient protocol ``explain`` uses: the dialect and renderer.

    MetricFlow never executes through it; the app runs the SQL itself (read-only).
    """

    def __init__(self) -> None:
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

        self.sql_engine_type = SqlEngine.DUCKDB
        self.sql_plan_renderer = DuckDbSqlPlanRenderer()

    def query(self, *args, **kwargs):
        raise NotImplementedError("compile-only client: run the SQL on your own connection")

    execute = dry_run = query

    def close(self) -> None:
        pass

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"


def connect_for_catalogs(snapshot_path: Path | str | None, catalogs: set[str]):
    """A read-only connection (cursor) to the snapshot in which SQL compiled from the manifest
    finds the catalogs it names (apps.queries.connection.connect)."""
    from apps.queries.connection import connect

    return connect(snapshot_path, frozenset(catalogs))


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Run compiled SQL; integer results (counts, second sums) come back as int64."""
    rel = con.sql(sql)
    types = [str(t).upper() for t in rel.types]
    df = rel.df()
    for column, sql_type in zip(df.columns, types, strict=True):
        if sql_type in _INTEGER_TYPES:
            if df[column].isna().any():
                df[column] = df[column].astype("Int64")
            else:
                df[column] = df[column].astype("int64")
    return df


@functools.lru_cache(maxsize=4)
def _layer_for(manifest_path: str, mtime_ns: int) -> SemanticLayer:
    return SemanticLayer(Path(manifest_path))


def semantic_layer(serving_path: Path | None = None) -> SemanticLayer:
    """The engine for the current manifest (rebuilt when the manifest file changes)."""
    path = find_manifest(serving_path)
    return _layer_for(str(path), path.stat().st_mtime_ns)


# --- typed requests the pages use ---------------------------------------------------------

OVERVIEW_KPI_METRICS = (
    "offered_contacts",
    "answered_contacts",
    "abandoned_contacts",
    "handled_contacts",
    "service_level",
    "service_level_target",
    "abandonment_rate",
    "average_speed_of_answer",
    "average_handle_time",
)
OVERVIEW_SURVEY_METRICS = ("csat_score", "csat_responses_metric")


@dataclass(frozen=True)
class OverviewKpis:
    """The Overview tiles, each a semantic-layer metric over the filtered period."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    handled: int = 0
    service_level: float | None = None
    sl_target: float | None = None
    abandonment_rate: float | None = None
    asa_seconds: float | None = None
    aht_seconds: float | None = None
    csat: float | None = None
    csat_responses: int = 0


def _value(df: pd.DataFrame, column: str):
    if df.empty or column not in df.columns:
        return None
    v = df[column].iloc[0]
    return None if pd.isna(v) else v


def overview_kpis(
    layer: SemanticLayer, f: ServiceFilters, snapshot_path: Path | str | None = None
) -> OverviewKpis:
    where = service_filters_where(f)
    queue = layer.query(MetricQuery(metrics=OVERVIEW_KPI_METRICS, where=where), snapshot_path)
    survey = layer.query(MetricQuery(metrics=OVERVIEW_SURVEY_METRICS, where=where), snapshot_path)

    def as_int(v) -> int:
        return 0 if v is None else int(v)

    def as_float(v) -> float | None:
        return None if v is None else float(v)

    return OverviewKpis(
        offered=as_int(_value(queue, "offered_contacts")),
        answered=as_int(_value(queue, "answered_contacts")),
        abandoned=as_int(_value(queue, "abandoned_contacts")),
        handled=as_int(_value(queue, "handled_contacts")),
        service_level=as_float(_value(queue, "service_level")),
        sl_target=as_float(_value(queue, "service_level_target")),
        abandonment_rate=as_float(_value(queue, "abandonment_rate")),
        asa_seconds=as_float(_value(queue, "average_speed_of_answer")),
        aht_seconds=as_float(_value(queue, "average_handle_time")),
        csat=as_float(_value(survey, "csat_score")),
        csat_responses=as_int(_value(survey, "csat_responses_metric")),
    )


def saved_query(
    layer: SemanticLayer,
    name: str,
    *,
    where: Sequence[str] = (),
    order_by: Sequence[str] = (),
    limit: int | None = None,
    snapshot_path: Path | str | None = None,
) -> pd.DataFrame:
    """Run a saved query (sem_saved_queries.yml) by name, optionally narrowed by filters."""
    return layer.query(
        MetricQuery(saved_query=name, where=tuple(where), order_by=tuple(order_by), limit=limit),
        snapshot_path,
    )


# --- the Overview page: daily trend, per-queue table, what changed -------------------------
# The interval chart of one day is the Queues page's request (apps.queries.queues.day_intervals).

OVERVIEW_TREND_METRICS = (
    "offered_contacts",
    "service_level",
    "service_level_target",
    "average_speed_of_answer",
    "abandonment_rate",
)
OVERVIEW_QUEUE_GROUP_BY = ("queue", "queue__queue_name", "queue__line_of_business")
_OVERVIEW_COUNTS = (
    "offered_contacts",
    "answered_contacts",
    "abandoned_contacts",
    "handled_contacts",
    "csat_responses_metric",
)


def overview_daily_trend(
    layer: SemanticLayer, f: ServiceFilters, snapshot_path: Path | str | None = None
) -> pd.DataFrame:
    """The headline queue metrics per local day (``metric_time__day``) of the period.

    One row per day of the period, in order, ``day`` a date; a day the snapshot has no queue
    intervals for keeps its row with every metric empty, so a chart shows a gap, not a line
    drawn across the missing day.
    """
    df = layer.query(
        MetricQuery(
            metrics=OVERVIEW_TREND_METRICS,
            group_by=("metric_time__day",),
            where=service_filters_where(f),
            order_by=("metric_time__day",),
        ),
        snapshot_path,
    )
    df = df.rename(columns={"metric_time__day": "day"})
    df["day"] = pd.to_datetime(df["day"]).dt.date
    days = pd.Index(
        pd.date_range(f.start_date, f.end_date, freq="D").date, name="day", dtype="object"
    )
    return df.set_index("day").reindex(days).reset_index()


def _matching_queues(queues: pd.DataFrame, f: ServiceFilters) -> pd.DataFrame:
    keep = pd.Series(True, index=queues.index)
    for column, values in (
        ("site_id", f.site_ids),
        ("queue_id", f.queue_ids),
        ("line_of_business", f.lines_of_business),
    ):
        if values:
            keep &= queues[column].isin(values)
    return queues.loc[keep, ["queue_id", "queue_name", "line_of_business"]]


def overview_queue_table(
    layer: SemanticLayer,
    f: ServiceFilters,
    snapshot_path: Path | str | None = None,
    *,
    queues: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per queue: the Overview tiles' metrics grouped by the ``queue`` entity.

    Columns: queue_id, queue_name, line_of_business and the metrics of
    :data:`OVERVIEW_KPI_METRICS` and :data:`OVERVIEW_SURVEY_METRICS` (two requests: queue
    intervals and surveys are different semantic models). ``queues`` (queue_id, queue_name,
    line_of_business, site_id; the sidebar's list) adds the queues the filters allow that had
    no contacts: counts 0, ratios and target empty. Ordered by queue name.
    """
    where = service_filters_where(f)
    table = layer.query(
        MetricQuery(
            metrics=OVERVIEW_KPI_METRICS,
            group_by=OVERVIEW_QUEUE_GROUP_BY,
            where=where,
            order_by=("queue__queue_name",),
        ),
        snapshot_path,
    ).rename(
        columns={
            "queue": "queue_id",
            "queue__queue_name": "queue_name",
            "queue__line_of_business": "line_of_business",
        }
    )
    survey = layer.query(
        MetricQuery(metrics=OVERVIEW_SURVEY_METRICS, group_by=("queue",), where=where),
        snapshot_path,
    ).rename(columns={"queue": "queue_id"})
    table = table.merge(survey, on="queue_id", how="outer")
    if queues is not None:
        names = ["queue_id", "queue_name", "line_of_business"]
        listed = pd.concat([_matching_queues(queues, f), table[names]]).drop_duplicates("queue_id")
        table = listed.merge(table.drop(columns=names[1:]), on="queue_id", how="outer")
    table["queue_name"] = table["queue_name"].fillna(table["queue_id"])
    for column in _OVERVIEW_COUNTS:
        table[column] = table[column].fillna(0).astype("int64")
    columns = ["queue_id", "queue_name", "line_of_business"]
    columns += [m for m in (*OVERVIEW_KPI_METRICS, *OVERVIEW_SURVEY_METRICS) if m not in columns]
    return table[columns].sort_values(["queue_name", "queue_id"], ignore_index=True)


def overview_changes(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    min_sl_points: float = 1.0,
    min_volume_share: float = 0.05,
    limit: int = 3,
) -> pd.DataFrame:
    """The queues whose service level or offered volume moved most against the previous period.

    ``current``/``previous`` are :func:`overview_queue_table` results for the two periods.
    Service level: the largest absolute changes of at least ``min_sl_points`` percentage points,
    among queues with a service level in both periods. Volume: the largest absolute changes in
    offered contacts of at least ``min_volume_share`` of the previous volume (a queue with no
    contacts in one of the periods always qualifies). At most ``limit`` of each, largest first.

    Columns: kind (``service_level`` | ``offered_contacts``), queue_id, queue_name, previous,
    current, change (fraction points for service level, contacts for volume), change_share
    (volume change / previous volume; empty when the previous volume is 0) and target (the
    current period's service-level target).
    """
    columns = [
        "kind",
        "queue_id",
        "queue_name",
        "previous",
        "current",
        "change",
        "change_share",
        "target",
    ]
    both = current.merge(
        previous[["queue_id", "offered_contacts", "service_level"]],
        on="queue_id",
        how="outer",
        suffixes=("", "_previous"),
    )
    both["queue_name"] = both["queue_name"].fillna(both["queue_id"])
    rows = []
    sl = both.dropna(subset=["service_level", "service_level_previous"])
    sl = sl.assign(change=sl["service_level"] - sl["service_level_previous"])
    sl = sl[sl["change"].abs() * 100 >= min_sl_points - 1e-9]
    for r in sl.loc[sl["change"].abs().sort_values(ascending=False).index[:limit]].itertuples():
        rows.append(
            (
                "service_level",
                r.queue_id,
                r.queue_name,
                r.service_level_previous,
                r.service_level,
                r.change,
                None,
                r.service_level_target,
            )
        )
    vol = both.assign(
        current=both["offered_contacts"].fillna(0),
        previous=both["offered_contacts_previous"].fillna(0),
    )
    vol = vol.assign(change=vol["current"] - vol["previous"])
    share = vol["change"] / vol["previous"].where(vol["previous"] != 0)
    vol = vol.assign(change_share=share)
    vol = vol[(vol["change"] != 0) & (share.isna() | (share.abs() >= min_volume_share - 1e-12))]
    for r in vol.loc[vol["change"].abs().sort_values(ascending=False).index[:limit]].itertuples():
        rows.append(
            (
                "offered_contacts",
                r.queue_id,
                r.queue_name,
                r.previous,
                r.current,
                r.change,
                None if pd.isna(r.change_share) else r.change_share,
                r.service_level_target,
            )
        )
    return pd.DataFrame(rows, columns=columns)
