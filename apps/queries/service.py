"""The sidebar's filter options, and a plain-SQL reference of the service KPIs over the marts.

The app reads only :func:`filter_options` from here. Every number a page shows comes from the
semantic layer (apps.queries.semantic, apps.queries.queues); :func:`kpi_summary`,
:func:`service_level_by_interval` and :func:`queue_table` are an independent plain-SQL
computation of the same KPIs that the query tests (tests/apps/test_app_service_queries.py,
test_app_page_queries_access.py) check against the fixture rows, e.g. the service-level policy
primitives and the two intervals of a daylight-saving fall-back hour.

Pure functions: each takes an open DuckDB connection and typed filters, uses ``?`` parameters
only and reads ``fct_``/``dim_`` relations only. Ratios are computed from sums at query time,
never as averages of averages (METRICS.md). Definitions used here:

- service level: sum(sl_numerator) / sum(sl_denominator), the mart's primitives under the
  service-level policy in force for each queue and day (the semantic layer's service_level;
  the default policy is answered within threshold / (answered + abandoned - short abandoned)).
- service-level target of several queues together: the offered-weighted mean of the queues'
  targets (a queue with more traffic weighs more); a single queue keeps its own target.
- abandonment rate: abandoned / offered.  ASA: answered wait seconds / answered.
- AHT: handle seconds (talk + hold + ACW) / handled.
- CSAT: mean 1-5 score of surveys answered, dated by the day the survey was sent (the day of
  the contact), attributed to the queue of the surveyed contact; the response count is shown
  beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from apps.queries.filters import ServiceFilters


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, or None when there is nothing to divide by."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _in_clause(column: str, values: Sequence[str]) -> tuple[str, list]:
    return f"{column} in ({', '.join('?' for _ in values)})", list(values)


def _conditions(
    f: ServiceFilters, *, date_col: str, site_col: str, queue_col: str, lob_col: str
) -> tuple[str, list]:
    clauses = [f"{date_col} between ? and ?"]
    params: list = [f.start_date, f.end_date]
    for column, values in (
        (site_col, f.site_ids),
        (queue_col, f.queue_ids),
        (lob_col, f.lines_of_business),
    ):
        if values:
            clause, more = _in_clause(column, values)
            clauses.append(clause)
            params.extend(more)
    return " and ".join(clauses), params


def _interval_conditions(f: ServiceFilters) -> tuple[str, list]:
    return _conditions(
        f,
        date_col="i.interval_date",
        site_col="i.site_id",
        queue_col="i.queue_id",
        lob_col="q.line_of_business",
    )


def _survey_conditions(f: ServiceFilters) -> tuple[str, list]:
    return _conditions(
        f,
        date_col="s.sent_date",
        site_col="q.site_id",
        queue_col="s.queue_id",
        lob_col="q.line_of_business",
    )


@dataclass(frozen=True)
class KpiSummary:
    """Additive primitives for a period; the KPIs are properties computed from the sums."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    answered_within_threshold: int = 0
    answered_wait_seconds: float = 0
    handled: int = 0
    handle_seconds: float = 0
    target_pct_x_offered: float = 0
    sl_numerator: int = 0
    sl_denominator: int = 0
    csat_sum: float = 0
    csat_responses: int = 0

    @property
    def service_level(self) -> float | None:
        return ratio(self.sl_numerator, self.sl_denominator)

    @property
    def sl_target(self) -> float | None:
        """Offered-weighted target as a fraction (0.8 for 80 %)."""
        weighted = ratio(self.target_pct_x_offered, self.offered)
        return None if weighted is None else weighted / 100

    @property
    def abandonment_rate(self) -> float | None:
        return ratio(self.abandoned, self.offered)

    @property
    def asa_seconds(self) -> float | None:
        return ratio(self.answered_wait_seconds, self.answered)

    @property
    def aht_seconds(self) -> float | None:
        return ratio(self.handle_seconds, self.handled)

    @property
    def csat(self) -> float | None:
        return ratio(self.csat_sum, self.csat_responses)


_QUEUE_SUMS = """
    cast(coalesce(sum(i.offered), 0) as bigint) as offered,
    cast(coalesce(sum(i.answered), 0) as bigint) as answered,
    cast(coalesce(sum(i.abandoned), 0) as bigint) as abandoned,
    cast(coalesce(sum(i.short_abandoned), 0) as bigint) as short_abandoned,
    cast(coalesce(sum(i.answered_within_threshold), 0) as bigint) as answered_within_threshold,
    cast(coalesce(sum(i.answered_wait_seconds), 0) as double) as answered_wait_seconds,
    cast(coalesce(sum(i.handled), 0) as bigint) as handled,
    cast(coalesce(sum(i.handle_seconds), 0) as double) as handle_seconds,
    cast(coalesce(sum(i.sl_target_pct * i.offered), 0) as double) as target_pct_x_offered,
    cast(coalesce(sum(i.sl_numerator), 0) as bigint) as sl_numerator,
    cast(coalesce(sum(i.sl_denominator), 0) as bigint) as sl_denominator
"""


def kpi_summary(con: duckdb.DuckDBPyConnection, f: ServiceFilters) -> KpiSummary:
    where, params = _interval_conditions(f)
    row = con.execute(
        f"""
        select {_QUEUE_SUMS}
        from fct_queue_intervals as i
        left join dim_queues as q on q.queue_id = i.queue_id
        where {where}
        """,
        params,
    ).fetchone()
    names = [
        "offered",
        "answered",
        "abandoned",
        "short_abandoned",
        "answered_within_threshold",
        "answered_wait_seconds",
        "handled",
        "handle_seconds",
        "target_pct_x_offered",
        "sl_numerator",
        "sl_denominator",
    ]
    values = dict(zip(names, row, strict=True))
    where, params = _survey_conditions(f)
    csat_responses, csat_sum = con.execute(
        f"""
        select count(s.csat), coalesce(sum(s.csat), 0)
        from fct_survey_responses as s
        left join dim_queues as q on q.queue_id = s.queue_id
        where {where} and s.csat is not null
        """,
        params,
    ).fetchone()
    return KpiSummary(
        **{
            k: (
                int(v)
                if k not in ("answered_wait_seconds", "handle_seconds", "target_pct_x_offered")
                else float(v)
            )
            for k, v in values.items()
        },
        csat_sum=float(csat_sum),
        csat_responses=int(csat_responses),
    )


def _add_ratios(df: pd.DataFrame) -> pd.DataFrame:
    def div(n: pd.Series, d: pd.Series) -> pd.Series:
        d = d.astype("float64")
        return n.astype("float64") / d.where(d != 0)

    df["service_level"] = div(df["sl_numerator"], df["sl_denominator"])
    df["sl_target"] = div(df["target_pct_x_offered"], df["offered"]) / 100
    df["abandonment_rate"] = div(df["abandoned"], df["offered"])
    df["asa_seconds"] = div(df["answered_wait_seconds"], df["answered"])
    df["aht_seconds"] = div(df["handle_seconds"], df["handled"])
    return df


def service_level_by_interval(
    con: duckdb.DuckDBPyConnection, f: ServiceFilters, day: date
) -> pd.DataFrame:
    """One row per 30-minute local interval of ``day`` (site-local time), queues summed.

    On a daylight-saving fall-back day a local time occurs twice; ``local_repeat`` (0, then 1)
    keeps the two intervals apart instead of merging them. Rows are in time order.
    """
    where, params = _interval_conditions(f.for_day(day))
    df = con.execute(
        f"""
        with i as (
            select
                i.*,
                row_number() over (
                    partition by i.queue_id, i.interval_start_local
                    order by i.interval_start_utc
                ) - 1 as local_repeat
            from fct_queue_intervals as i
            left join dim_queues as q on q.queue_id = i.queue_id
            where {where}
        )
        select i.interval_start_local, i.local_repeat,
               min(i.interval_start_utc) as first_start_utc, {_QUEUE_SUMS}
        from i
        group by i.interval_start_local, i.local_repeat
        order by first_start_utc, i.interval_start_local
        """,
        params,
    ).df()
    return _add_ratios(df)


def queue_table(con: duckdb.DuckDBPyConnection, f: ServiceFilters) -> pd.DataFrame:
    """One row per queue matching the filters (queues with no traffic show zeros)."""
    clauses, params = [], [f.start_date, f.end_date]
    for column, values in (
        ("q.site_id", f.site_ids),
        ("q.queue_id", f.queue_ids),
        ("q.line_of_business", f.lines_of_business),
    ):
        if values:
            clause, more = _in_clause(column, values)
            clauses.append(clause)
            params.extend(more)
    where = ("where " + " and ".join(clauses)) if clauses else ""
    df = con.execute(
        f"""
        select q.queue_id, q.queue_name, q.line_of_business, q.site_id,
               q.sl_target_pct as queue_target_pct, {_QUEUE_SUMS}
        from dim_queues as q
        left join fct_queue_intervals as i
          on i.queue_id = q.queue_id and i.interval_date between ? and ?
        {where}
        group by q.queue_id, q.queue_name, q.line_of_business, q.site_id, q.sl_target_pct
        order by q.queue_name
        """,
        params,
    ).df()
    df = _add_ratios(df)
    # A queue without traffic in the period still has a target: its configured one.
    df["sl_target"] = df["sl_target"].fillna(df["queue_target_pct"].astype("float64") / 100)
    where, params = _survey_conditions(f)
    csat = con.execute(
        f"""
        select s.queue_id, count(s.csat) as csat_responses,
               cast(sum(s.csat) as double) as csat_sum
        from fct_survey_responses as s
        left join dim_queues as q on q.queue_id = s.queue_id
        where {where} and s.csat is not null
        group by s.queue_id
        """,
        params,
    ).df()
    df = df.merge(csat, on="queue_id", how="left")
    df["csat_responses"] = df["csat_responses"].fillna(0).astype("int64")
    df["csat"] = df["csat_sum"].astype("float64") / df["csat_responses"].where(
        df["csat_responses"] != 0
    )
    return df.drop(columns=["queue_target_pct", "csat_sum"])


@dataclass(frozen=True)
class FilterOptions:
    queues: pd.DataFrame  # queue_id, queue_name, line_of_business, site_id, site_timezone
    first_date: date | None
    last_date: date | None

    @property
    def site_ids(self) -> list[str]:
        return sorted(self.queues["site_id"].dropna().unique().tolist())

    @property
    def lines_of_business(self) -> list[str]:
        return sorted(self.queues["line_of_business"].dropna().unique().tolist())


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    queues = con.execute(
        """
        select queue_id, queue_name, line_of_business, site_id, site_timezone
        from dim_queues
        order by queue_name
        """
    ).df()
    first, last = con.execute(
        "select min(interval_date), max(interval_date) from fct_queue_intervals"
    ).fetchone()
    return FilterOptions(queues=queues, first_date=first, last_date=last)
