"""Warehouse side of forecasting and staffing: read the marts, compute, return DataFrames.

Why Python and not dbt: the forecast (a recursive smoother per queue), the Erlang C/A evaluations
(incomplete gamma functions, bisection for required agents) and the Shapley attribution (16 model
evaluations per interval) are numerical code that SQL expresses badly; numpy evaluates them for
every queue x interval at once. Plain set logic stays SQL: the agent-to-queue allocation and the
scheduled/staffed sums are DuckDB queries over the marts (``capacity_sql``), and the daily /
weekly roll-ups of the root cause are dbt models over the tables written here.

``build_staffing_intervals`` sits alone on the critical path of the daily build, so it uses the
cores the process may run on (at most 4; ``default_workers``): every Erlang evaluation is
element-wise over the rows, so each call runs on a thread pool over contiguous row chunks
(``orchestration.lib.staffing.parallel``; numpy and scipy release the GIL in their loops) and
gives bit for bit the values of one call; and the capacity query runs on a thread of its own
while the required agents, which need no capacity, are computed (DuckDB releases the GIL too).
Nothing else uses the connection meanwhile.

The functions take an open DuckDB connection on the warehouse (read access to ``main`` marts and
``seeds.holidays``) and return pandas frames. The dbt Python models of
``dbt_project/models/intermediate/staffing`` call them inside the pipeline's one ``dbt build``
(their settings are dbt vars, see ``settings_from_json``) and write the frames to schema
``intermediate``; thin contracted marts publish them.

Allocation of multi-skilled agents to queues (used for scheduled and staffed agents): an agent's
on-queue time in an interval is split over queues by the agent's share of handle seconds per
queue over the trailing ``share_window_days`` local days up to and including the interval's day
(from ``fct_contact_segments``); an agent with no handled contacts in that window uses the share
over all of their history; an agent who never handled a contact is not allocated (counted in
``unallocated_staffed_agents`` per interval). Scheduled agents are net of approved leave: an agent's
scheduled on-queue seconds count as zero on a day inside an approved leave request.

Intervals without a forecast (the first ``ForecastSettings.lead_days`` days of history have no
forecast made ``lead_days`` before them, and a forecast can miss an interval, e.g. a DST slot):
``has_forecast`` is false and every forecast-based column (required agents / positions / hours
and traffic from the forecast, the planning gap, the plan's model SL, all root-cause
contributions and ``is_unstable_at_scheduled``) is null, never computed against a plan of zero
contacts. Such an interval is not attributed, but it still counts in ``is_missed``; the
actual-based columns (required from actuals, the realised gap, SL at staffed) are computed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import duckdb
import numpy as np
import pandas as pd

from orchestration.lib.forecast.core import run_forecast
from orchestration.lib.forecast.rootcause import attribute_service_level, sl_erlang_a, sl_erlang_c
from orchestration.lib.staffing import (
    StaffingRequirement,
    estimate_mean_patience,
    required_agents,
    required_agents_erlang_a,
)
from orchestration.lib.staffing.parallel import MIN_ROWS, map_chunks

__all__ = [
    "ForecastSettings",
    "StaffingSettings",
    "build_forecast",
    "build_staffing_intervals",
    "forecast_scores",
    "finite",
    "load_capacity",
    "load_holidays",
    "queue_patience",
    "settings_from_json",
]


# The defaults below equal the dbt vars of dbt_project.yml (forecast_* / staffing_*), which is
# where a deployment changes them; tests/orchestration/test_staffing_settings.py keeps them equal.
@dataclass(frozen=True)
class ForecastSettings:
    horizon_days: int = 14
    lead_days: int = 7
    backtest_horizon: int = 14
    weeks: int = 4
    min_scored_days: int = 7


@dataclass(frozen=True)
class StaffingSettings:
    shrinkage: float = 0.30
    max_occupancy: float | None = 0.85
    share_window_days: int = 28


def settings_from_json(text: str) -> tuple[ForecastSettings, StaffingSettings]:
    """The settings the staffing models' config carries (dbt vars rendered as one JSON object).

    ``staffing_max_occupancy`` of 1 or more means no occupancy cap.
    """
    import json

    v = json.loads(text)
    forecast = ForecastSettings(
        horizon_days=int(v["forecast_horizon_days"]),
        lead_days=int(v["forecast_lead_days"]),
        backtest_horizon=int(v["forecast_backtest_horizon_days"]),
        weeks=int(v["forecast_weeks"]),
        min_scored_days=int(v["forecast_min_scored_days"]),
    )
    max_occupancy = float(v["staffing_max_occupancy"])
    staffing = StaffingSettings(
        shrinkage=float(v["staffing_shrinkage"]),
        max_occupancy=None if max_occupancy >= 1 else max_occupancy,
        share_window_days=int(v["staffing_share_window_days"]),
    )
    return forecast, staffing


def finite(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with +-inf as null (a table column holds no infinity a chart or sum would trip on)."""
    return df.replace([np.inf, -np.inf], np.nan)


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _interval_minutes(con) -> int:
    row = con.execute("select max(interval_minutes) from main.fct_queue_intervals").fetchone()
    return int(row[0]) if row and row[0] else 30


def load_holidays(con, queues: pd.DataFrame) -> pd.DataFrame:
    """seeds.holidays (holiday_date, site_id or '*', holiday_name) expanded to queue x date."""
    if not _table_exists(con, "seeds", "holidays"):
        return pd.DataFrame({"queue_id": [], "forecast_date": []})
    hol = con.execute("select cast(holiday_date as date) as d, site_id from seeds.holidays").df()
    if hol.empty:
        return pd.DataFrame({"queue_id": [], "forecast_date": []})
    rows = hol.merge(queues[["queue_id", "site_id"]], how="cross", suffixes=("", "_q"))
    rows = rows[(rows["site_id"] == "*") | (rows["site_id"] == rows["site_id_q"])]
    return pd.DataFrame(
        {"queue_id": rows["queue_id"], "forecast_date": pd.to_datetime(rows["d"])}
    ).drop_duplicates()


def build_forecast(con, settings: ForecastSettings = ForecastSettings()):
    """(intervals, accuracy, selection) frames; intervals carry interval_start_utc and actuals."""
    minutes = _interval_minutes(con)
    slots = 24 * 60 // minutes
    queues = con.execute("select queue_id, site_id, site_timezone from main.dim_queues").df()
    qi = con.execute(
        f"""
        select queue_id, interval_start_utc, interval_start_local, interval_date,
               (hour(interval_start_local) * 60 + minute(interval_start_local)) // {minutes} as slot,
               offered, handled, handle_seconds
        from main.fct_queue_intervals
        """
    ).df()
    history = (
        qi.rename(columns={"interval_date": "forecast_date"})
        .groupby(["queue_id", "forecast_date", "slot"], as_index=False)[
            ["offered", "handled", "handle_seconds"]
        ]
        .sum()
    )
    result = run_forecast(
        history,
        load_holidays(con, queues),
        slots_per_day=slots,
        horizon_days=settings.horizon_days,
        lead_days=settings.lead_days,
        backtest_horizon=settings.backtest_horizon,
        weeks=settings.weeks,
        min_scored_days=settings.min_scored_days,
    )
    fc = result.intervals.astype({"queue_id": object})  # an empty result's key is float64
    fc["forecast_date"] = pd.to_datetime(fc["forecast_date"])

    # past: attach to the mart's intervals (a local slot that occurs twice on a fall-back day
    # shares its forecast between the two UTC intervals)
    past = fc[fc["kind"] == "backtest"]
    qi_key = qi.assign(forecast_date=pd.to_datetime(qi["interval_date"]))
    qi_key["slot_rows"] = qi_key.groupby(["queue_id", "forecast_date", "slot"])["slot"].transform(
        "size"
    )
    past = past.merge(
        qi_key[
            [
                "queue_id",
                "forecast_date",
                "slot",
                "interval_start_utc",
                "interval_start_local",
                "slot_rows",
                "offered",
                "handled",
                "handle_seconds",
            ]
        ],
        on=["queue_id", "forecast_date", "slot"],
        how="inner",
    )
    for c in ("offered_forecast", "offered_seasonal_baseline", "offered_holt_winters"):
        past[c] = past[c] / past["slot_rows"]

    # future: local slot -> UTC with the site's zone (skip the non-existent spring-forward slot;
    # the repeated fall-back hour keeps its first occurrence)
    fut = fc[fc["kind"] == "forecast"].merge(queues[["queue_id", "site_timezone"]], on="queue_id")
    parts = []
    for tz, g in fut.groupby("site_timezone"):
        local = g["forecast_date"] + pd.to_timedelta(g["slot"] * minutes, unit="min")
        utc = (
            pd.DatetimeIndex(local)
            .tz_localize(tz, ambiguous=np.ones(len(g), dtype=bool), nonexistent="NaT")
            .tz_convert("UTC")
            .tz_localize(None)
        )
        parts.append(g.assign(interval_start_local=local.to_numpy(), interval_start_utc=utc))
    fut = (
        pd.concat(parts, ignore_index=True)
        if parts
        else fut.assign(interval_start_local=[], interval_start_utc=[])
    )
    fut = fut[fut["interval_start_utc"].notna()].drop(columns=["site_timezone"])
    fut = fut.assign(offered=np.nan, handled=np.nan, handle_seconds=np.nan)

    out = pd.concat([past.drop(columns=["slot_rows"]), fut], ignore_index=True)
    out = out.rename(
        columns={
            "forecast_date": "interval_date",
            "offered": "offered_actual",
            "handled": "handled_actual",
            "handle_seconds": "handle_seconds_actual",
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["aht_actual_seconds"] = np.where(
            out["handled_actual"] > 0, out["handle_seconds_actual"] / out["handled_actual"], np.nan
        )
    out["interval_date"] = out["interval_date"].dt.date
    out["origin_date"] = pd.to_datetime(out["origin_date"]).dt.date
    out["interval_minutes"] = minutes
    cols = [
        "queue_id",
        "interval_start_utc",
        "interval_start_local",
        "interval_date",
        "interval_minutes",
        "kind",
        "origin_date",
        "horizon_days",
        "method",
        "is_holiday",
        "offered_forecast",
        "offered_seasonal_baseline",
        "offered_holt_winters",
        "aht_forecast_seconds",
        "offered_actual",
        "handled_actual",
        "handle_seconds_actual",
        "aht_actual_seconds",
    ]
    out = (
        out[cols]
        .sort_values(["queue_id", "interval_start_utc"])
        .drop_duplicates(["queue_id", "interval_start_utc"])
    )
    return out.reset_index(drop=True), result.accuracy, result.selection


def forecast_scores(accuracy: pd.DataFrame, selection: pd.DataFrame) -> pd.DataFrame:
    """The backtest scores of ``build_forecast`` with each queue's ``selection_reason`` (the
    table fct_forecast_accuracy publishes)."""
    scored = accuracy.merge(selection[["queue_id", "reason"]], on="queue_id", how="left")
    return scored.rename(columns={"reason": "selection_reason"})


def capacity_sql(minutes: int, share_window_days: int) -> str:
    """Scheduled (net of leave) and staffed agents per queue x interval, allocated by handle share."""
    return f"""
    with handled as (
        select agent_id, queue_id, cast(answered_date as date) as handled_date,
               sum(handle_seconds) as handle_seconds
        from main.fct_contact_segments
        where agent_id is not null and is_answered and handle_seconds > 0
        group by agent_id, queue_id, cast(answered_date as date)
    ),
    agent_intervals as (
        select
            agent_intervals.agent_id,
            agent_intervals.interval_date,
            date_trunc('hour', agent_intervals.interval_start_utc)
                + to_minutes(cast(floor(minute(agent_intervals.interval_start_utc) / {minutes}) * {minutes} as integer))
                as interval_start_utc,
            case when coalesce(agent_days.is_on_approved_leave, false) then 0
                 else coalesce(agent_intervals.scheduled_on_queue_seconds, 0) end as scheduled_seconds,
            coalesce(agent_intervals.on_queue_seconds, 0) as staffed_seconds
        from main.fct_agent_intervals as agent_intervals
        left join main.fct_agent_days as agent_days
            on agent_intervals.agent_id = agent_days.agent_id
            and agent_intervals.interval_date = agent_days.activity_date
    ),
    agent_day_keys as (
        select distinct agent_id, interval_date from agent_intervals
    ),
    window_share as (
        select keys.agent_id, keys.interval_date, handled.queue_id, sum(handled.handle_seconds) as handle_seconds
        from agent_day_keys as keys
        inner join handled
            on keys.agent_id = handled.agent_id
            and handled.handled_date between keys.interval_date - {share_window_days - 1} and keys.interval_date
        group by keys.agent_id, keys.interval_date, handled.queue_id
    ),
    lifetime_share as (
        select keys.agent_id, keys.interval_date, handled.queue_id, sum(handled.handle_seconds) as handle_seconds
        from agent_day_keys as keys
        inner join handled on keys.agent_id = handled.agent_id
        where not exists (
            select 1 from window_share
            where window_share.agent_id = keys.agent_id and window_share.interval_date = keys.interval_date
        )
        group by keys.agent_id, keys.interval_date, handled.queue_id
    ),
    shares as (
        select agent_id, interval_date, queue_id,
               handle_seconds / sum(handle_seconds) over (partition by agent_id, interval_date) as share
        from (select * from window_share union all select * from lifetime_share)
    ),
    allocated as (
        select shares.queue_id, agent_intervals.interval_start_utc,
               sum(agent_intervals.scheduled_seconds * shares.share) as scheduled_seconds,
               sum(agent_intervals.staffed_seconds * shares.share) as staffed_seconds
        from agent_intervals
        inner join shares
            on agent_intervals.agent_id = shares.agent_id and agent_intervals.interval_date = shares.interval_date
        group by shares.queue_id, agent_intervals.interval_start_utc
    ),
    unallocated as (
        select agent_intervals.interval_start_utc,
               sum(agent_intervals.staffed_seconds) as unallocated_staffed_seconds
        from agent_intervals
        left join agent_day_keys as keys_with_share
            on agent_intervals.agent_id = keys_with_share.agent_id
            and agent_intervals.interval_date = keys_with_share.interval_date
            and exists (select 1 from shares where shares.agent_id = keys_with_share.agent_id
                        and shares.interval_date = keys_with_share.interval_date)
        where keys_with_share.agent_id is null
        group by agent_intervals.interval_start_utc
    )
    select allocated.queue_id, allocated.interval_start_utc,
           allocated.scheduled_seconds / {minutes * 60}.0 as scheduled_agents,
           allocated.staffed_seconds / {minutes * 60}.0 as staffed_agents,
           coalesce(unallocated.unallocated_staffed_seconds, 0) / {minutes * 60}.0 as unallocated_staffed_agents
    from allocated
    left join unallocated on allocated.interval_start_utc = unallocated.interval_start_utc
    """


def load_capacity(con, settings: StaffingSettings = StaffingSettings()) -> pd.DataFrame:
    return con.execute(capacity_sql(_interval_minutes(con), settings.share_window_days)).df()


def queue_patience(con) -> pd.DataFrame:
    """Mean patience per queue (MLE over all history: total queue wait / abandons)."""
    df = con.execute(
        """
        select queue_id, sum(abandoned) as abandoned,
               sum(answered_wait_seconds + abandoned_wait_seconds) as wait_seconds
        from main.fct_queue_intervals group by queue_id
        """
    ).df()
    est = estimate_mean_patience(
        df["abandoned"].to_numpy(float), df["wait_seconds"].fillna(0).to_numpy(float)
    )
    pat = np.asarray(est.mean_patience_seconds, dtype=float)
    return df.assign(patience_seconds=np.where(np.isnan(pat), np.inf, pat))


# The root cause evaluates Erlang A up to 32 times per row (16 subsets of its factors, at floor
# and ceil of the agents), the other calls once or a few times: its threads pay from ~10x fewer
# rows (~2,000 against 15,000 on two cores, see staffing.parallel.MIN_ROWS).
_ROOT_CAUSE_WORK = 10
_CAPACITY_COLUMNS = ["scheduled_agents", "staffed_agents", "unallocated_staffed_agents"]


def _demand_frame(con, forecast_intervals: pd.DataFrame) -> pd.DataFrame:
    """One row per queue x interval: the mart's past intervals with their forecast (if any),
    then the forecast horizon with the queue's SL policy."""
    qi = con.execute(
        """
        select queue_id, interval_start_utc, interval_start_local, interval_date, site_id,
               offered, answered, abandoned, handled, handle_seconds, answered_within_threshold,
               sl_numerator, sl_denominator, sl_threshold_seconds, sl_target_pct
        from main.fct_queue_intervals
        """
    ).df()
    queues = con.execute(
        "select queue_id, site_id, sl_threshold_seconds, sl_target_pct from main.dim_queues"
    ).df()
    fc = forecast_intervals[
        [
            "queue_id",
            "interval_start_utc",
            "interval_start_local",
            "interval_date",
            "kind",
            "method",
            "offered_forecast",
            "aht_forecast_seconds",
        ]
    ]
    df = qi.merge(
        fc.drop(columns=["interval_start_local", "interval_date"]),
        on=["queue_id", "interval_start_utc"],
        how="left",
    )
    future = fc[fc["kind"] == "forecast"].merge(queues, on="queue_id", how="left")
    df = pd.concat([df, future], ignore_index=True)
    return df.drop_duplicates(["queue_id", "interval_start_utc"], keep="first")


def _with_capacity(df: pd.DataFrame, cap: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the capacity columns (0 where no agent was allocated), placed before
    ``patience_seconds`` where the published table has them.

    The arrays already computed from ``df`` stay aligned with the result: ``cap`` is grouped by
    queue x interval, so the left merge keeps ``df``'s rows in their order (checked).
    """
    out = df.merge(cap, on=["queue_id", "interval_start_utc"], how="left")
    if len(out) != len(df):
        raise ValueError("capacity has more than one row for a queue x interval")
    for c in _CAPACITY_COLUMNS:
        out[c] = out[c].fillna(0.0)
    rest = [c for c in out.columns if c not in _CAPACITY_COLUMNS]
    at = rest.index("patience_seconds")
    return out[rest[:at] + _CAPACITY_COLUMNS + rest[at:]]


def _required(
    chunked: Callable[..., StaffingRequirement],
    contacts: np.ndarray,
    aht: np.ndarray,
    interval_seconds: float,
    target: np.ndarray,
    thr: np.ndarray,
    pat: np.ndarray,
    settings: StaffingSettings,
) -> tuple[StaffingRequirement, StaffingRequirement]:
    """Erlang C and Erlang A requirements for one set of contacts and AHT (row-chunked)."""
    cap, shrinkage = settings.max_occupancy, settings.shrinkage
    erlang_c = chunked(
        required_agents, contacts, aht, interval_seconds, target, thr, cap, shrinkage
    )
    erlang_a = chunked(
        required_agents_erlang_a, contacts, aht, interval_seconds, target, thr, pat, cap, shrinkage
    )
    return erlang_c, erlang_a


def build_staffing_intervals(
    con,
    forecast_intervals: pd.DataFrame,
    settings: StaffingSettings = StaffingSettings(),
    *,
    workers: int | None = None,
    min_rows: int = MIN_ROWS,
) -> pd.DataFrame:
    """Gap and root cause per queue x interval (past intervals and the forecast horizon).

    The Erlang evaluations run on ``workers`` threads over row chunks (None: ``default_workers()``,
    the cores the process may run on, at most 4; 1: one call each on this thread) when a call has at least ``min_rows`` rows (the
    root cause, which evaluates far more per row, from a tenth of that); the values depend on
    neither (``orchestration.lib.staffing.parallel``). The capacity query always runs on a thread
    of its own while the required agents, which do not need it, are computed.
    """
    chunked = partial(map_chunks, workers=workers, min_rows=min_rows)
    minutes = _interval_minutes(con)
    interval_seconds = minutes * 60.0
    df = _demand_frame(con, forecast_intervals)
    patience = queue_patience(con)[["queue_id", "patience_seconds"]]
    # From here until the capacity query is back nothing else may use `con`: a DuckDB connection
    # runs one query at a time (and a cursor, a connection of its own, would not see what the
    # dbt session has not committed). DuckDB releases the GIL while it executes, so the numpy
    # work below runs alongside it.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="capacity") as query:
        capacity = query.submit(load_capacity, con, settings)
        df = df.merge(patience, on="queue_id", how="left")
        df["patience_seconds"] = df["patience_seconds"].fillna(np.inf)

        # queue-level AHT fallback (no handled contacts and no forecast AHT)
        q_aht = (
            df.groupby("queue_id")["handle_seconds"].sum() / df.groupby("queue_id")["handled"].sum()
        ).rename("q_aht")
        df = df.merge(q_aht, on="queue_id", how="left")
        df["q_aht"] = df["q_aht"].fillna(300.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            actual_aht = np.where(df["handled"] > 0, df["handle_seconds"] / df["handled"], np.nan)
        df["aht_forecast_seconds"] = df["aht_forecast_seconds"].fillna(df["q_aht"])
        df["aht_actual_seconds"] = actual_aht
        aht_act = np.where(np.isnan(actual_aht), df["aht_forecast_seconds"], actual_aht)

        thr = df["sl_threshold_seconds"].to_numpy(float)
        target = df["sl_target_pct"].to_numpy(float) / 100.0
        pat = df["patience_seconds"].to_numpy(float)
        # no forecast (first lead_days of history, or a slot the forecast missed): the Erlang
        # inputs get 0 contacts only so the vectorised calls run; every forecast-based output is
        # masked to null below, so no gap or root cause is computed against a plan of "0 contacts"
        has_forecast = df["offered_forecast"].notna().to_numpy()
        df["has_forecast"] = has_forecast
        fvol = np.maximum(df["offered_forecast"].fillna(0.0).to_numpy(float), 0.0)
        avol = df["offered"].to_numpy(float)
        has_actual = ~np.isnan(avol)
        avol0 = np.nan_to_num(avol)
        faht = df["aht_forecast_seconds"].to_numpy(float)

        args = (interval_seconds, target, thr, pat, settings)
        req_c, req_a = _required(chunked, fvol, faht, *args)
        act, act_a = _required(chunked, avol0, aht_act, *args)
        cap = capacity.result()
    df = _with_capacity(df, cap)

    df["traffic_forecast_erlangs"] = np.where(has_forecast, fvol * faht / interval_seconds, np.nan)
    df["required_agents_forecast_erlang_c"] = np.where(has_forecast, req_c.agents, np.nan)
    df["required_agents_forecast_erlang_a"] = np.where(has_forecast, req_a.agents, np.nan)
    df["required_positions_forecast"] = np.where(has_forecast, req_c.positions, np.nan)
    df["traffic_actual_erlangs"] = np.where(has_actual, avol0 * aht_act / interval_seconds, np.nan)
    df["required_agents_actual_erlang_c"] = np.where(has_actual, act.agents, np.nan)
    df["required_agents_actual_erlang_a"] = np.where(has_actual, act_a.agents, np.nan)

    sched = df["scheduled_agents"].to_numpy(float)
    staffed = df["staffed_agents"].to_numpy(float)
    required = df["required_agents_forecast_erlang_c"].to_numpy(float)
    hours = minutes / 60.0
    df["gap_scheduled_agents"] = sched - required
    df["gap_staffed_agents"] = np.where(
        has_actual, staffed - df["required_agents_actual_erlang_c"], np.nan
    )
    df["gap_scheduled_hours"] = df["gap_scheduled_agents"] * hours
    df["gap_staffed_hours"] = df["gap_staffed_agents"] * hours
    df["required_hours_forecast"] = required * hours
    df["scheduled_hours"] = sched * hours
    df["staffed_hours"] = staffed * hours

    # unstable load (agents <= traffic: Erlang C has no steady state, METRICS.md): flagged, not
    # hidden. At staffed: where the interval had contacts (no contacts = no load = false; null in
    # the future). At scheduled: where a forecast exists (false for a forecast of no load).
    traffic_act = df["traffic_actual_erlangs"].to_numpy(float)
    traffic_fc = df["traffic_forecast_erlangs"].to_numpy(float)
    df["is_unstable_at_staffed"] = pd.array(
        np.where(has_actual, (avol0 > 0) & (staffed <= traffic_act), False), dtype="boolean"
    )
    df.loc[~has_actual, "is_unstable_at_staffed"] = pd.NA
    df["is_unstable_at_scheduled"] = pd.array(
        np.where(has_forecast, (traffic_fc > 0) & (sched <= traffic_fc), False), dtype="boolean"
    )
    df.loc[~has_forecast, "is_unstable_at_scheduled"] = pd.NA

    # realised and modelled service level
    with np.errstate(invalid="ignore", divide="ignore"):
        df["sl_realised"] = np.where(
            df["sl_denominator"] > 0, df["sl_numerator"] / df["sl_denominator"], np.nan
        )
        df["sl_answered_within_threshold_of_offered"] = np.where(
            df["offered"] > 0, df["answered_within_threshold"] / df["offered"], np.nan
        )
    df["sl_erlang_c_at_staffed"] = np.where(
        avol0 > 0, chunked(sl_erlang_c, staffed, avol0, aht_act, interval_seconds, thr), np.nan
    )
    df["sl_erlang_a_at_staffed"] = np.where(
        avol0 > 0,
        chunked(sl_erlang_a, staffed, avol0, aht_act, interval_seconds, thr, pat),
        np.nan,
    )

    # root cause, where the interval had contacts, a realised SL and a forecast to compare with
    with_sl = has_actual & (avol0 > 0) & ~np.isnan(df["sl_realised"].to_numpy(float))
    rc = with_sl & has_forecast
    names = [
        "sl_model_plan",
        "sl_model_actual",
        "contribution_headroom",
        "contribution_volume",
        "contribution_aht",
        "contribution_planning",
        "contribution_adherence",
        "contribution_residual",
    ]
    for n in names:
        df[n] = np.nan
    if rc.any():
        parts = chunked(
            attribute_service_level,
            min_rows=min_rows // _ROOT_CAUSE_WORK,
            target_sl=target[rc],
            realised_sl=df["sl_realised"].to_numpy(float)[rc],
            forecast_contacts=fvol[rc],
            actual_contacts=avol0[rc],
            forecast_aht_seconds=faht[rc],
            actual_aht_seconds=aht_act[rc],
            required_agents=df["required_agents_forecast_erlang_a"].to_numpy(float)[rc],
            scheduled_agents=sched[rc],
            staffed_agents=staffed[rc],
            interval_seconds=interval_seconds,
            threshold_seconds=thr[rc],
            patience_seconds=pat[rc],
        )
        for n in names:
            col = np.full(len(df), np.nan)
            col[rc] = parts[n]
            df[n] = col
    # the model SL at the actuals needs no forecast: keep it for unattributed intervals too
    # (the same Erlang A evaluation as sl_erlang_a_at_staffed)
    unattributed = with_sl & ~has_forecast
    df.loc[unattributed, "sl_model_actual"] = df.loc[unattributed, "sl_erlang_a_at_staffed"]
    df["sl_target"] = target
    # missed counts every interval with a realised SL, attributed or not
    df["is_missed"] = with_sl & (df["sl_realised"].to_numpy(float) < target - 1e-12)
    df["interval_minutes"] = minutes
    df["kind"] = np.where(has_actual, "actual", "forecast")
    df = df.drop(columns=["q_aht"])
    df["interval_date"] = pd.to_datetime(df["interval_date"]).dt.date
    return df.sort_values(["queue_id", "interval_start_utc"]).reset_index(drop=True)
