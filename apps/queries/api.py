"""What pages import: cached wrappers over the query functions.

Every cached function takes the snapshot version (path, inode, mtime) as its first argument,
so publishing a new snapshot invalidates the cache immediately; the TTL only bounds memory.
The backend behind each wrapper (plain SQL over the marts today) can be swapped for another
implementation with the same return types without touching a page.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from apps.queries import service
from apps.queries.connection import SnapshotVersion, connect, snapshot_exists, snapshot_version
from apps.queries.filters import ServiceFilters
from apps.queries.service import FilterOptions, KpiSummary

TTL_SECONDS = 600

__all__ = [
    "FilterOptions",
    "KpiSummary",
    "ServiceFilters",
    "SnapshotVersion",
    "filter_options",
    "kpi_summary",
    "queue_table",
    "service_level_by_interval",
    "snapshot_exists",
    "snapshot_version",
]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _filter_options(version: SnapshotVersion) -> FilterOptions:
    with connect(version.path) as con:
        return service.filter_options(con)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _kpi_summary(version: SnapshotVersion, f: ServiceFilters) -> KpiSummary:
    with connect(version.path) as con:
        return service.kpi_summary(con, f)


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


def kpi_summary(f: ServiceFilters) -> KpiSummary:
    return _kpi_summary(snapshot_version(), f)


def service_level_by_interval(f: ServiceFilters, day: date) -> pd.DataFrame:
    return _service_level_by_interval(snapshot_version(), f, day)


def queue_table(f: ServiceFilters) -> pd.DataFrame:
    return _queue_table(snapshot_version(), f)
