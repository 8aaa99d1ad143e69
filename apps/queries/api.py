"""What pages import: cached wrappers over the query functions.

Every cached function takes the snapshot version (path, inode, mtime) as its first argument,
so publishing a new snapshot invalidates the cache immediately; the TTL only bounds memory.
Every number of the Overview (tiles, daily trend, interval chart, queue table, what changed)
comes from the semantic layer: MetricFlow compiles each request from the one definition of
every metric (dbt_project/models/semantic) and the SQL runs read-only on the snapshot
(apps.queries.semantic). The engine is a cached resource per semantic manifest file; compiled
SQL is cached inside it. Only the sidebar's options (queues, date bounds) are plain SQL
(apps.queries.service.filter_options).
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
    "daily_trend",
    "filter_options",
    "kpi_summary",
    "metric_catalog",
    "metric_query",
    "queue_changes",
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
    # One per manifest version; it builds the MetricFlow engine (~2 s to import and build) only
    # for a request whose SQL is not on disk yet.
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
def _queue_table(
    version: SnapshotVersion, manifest: tuple[str, int], f: ServiceFilters
) -> pd.DataFrame:
    return semantic.overview_queue_table(
        _semantic_layer(*manifest), f, version.path, queues=_filter_options(version).queues
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _daily_trend(
    version: SnapshotVersion, manifest: tuple[str, int], f: ServiceFilters
) -> pd.DataFrame:
    return semantic.overview_daily_trend(_semantic_layer(*manifest), f, version.path)


def filter_options() -> FilterOptions:
    return _filter_options(snapshot_version())


def kpi_summary(f: ServiceFilters) -> OverviewKpis:
    return _kpi_summary(snapshot_version(), _manifest_key(), f)


@st.cache_resource(show_spinner=False, max_entries=2)
def _metric_catalog(manifest_path: str, manifest_mtime_ns: int):
    from orchestration.lib.metric_catalog import build_catalog

    layer = _semantic_layer(manifest_path, manifest_mtime_ns)  # its engine, or its disk cache
    return build_catalog(Path(manifest_path).read_text(), layer.group_by_items())


def metric_catalog():
    """The metric catalog (orchestration.lib.metric_catalog.Catalog) of the current manifest."""
    return _metric_catalog(*_manifest_key())


def metric_query(q: MetricQuery) -> pd.DataFrame:
    """Any semantic-layer request (metrics x group-by, or a saved query by name)."""
    return _metric_query(snapshot_version(), _manifest_key(), q)


def saved_query(name: str, where: tuple[str, ...] = (), limit: int | None = None) -> pd.DataFrame:
    return metric_query(MetricQuery(saved_query=name, where=where, limit=limit))


def service_level_by_interval(f: ServiceFilters, day: date) -> pd.DataFrame:
    """The 30-minute local intervals of ``day`` with the queue metrics, queues summed: the
    Queues page's request (apps.queries.queues.day_intervals) and its cache entry."""
    from apps.queries import page_api  # page_api imports this module

    return page_api.queue_day_intervals(f, day)


def queue_table(f: ServiceFilters) -> pd.DataFrame:
    """Per queue the filters allow (queues without contacts too): the tiles' metrics."""
    return _queue_table(snapshot_version(), _manifest_key(), f)


def daily_trend(f: ServiceFilters) -> pd.DataFrame:
    """Per local day of the period: offered, service level and its target, ASA, abandonment."""
    return _daily_trend(snapshot_version(), _manifest_key(), f)


def queue_changes(f: ServiceFilters) -> pd.DataFrame:
    """The queues whose service level or volume moved most against the previous period."""
    return semantic.overview_changes(queue_table(f), queue_table(f.previous_period()))


# --- Access and the Agents page -------------------------------------------------------------
# The signed-in user's access context (apps.queries.access) is resolved once per snapshot and
# user, stored in st.session_state["access"] by the entrypoint, and is part of every cache key
# of an agent-level query, so one user's cached rows are never served to another scope.

KEY_ACCESS = "access"


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _access_for(
    version: SnapshotVersion,
    username: str,
    role: str,
    supervisor_id: str | None,
    teams: tuple[str, ...],
):
    from apps.queries.access import AccessContext, supervised_team_ids

    if role != "supervisor":
        return AccessContext(username, role)
    with connect(version.path) as con:
        return AccessContext.supervisor(username, supervised_team_ids(con, supervisor_id, teams))


def access_for(user) -> object:
    """The access context of an ``apps.auth.users.User`` on the current snapshot."""
    return _access_for(snapshot_version(), user.username, user.role, user.supervisor_id, user.teams)


def current_access():
    """The signed-in user's access context; fails closed when nobody is signed in."""
    from apps.queries.access import require_access

    return require_access(st.session_state.get(KEY_ACCESS))


def secure_query(q: MetricQuery, access=None) -> pd.DataFrame:
    """Any semantic-layer request narrowed to the access context (default: the signed-in
    user's): agent-level group-bys/filters get a team constraint for supervisors, customer
    group-bys are refused for analysts, customer identifier columns are dropped."""
    from apps.queries.access import mask_customer_columns, saved_query_group_by, secure_metric_query

    ctx = access if access is not None else current_access()
    saved = (
        saved_query_group_by(semantic_layer().raw_manifest, q.saved_query) if q.saved_query else ()
    )
    return mask_customer_columns(ctx, metric_query(secure_metric_query(ctx, q, saved)))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _team_options(version: SnapshotVersion) -> pd.DataFrame:
    from apps.queries import agents

    with connect(version.path) as con:
        return agents.team_options(con)


def team_options() -> pd.DataFrame:
    """Teams for the sidebar filter (team_id, team_name, site_id, line_of_business)."""
    return _team_options(snapshot_version())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _agents(
    version: SnapshotVersion, manifest: tuple[str, int], name: str, args: tuple, keys=None
):
    from apps.queries import agents

    extra = {} if keys is None else {"keys": keys}
    return getattr(agents, name)(_semantic_layer(*manifest), *args, version.path, **extra)


def agent_scorecard(f: ServiceFilters, access=None, keys: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per agent: every metric, or only those of ``keys`` (apps.queries.agents.AGENT_METRICS)."""
    ctx = access if access is not None else current_access()
    return _agents(snapshot_version(), _manifest_key(), "agent_scorecard", (f, ctx), keys)


def agent_team_summary(f: ServiceFilters, access=None, keys: tuple[str, ...] | None = None) -> pd.DataFrame:
    ctx = access if access is not None else current_access()
    return _agents(snapshot_version(), _manifest_key(), "team_summary", (f, ctx), keys)


def agent_scope_summary(f: ServiceFilters, access=None) -> pd.DataFrame:
    ctx = access if access is not None else current_access()
    return _agents(snapshot_version(), _manifest_key(), "scope_summary", (f, ctx))


def agent_center_summary(f: ServiceFilters) -> pd.DataFrame:
    return _agents(snapshot_version(), _manifest_key(), "center_summary", (f,))


def agent_closed_fcr(f: ServiceFilters, access=None):
    """FCR over the latest period of the range's length whose repeat windows have closed."""
    ctx = access if access is not None else current_access()
    return _agents(snapshot_version(), _manifest_key(), "latest_closed_fcr", (f, ctx))


def agent_trend(f: ServiceFilters, agent_id: str, access=None) -> pd.DataFrame:
    ctx = access if access is not None else current_access()
    return _agents(snapshot_version(), _manifest_key(), "agent_trend", (f, agent_id, ctx))


def agent_center_trend(f: ServiceFilters) -> pd.DataFrame:
    return _agents(snapshot_version(), _manifest_key(), "center_trend", (f,))
