"""Thin adapters over the shared components, for the Queues, Customer voice, Quality and Data
health pages: metric definitions (apps.components.metric_help), CSV downloads
(apps.components.download) and the signed-in user's access context (apps.queries.api)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from apps.components.download import csv_download_button
from apps.components.metric_help import chart_toolbar, metric_tooltip
from apps.queries import api


def metric_help(name: str, extra: str = "") -> str:
    """The metric's catalog definition, for ``help=`` tooltips."""
    return metric_tooltip(name, extra)


def csv_download(
    df: pd.DataFrame,
    name: str,
    *,
    key: str,
    where=None,
    metrics: Sequence[str] = (),
    notes: str = "",
) -> None:
    """CSV download of the data behind a chart/table; with ``metrics``, also a Definitions
    popover listing their catalog entries."""
    if metrics:
        chart_toolbar(df, name, list(metrics), key=key, container=where, notes=notes)
    else:
        csv_download_button(df, name, key=key, container=where)


def current_access():
    """The signed-in user's access context (the entrypoint stores it; fails closed)."""
    return api.current_access()
