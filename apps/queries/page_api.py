"""Cached access for the Queues, Customer voice, Quality and Data health pages.

Same rules as :mod:`apps.queries.api` (which the Overview and other pages use): every cached
function is keyed on the snapshot version (and the semantic manifest version for metric
requests), so a new publish invalidates it at once; semantic requests share api's one
MetricFlow engine per manifest. Agent-level functions take the access context
(apps.queries.access.AccessContext, hashable) as part of the cache key, so one user's cached
rows are never served to a user with another scope.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from apps.queries import health, quality, queues, voice
from apps.queries.access import AccessContext
from apps.queries.api import TTL_SECONDS, _manifest_key, _semantic_layer
from apps.queries.connection import SnapshotVersion, connect, snapshot_version
from apps.queries.filters import ServiceFilters

Manifest = tuple[str, int]


# --- Queues ---------------------------------------------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _queues(
    version: SnapshotVersion, manifest: Manifest, name: str, f: ServiceFilters, extra: tuple
) -> pd.DataFrame:
    layer = _semantic_layer(*manifest)
    fn = getattr(queues, name)
    return fn(layer, f, *extra, path=version.path)


def queue_kpis(f: ServiceFilters) -> pd.DataFrame:
    return _queues(snapshot_version(), _manifest_key(), "queue_kpis", f, ())


def queue_heat_map(f: ServiceFilters, by: str) -> pd.DataFrame:
    return _queues(snapshot_version(), _manifest_key(), "heat_map", f, (by,))


def queue_interval_profile(f: ServiceFilters) -> pd.DataFrame:
    return _queues(snapshot_version(), _manifest_key(), "interval_profile_by_queue", f, ())


def queue_day_intervals(f: ServiceFilters, day: date) -> pd.DataFrame:
    return _queues(snapshot_version(), _manifest_key(), "day_intervals", f, (day,))


def queue_period_table(f: ServiceFilters) -> pd.DataFrame:
    return _queues(snapshot_version(), _manifest_key(), "queue_day_table", f, ())


# --- Customer voice ---------------------------------------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _voice_kpis(version: SnapshotVersion, manifest: Manifest, f: ServiceFilters) -> pd.DataFrame:
    return voice.voice_kpis(_semantic_layer(*manifest), f, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _voice_trend(
    version: SnapshotVersion, manifest: Manifest, f: ServiceFilters, grain: str
) -> pd.DataFrame:
    return voice.voice_trend(_semantic_layer(*manifest), f, grain, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _voice_by(
    version: SnapshotVersion, manifest: Manifest, f: ServiceFilters, by: str, access
) -> pd.DataFrame:
    return voice.voice_by(_semantic_layer(*manifest), f, by, access, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _comments(
    version: SnapshotVersion, f: ServiceFilters, scores: tuple[int, ...], access
) -> pd.DataFrame:
    with connect(version.path) as con:
        return voice.comments(con, f, scores=scores, access=access)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _worst_contacts(version: SnapshotVersion, f: ServiceFilters, access) -> pd.DataFrame:
    with connect(version.path) as con:
        return voice.worst_contacts(con, f, access=access)


def voice_kpis(f: ServiceFilters) -> pd.DataFrame:
    return _voice_kpis(snapshot_version(), _manifest_key(), f)


def voice_trend(f: ServiceFilters, grain: str = "day") -> pd.DataFrame:
    return _voice_trend(snapshot_version(), _manifest_key(), f, grain)


def voice_by(f: ServiceFilters, by: str, access: AccessContext) -> pd.DataFrame:
    return _voice_by(snapshot_version(), _manifest_key(), f, by, access)


def survey_comments(
    f: ServiceFilters, scores: tuple[int, ...], access: AccessContext
) -> pd.DataFrame:
    return _comments(snapshot_version(), f, tuple(scores), access)


def worst_contacts(f: ServiceFilters, access: AccessContext) -> pd.DataFrame:
    return _worst_contacts(snapshot_version(), f, access)


# --- Quality ----------------------------------------------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _qa_kpis(version: SnapshotVersion, manifest: Manifest, f: ServiceFilters) -> pd.DataFrame:
    return quality.qa_kpis(_semantic_layer(*manifest), f, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _qa_trend(
    version: SnapshotVersion, manifest: Manifest, f: ServiceFilters, grain: str
) -> pd.DataFrame:
    return quality.qa_trend(_semantic_layer(*manifest), f, grain, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _qa_by(
    version: SnapshotVersion, manifest: Manifest, f: ServiceFilters, by: str, access
) -> pd.DataFrame:
    return quality.qa_by(_semantic_layer(*manifest), f, by, access, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _qa_sections(version: SnapshotVersion, manifest: Manifest, f: ServiceFilters) -> pd.DataFrame:
    return quality.sections(_semantic_layer(*manifest), f, version.path)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _qa_failures(version: SnapshotVersion, f: ServiceFilters, access) -> pd.DataFrame:
    with connect(version.path) as con:
        return quality.critical_failures(con, f, access=access)


def qa_kpis(f: ServiceFilters) -> pd.DataFrame:
    return _qa_kpis(snapshot_version(), _manifest_key(), f)


def qa_trend(f: ServiceFilters, grain: str = "day") -> pd.DataFrame:
    return _qa_trend(snapshot_version(), _manifest_key(), f, grain)


def qa_by(f: ServiceFilters, by: str, access: AccessContext) -> pd.DataFrame:
    return _qa_by(snapshot_version(), _manifest_key(), f, by, access)


def qa_sections(f: ServiceFilters) -> pd.DataFrame:
    return _qa_sections(snapshot_version(), _manifest_key(), f)


def qa_critical_failures(f: ServiceFilters, access: AccessContext) -> pd.DataFrame:
    return _qa_failures(snapshot_version(), f, access)


# --- Data health ------------------------------------------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _health(version: SnapshotVersion, name: str):
    with connect(version.path) as con:
        return getattr(health, name)(con)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _health_scoped(version: SnapshotVersion, name: str, access) -> pd.DataFrame:
    # Raw landing data (quarantined raw lines, failed-check examples): the result depends on
    # the role (apps.queries.access), so the access context is part of the cache key.
    with connect(version.path) as con:
        return getattr(health, name)(con, access=access)


def health_last_run() -> dict:
    return _health(snapshot_version(), "last_run")


def health_freshness() -> pd.DataFrame:
    return _health(snapshot_version(), "freshness")


def health_checks() -> pd.DataFrame:
    return _health(snapshot_version(), "check_summary")


def health_failed_expectations(access: AccessContext) -> pd.DataFrame:
    return _health_scoped(snapshot_version(), "failed_expectations", access)


def health_quarantine_counts() -> pd.DataFrame:
    return _health(snapshot_version(), "quarantine_counts")


def health_latest_quarantined(access: AccessContext) -> pd.DataFrame:
    return _health_scoped(snapshot_version(), "latest_quarantined", access)


def health_load_accounting() -> pd.DataFrame:
    return _health(snapshot_version(), "load_accounting")
