"""Queues page requests: per queue, by 30-minute interval, from the semantic layer only.

Every number is a MetricFlow metric (dbt_project/models/semantic/sem_queue_intervals.yml)
compiled by :class:`apps.queries.semantic.SemanticLayer` and run read-only on the snapshot:
``metric_time__minute`` is the 30-minute local interval, ``queue_interval__interval_of_day``
its "HH:MM" label and ``queue_interval__day_of_week`` the ISO-numbered local weekday
("1-Mon" ...), the dimensions of the saved query ``queue_interval_heat_map``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from apps.queries.filters import ServiceFilters
from apps.queries.semantic import MetricQuery, SemanticLayer, service_filters_where

QUEUE_METRICS = (
    "offered_contacts",
    "answered_contacts",
    "abandoned_contacts",
    "service_level",
    "service_level_target",
    "average_speed_of_answer",
    "abandonment_rate",
)
INTERVAL = "queue_interval__interval_of_day"
WEEKDAY = "queue_interval__day_of_week"


def scoped(f: ServiceFilters, queue_id: str | None) -> ServiceFilters:
    """The sidebar filters narrowed to one queue (``None``: every queue they allow)."""
    return f if queue_id is None else replace(f, queue_ids=(queue_id,))


def _run(layer: SemanticLayer, q: MetricQuery, path) -> pd.DataFrame:
    return layer.query(q, path)


def queue_kpis(
    layer: SemanticLayer, f: ServiceFilters, path: Path | str | None = None
) -> pd.DataFrame:
    """One row: the queue metrics over the filtered period."""
    return _run(layer, MetricQuery(metrics=QUEUE_METRICS, where=service_filters_where(f)), path)


def heat_map(
    layer: SemanticLayer, f: ServiceFilters, by: str = "day", path: Path | str | None = None
) -> pd.DataFrame:
    """Rows of (row key, interval of day) with the queue metrics.

    ``by="day"``: the row key is the local date (``metric_time__day``); ``by="weekday"``: the
    local day of week, each cell a ratio of sums over the period's days of that weekday.
    """
    row = "metric_time__day" if by == "day" else WEEKDAY
    df = _run(
        layer,
        MetricQuery(
            metrics=QUEUE_METRICS,
            group_by=(row, INTERVAL),
            where=service_filters_where(f),
            order_by=(row, INTERVAL),
        ),
        path,
    )
    df = df.rename(columns={row: "row", INTERVAL: "interval"})
    if by == "day" and not df.empty:
        df["row"] = pd.to_datetime(df["row"]).dt.date
    return df


def interval_profile_by_queue(
    layer: SemanticLayer, f: ServiceFilters, path: Path | str | None = None
) -> pd.DataFrame:
    """Per queue x interval of day over the whole period (the lines chart)."""
    df = _run(
        layer,
        MetricQuery(
            metrics=QUEUE_METRICS,
            group_by=("queue", "queue__queue_name", INTERVAL),
            where=service_filters_where(f),
            order_by=("queue__queue_name", INTERVAL),
        ),
        path,
    )
    return df.rename(columns={"queue__queue_name": "queue_name", INTERVAL: "interval"})


# A rate over fewer contacts than this moves by 10 points or more with one contact: the lines of
# the interval of day leave such a point out and the page names it (at a year of a 500-seat
# center, the 20:00 interval after closing held 1-6 contacts a week per queue, all abandoned,
# and every queue's line fell to 0% there).
MIN_PROFILE_CONTACTS = 10
# the contacts a queue metric is a rate over (a count is never left out)
RATE_BASE = {
    "service_level": "offered_contacts",
    "abandonment_rate": "offered_contacts",
    "average_speed_of_answer": "answered_contacts",
}


def without_thin_points(
    profile: pd.DataFrame, metric: str, minimum: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``profile`` with ``metric`` blanked where it is a rate over fewer than ``minimum``
    (default MIN_PROFILE_CONTACTS) contacts (RATE_BASE), and the rows blanked."""
    minimum = MIN_PROFILE_CONTACTS if minimum is None else minimum
    base = RATE_BASE.get(metric)
    if base is None or profile.empty:
        return profile, profile.iloc[0:0]
    thin = (profile[base].fillna(0) < minimum) & profile[metric].notna()
    return profile.assign(**{metric: profile[metric].mask(thin)}), profile[thin]


def thin_points_note(thin: pd.DataFrame, metric: str, minimum: int | None = None) -> str:
    """The caption naming the points ``without_thin_points`` left out, by interval."""
    minimum = MIN_PROFILE_CONTACTS if minimum is None else minimum
    base = RATE_BASE[metric]
    parts = []
    for interval, rows in thin.groupby("interval", sort=True):
        lo, hi = int(rows[base].min()), int(rows[base].max())
        counts = f"{lo}" if lo == hi else f"{lo}–{hi}"
        queues = f"{len(rows)} queues" if len(rows) > 1 else str(rows["queue_name"].iloc[0])
        parts.append(f"{interval} ({queues}, {counts} {base.split('_')[0]})")
    shown = ", ".join(parts[:4]) + (f" and {len(parts) - 4} more intervals" if len(parts) > 4 else "")
    return (
        f"Not drawn: {shown}. A rate over fewer than {minimum} contacts in the period moves by "
        f"{100 / minimum:.0f} points or more with one contact; the heat map and the CSV keep "
        "every interval."
    )


def day_intervals(
    layer: SemanticLayer, f: ServiceFilters, day: date, path: Path | str | None = None
) -> pd.DataFrame:
    """The 30-minute intervals of one local day (``metric_time__minute``), in time order."""
    df = _run(
        layer,
        MetricQuery(
            metrics=QUEUE_METRICS,
            group_by=("metric_time__minute",),
            where=service_filters_where(f.for_day(day)),
            order_by=("metric_time__minute",),
        ),
        path,
    )
    df = df.rename(columns={"metric_time__minute": "interval_start_local"})
    if not df.empty:
        df["interval_start_local"] = pd.to_datetime(df["interval_start_local"])
        df["interval"] = df["interval_start_local"].dt.strftime("%H:%M")
    return df


def queue_day_table(
    layer: SemanticLayer, f: ServiceFilters, path: Path | str | None = None
) -> pd.DataFrame:
    """Per queue over the period (the table under the charts)."""
    df = _run(
        layer,
        MetricQuery(
            metrics=QUEUE_METRICS,
            group_by=("queue", "queue__queue_name"),
            where=service_filters_where(f),
            order_by=("queue__queue_name",),
        ),
        path,
    )
    return df.rename(columns={"queue__queue_name": "queue_name"})
