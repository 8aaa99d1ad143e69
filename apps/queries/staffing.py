"""Staffing page data: gap per queue x interval, SL root cause, forecast vs actuals, Erlang what-if.

Pure functions take an open DuckDB connection and typed filters, use ``?`` parameters only and
read ``main`` marts only (fct_staffing_intervals, rpt_sl_root_cause_daily/_weekly,
fct_forecast_intervals, fct_forecast_accuracy, dim_queues). Root-cause contributions of several
queues are re-aggregated exactly from the roll-ups' weighted sums (sum(x_weighted) /
sum(sl_denominator)). The cached wrappers the page imports are at the bottom of this module
(kept here rather than in api.py so this topic stays in one file while api.py is shared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import streamlit as st

from apps.queries.connection import SnapshotVersion, connect, snapshot_version
from apps.queries.filters import ServiceFilters
from orchestration.lib.staffing import erlang_a, erlang_c, required_agents, required_agents_erlang_a

CONTRIBUTIONS = ("headroom", "volume", "aht", "planning", "adherence", "residual")
CONTRIBUTION_LABELS = {
    "headroom": "Plan headroom",
    "volume": "Volume vs forecast",
    "aht": "Handle time vs forecast",
    "planning": "Scheduled vs required",
    "adherence": "Staffed vs scheduled",
    "residual": "Model residual",
}


def _queue_filter(f: ServiceFilters, alias: str = "queues") -> tuple[str, list]:
    clauses, params = [], []
    for column, values in (
        ("site_id", f.site_ids),
        ("queue_id", f.queue_ids),
        ("line_of_business", f.lines_of_business),
    ):
        if values:
            clauses.append(f"{alias}.{column} in ({', '.join('?' for _ in values)})")
            params.extend(values)
    return (" and ".join(clauses) or "true"), params


def has_staffing_data(con: duckdb.DuckDBPyConnection) -> bool:
    n = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'main' "
        "and table_name in ('fct_staffing_intervals', 'rpt_sl_root_cause_daily', 'fct_forecast_intervals')"
    ).fetchone()[0]
    if n < 3:
        return False
    return con.execute("select count(*) from main.fct_staffing_intervals").fetchone()[0] > 0


def staffing_dates(con, f: ServiceFilters) -> dict[str, date | None]:
    """First/last day with actuals and the last forecast day, for the filtered queues."""
    where, params = _queue_filter(f)
    row = con.execute(
        f"""
        select min(case when s.kind = 'actual' then s.interval_date end),
               max(case when s.kind = 'actual' then s.interval_date end),
               max(s.interval_date)
        from main.fct_staffing_intervals as s
        inner join main.dim_queues as queues on s.queue_id = queues.queue_id
        where {where}
        """,
        params,
    ).fetchone()
    return {"first_actual": row[0], "last_actual": row[1], "last_forecast": row[2]}


def gap_intervals(con, f: ServiceFilters, start: date, end: date) -> pd.DataFrame:
    """Per queue x interval between two local dates: workload, required / scheduled / staffed, gaps."""
    where, params = _queue_filter(f)
    return con.execute(
        f"""
        select s.queue_id, queues.queue_name, s.interval_start_local, s.interval_date, s.kind,
               strftime(s.interval_start_local, '%H:%M') as interval_of_day,
               s.offered, s.offered_forecast, s.required_agents_forecast_erlang_c as required_agents,
               s.required_agents_forecast_erlang_a as required_agents_erlang_a,
               s.required_agents_actual_erlang_c as required_agents_actual,
               s.scheduled_agents, s.staffed_agents, s.gap_scheduled_agents, s.gap_staffed_agents,
               s.gap_scheduled_hours, s.gap_staffed_hours, s.sl_realised, s.sl_target, s.is_missed
        from main.fct_staffing_intervals as s
        inner join main.dim_queues as queues on s.queue_id = queues.queue_id
        where s.interval_date between ? and ? and {where}
        order by queues.queue_name, s.interval_start_utc
        """,
        [start, end, *params],
    ).df()


def _root_cause(
    con, f: ServiceFilters, table: str, period_col: str, start: date, end: date, by_queue: bool
):
    where, params = _queue_filter(f)
    weighted = ", ".join(
        f"sum(r.contribution_{c}_weighted) / sum(r.sl_denominator) as contribution_{c}"
        for c in CONTRIBUTIONS
    )
    group = "queues.queue_name, " if by_queue else ""
    return con.execute(
        f"""
        select {group} r.{period_col} as period_start,
               sum(r.offered) as offered, sum(r.offered_forecast) as offered_forecast,
               sum(r.intervals_with_contacts) as intervals_with_contacts,
               sum(r.intervals_missed) as intervals_missed,
               sum(r.sl_numerator) / sum(r.sl_denominator) as sl_realised,
               sum(r.sl_target_weighted) / sum(r.sl_denominator) as sl_target,
               sum(r.gap_scheduled_hours) as gap_scheduled_hours,
               sum(r.gap_staffed_hours) as gap_staffed_hours,
               {weighted}
        from main.{table} as r
        inner join main.dim_queues as queues on r.queue_id = queues.queue_id
        where r.{period_col} between ? and ? and {where}
        group by {group} r.{period_col}
        having sum(r.sl_denominator) > 0
        order by {group} r.{period_col}
        """,
        [start, end, *params],
    ).df()


def root_cause_daily(
    con, f: ServiceFilters, start: date, end: date, by_queue: bool = False
) -> pd.DataFrame:
    return _root_cause(con, f, "rpt_sl_root_cause_daily", "day_start", start, end, by_queue)


def root_cause_weekly(
    con, f: ServiceFilters, start: date, end: date, by_queue: bool = False
) -> pd.DataFrame:
    return _root_cause(con, f, "rpt_sl_root_cause_weekly", "week_start", start, end, by_queue)


def forecast_vs_actual(con, f: ServiceFilters, start: date, end: date) -> pd.DataFrame:
    """Per local interval (summed over the filtered queues): forecast (both methods) and actual."""
    where, params = _queue_filter(f)
    return con.execute(
        f"""
        select fi.interval_start_local,
               sum(fi.offered_forecast) as offered_forecast,
               sum(fi.offered_seasonal_baseline) as offered_seasonal_baseline,
               sum(fi.offered_holt_winters) as offered_holt_winters,
               sum(fi.offered_actual) as offered_actual,
               sum(fi.aht_forecast_seconds * fi.offered_forecast) / nullif(sum(fi.offered_forecast), 0)
                   as aht_forecast_seconds,
               sum(fi.handle_seconds_actual) / nullif(sum(fi.handled_actual), 0) as aht_actual_seconds,
               max(case when fi.kind = 'forecast' then 1 else 0 end) = 1 as is_future
        from main.fct_forecast_intervals as fi
        inner join main.dim_queues as queues on fi.queue_id = queues.queue_id
        where fi.interval_date between ? and ? and {where}
        group by fi.interval_start_local
        order by fi.interval_start_local
        """,
        [start, end, *params],
    ).df()


def forecast_accuracy(con, f: ServiceFilters) -> pd.DataFrame:
    """Backtest WAPE per queue x method x horizon, with the selected method flagged."""
    where, params = _queue_filter(f)
    return con.execute(
        f"""
        select queues.queue_name, a.method, a.horizon_days, a.scored_days, a.wape, a.wape_daily,
               a.is_selected, a.selection_reason
        from main.fct_forecast_accuracy as a
        inner join main.dim_queues as queues on a.queue_id = queues.queue_id
        where {where}
        order by queues.queue_name, a.method, a.horizon_days
        """,
        params,
    ).df()


def default_patience_seconds(con, f: ServiceFilters) -> float | None:
    where, params = _queue_filter(f)
    row = con.execute(
        f"""
        select median(s.patience_seconds)
        from main.fct_staffing_intervals as s
        inner join main.dim_queues as queues on s.queue_id = queues.queue_id
        where {where}
        """,
        params,
    ).fetchone()
    return None if row is None or row[0] is None else float(row[0])


# --------------------------------------------------------------------------------------------
# Erlang what-if (pure math, no data)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIf:
    traffic_erlangs: float
    required_agents: int
    positions: int
    service_level: float
    asa_seconds: float
    occupancy: float
    probability_wait: float
    required_agents_erlang_a: int
    service_level_erlang_a: float
    probability_abandon: float
    asa_seconds_erlang_a: float
    curve: pd.DataFrame  # agents, sl_erlang_c, sl_erlang_a, occupancy


def erlang_what_if(
    contacts: float,
    aht_seconds: float,
    interval_minutes: int,
    target_sl: float,
    threshold_seconds: float,
    max_occupancy: float | None,
    shrinkage: float,
    patience_seconds: float,
) -> WhatIf:
    interval = interval_minutes * 60.0
    cap = None if max_occupancy is None or max_occupancy >= 1 else max_occupancy
    c = required_agents(
        contacts, aht_seconds, interval, target_sl, threshold_seconds, cap, shrinkage
    )
    a = required_agents_erlang_a(
        contacts,
        aht_seconds,
        interval,
        target_sl,
        threshold_seconds,
        patience_seconds,
        cap,
        shrinkage,
    )
    n_req = int(c.agents)
    traffic = float(c.traffic)
    ea = erlang_a(n_req, traffic, aht_seconds, patience_seconds, threshold_seconds)
    top = max(n_req, int(a.agents)) + max(5, int(np.ceil(0.5 * max(n_req, 1))))
    agents = np.arange(0, top + 1)
    cc = erlang_c(agents, traffic, aht_seconds, threshold_seconds)
    aa = erlang_a(agents, traffic, aht_seconds, patience_seconds, threshold_seconds)
    curve = pd.DataFrame(
        {
            "agents": agents,
            "sl_erlang_c": cc.service_level,
            "sl_erlang_a": aa.service_level,
            "occupancy_erlang_c": cc.occupancy,
        }
    )
    return WhatIf(
        traffic_erlangs=traffic,
        required_agents=n_req,
        positions=int(c.positions),
        service_level=float(c.service_level),
        asa_seconds=float(c.asa),
        occupancy=float(c.occupancy),
        probability_wait=float(c.probability_wait),
        required_agents_erlang_a=int(a.agents),
        service_level_erlang_a=float(ea.service_level),
        probability_abandon=float(ea.probability_abandon),
        asa_seconds_erlang_a=float(ea.asa),
        curve=curve,
    )


# --------------------------------------------------------------------------------------------
# Cached wrappers (what the page imports); keyed on the snapshot version like apps.queries.api
# --------------------------------------------------------------------------------------------

TTL_SECONDS = 600


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _cached(version: SnapshotVersion, name: str, args: tuple):
    with connect(version.path) as con:
        return globals()[name](con, *args)


def cached(name: str, *args):
    """Run one of this module's query functions on the current snapshot, cached."""
    return _cached(snapshot_version(), name, args)
