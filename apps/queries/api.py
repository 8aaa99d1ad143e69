"""What pages import: cached wrappers over the query functions.

Every cached function takes the snapshot version (path, inode, mtime) as its first argument,
so publishing a new snapshot invalidates the cache immediately; the TTL only bounds memory.
KPI numbers (the Overview tiles) come from the semantic layer: MetricFlow compiles each
request from the one definition of every metric (dbt_project/models/semantic) and the SQL runs
read-only on the snapshot (apps.queries.semantic). The engine is a cached resource per semantic
manifest file; compiled SQL is cached inside it. The interval chart and the queue table still
read the marts with plain SQL (apps.queries.service).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from apps.queries import semantic, service
from apps.queries.connection import SnapshotVersion, connect, snapshot_exists, snapshot_version
from apps.queries.filters import ServiceFilters
from apps.queries.semantic import MetricQuery, OverviewKpis, SemanticLayer
from apps.queries.service import FilterOptions

# The Overview tiles' type: semantic-layer metrics (kept under the name pages already use).
KpiSummary = OverviewKpis

TTL_SECONDS = 600

__all__ = [
    "FilterOptions",
    "KpiSummary",
    "ServiceFilters",
    "SnapshotVersion",
    "filter_options",
    "kpi_summary",
    "metric_catalog",
    "metric_query",
    "queue_table",
    "saved_query",
    "semantic_layer",
    "service_level_by_interval",
    "snapshot_exists",
    "snapshot_version",
]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _filter_options(version: SnapshotVersion) -> FilterOptions:
    with connect(version.path) as con:
        return service.filter_options(con)


@st.cache_resource(show_spinner=False, max_entries=2)
def _semantic_layer(manifest_path: str, manifest_mtime_ns: int) -> SemanticLayer:
    # One MetricFlow engine per manifest version (~2 s to import and build once per process).
    return SemanticLayer(Path(manifest_path))


def _manifest_key() -> tuple[str, int]:
    path = semantic.find_manifest(Path(snapshot_version().path))
    return str(path), path.stat().st_mtime_ns


def semantic_layer() -> SemanticLayer:
    """The semantic layer for the current manifest (for pages that list metrics)."""
    return _semantic_layer(*_manifest_key())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _kpi_summary(
    version: SnapshotVersion, manifest: tuple[str, int], f: ServiceFilters
) -> OverviewKpis:
    return semantic.overview_kpis(_semantic_layer(*manifest), f, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _metric_query(
    version: SnapshotVersion, manifest: tuple[str, int], q: MetricQuery
) -> pd.DataFrame:
    return _semantic_layer(*manifest).query(q, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _service_level_by_interval(
    version: SnapshotVersion, f: ServiceFilters, day: date
) -> pd.DataFrame:
    with connect(version.path) as con:
        return service.service_level_by_interval(con, f, day)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _queue_table(version: SnapshotVersion, f: ServiceFilters) -> pd.DataFrame:
    with connect(version.path) as con:
        return service.queue_table(con, f)


def filter_options() -> FilterOptions:
    return _filter_options(snapshot_version())


def kpi_summary(f: ServiceFilters) -> OverviewKpis:
    return _kpi_summary(snapshot_version(), _manifest_key(), f)


@st.cache_resource(show_spinner=False, max_entries=2)
def _metric_catalog(manifest_path: str, manifest_mtime_ns: int):
    from orchestration.lib.metric_catalog import build_catalog

    return build_catalog(Path(manifest_path).read_text())


def metric_catalog():
    """The metric catalog (orchestration.lib.metric_catalog.Catalog) of the current manifest."""
    return _metric_catalog(*_manifest_key())


def metric_query(q: MetricQuery) -> pd.DataFrame:
    """Any semantic-layer request (metrics x group-by, or a saved query by name)."""
    return _metric_query(snapshot_version(), _manifest_key(), q)


def saved_query(name: str, where: tuple[str, ...] = (), limit: int | None = None) -> pd.DataFrame:
    return metric_query(MetricQuery(saved_query=name, where=where, limit=limit))


def service_level_by_interval(f: ServiceFilters, day: date) -> pd.DataFrame:
    return _service_level_by_interval(snapshot_version(), f, day)


def queue_table(f: ServiceFilters) -> pd.DataFrame:
    return _queue_table(snapshot_version(), f)
