"""Row-chunked threads for the staffing math give exactly the unchunked values.

``map_chunks`` (orchestration.lib.staffing.parallel) splits the rows of every 1-D array argument
over a thread pool and concatenates the chunks' arrays, dataclasses or dicts; the staffing table
(build_staffing_intervals) with 1 worker and with 3 is the same frame bit for bit; the root cause
skips only evaluations whose values it would not use. "Exactly" is checked on the bytes: the
same NaNs, the same signed zeros, the same last bits.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

import orchestration.lib.forecast.pipeline as pipeline
import orchestration.lib.forecast.rootcause as rootcause
from orchestration.lib.forecast.rootcause import attribute_service_level, sl_erlang_a
from orchestration.lib.staffing import erlang_a, parallel, required_agents, required_agents_erlang_a
from orchestration.lib.staffing.parallel import MIN_ROWS, map_chunks
from tests.orchestration.test_staffing_capacity import D, _queue_interval, _warehouse

RNG_SEED = 7


def _same(x, y) -> None:
    """Bit-for-bit equality of two results (arrays, dataclasses of arrays, dicts of arrays)."""
    if dataclasses.is_dataclass(x):
        assert type(x) is type(y)
        for f in dataclasses.fields(x):
            _same(getattr(x, f.name), getattr(y, f.name))
    elif isinstance(x, dict):
        assert x.keys() == y.keys()
        for k in x:
            _same(x[k], y[k])
    elif x is None:
        assert y is None
    else:
        assert isinstance(y, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape
        assert x.tobytes() == y.tobytes()


def _traced(fn, calls: list):
    """fn, recording the thread and the row count of every call."""

    def run(*args, **kwargs):
        rows = next(len(v) for v in (*args, *kwargs.values()) if isinstance(v, np.ndarray))
        calls.append((threading.current_thread().name, rows))
        return fn(*args, **kwargs)

    return run


def _erlang_inputs(n: int):
    rng = np.random.default_rng(RNG_SEED)
    contacts = rng.uniform(0, 200, n)
    contacts[::7] = 0.0  # zero-contact rows take other branches
    aht = rng.uniform(120, 400, n)
    threshold = rng.choice([10.0, 20.0, 30.0], n)
    target = rng.choice([0.7, 0.8, 0.9], n)
    patience = rng.uniform(30, 600, n)
    patience[::5] = np.inf  # no abandons: Erlang C inside Erlang A
    return contacts, aht, threshold, target, patience


# --- map_chunks -------------------------------------------------------------------------------


def test_arrays_are_split_into_uneven_contiguous_chunks_and_scalars_go_to_every_chunk():
    a, b = np.arange(10.0), np.linspace(-1, 1, 10)
    seen = []

    def affine(x, y, scale, offset=None):
        seen.append((threading.current_thread().name, x.copy(), scale, offset))
        return x * scale + y

    out = map_chunks(affine, a, b, 2.5, workers=3, min_rows=0, offset=None)
    _same(out, a * 2.5 + b)
    assert sorted(len(x) for _, x, _, _ in seen) == [3, 3, 4]
    assert np.array_equal(
        np.concatenate([x for *_, x, _, _ in sorted(seen, key=lambda s: s[1][0])]), a
    )
    assert all(name.startswith("staffing") for name, *_ in seen)
    assert all(scale == 2.5 and offset is None for _, _, scale, offset in seen)


def test_dataclass_results_are_joined_field_by_field():
    contacts, aht, threshold, _, patience = _erlang_inputs(101)
    agents = np.floor(contacts * aht / 1800 + np.sqrt(contacts)).clip(0)
    traffic = contacts * aht / 1800
    whole = erlang_a(agents, traffic, aht, patience, threshold)
    _same(
        map_chunks(erlang_a, agents, traffic, aht, patience, threshold, workers=4, min_rows=0),
        whole,
    )


@pytest.mark.parametrize("workers", [2, 3, 8])
def test_required_agents_chunked_equal_one_call(workers):
    # the searches for the smallest agent count run per row: a chunk's answer does not depend
    # on the other rows (Erlang C's result has no probability_abandon: None stays None)
    contacts, aht, threshold, target, patience = _erlang_inputs(203)
    c_args = (contacts, aht, 1800.0, target, threshold, 0.85, 0.3)
    a_args = (contacts, aht, 1800.0, target, threshold, patience, 0.85, 0.3)
    calls = []
    chunked = map_chunks(_traced(required_agents, calls), *c_args, workers=workers, min_rows=0)
    _same(chunked, required_agents(*c_args))
    assert chunked.probability_abandon is None and len(calls) == workers
    _same(
        map_chunks(required_agents_erlang_a, *a_args, workers=workers, min_rows=0),
        required_agents_erlang_a(*a_args),
    )


def _attribution_inputs(n: int) -> dict:
    rng = np.random.default_rng(RNG_SEED + 1)
    return dict(
        target_sl=rng.choice([0.7, 0.8], n),
        realised_sl=rng.uniform(0.2, 1, n),
        forecast_contacts=rng.uniform(10, 200, n),
        actual_contacts=rng.uniform(10, 200, n),
        forecast_aht_seconds=rng.uniform(120, 400, n),
        actual_aht_seconds=rng.uniform(120, 400, n),
        required_agents=rng.integers(5, 40, n).astype(float),
        scheduled_agents=rng.uniform(3, 40, n),
        staffed_agents=rng.uniform(0, 40, n),
        interval_seconds=1800.0,
        threshold_seconds=20.0,
        patience_seconds=rng.uniform(60, 600, n),
    )


def test_dict_results_are_joined_key_by_key():
    kw = _attribution_inputs(37)
    calls = []
    chunked = map_chunks(_traced(attribute_service_level, calls), workers=5, min_rows=0, **kw)
    _same(chunked, attribute_service_level(**kw))
    assert sorted(rows for _, rows in calls) == [7, 7, 7, 8, 8]


def test_below_the_row_threshold_or_with_one_worker_the_function_is_called_once_directly():
    a = np.arange(50.0)
    for kwargs in ({"workers": 4, "min_rows": 51}, {"workers": 4}, {"workers": 1, "min_rows": 0}):
        seen = []

        def record(x, seen=seen):
            seen.append((threading.current_thread(), x))
            return x + 1.0

        _same(map_chunks(record, a, **kwargs), a + 1.0)
        assert len(seen) == 1
        thread, x = seen[0]
        assert thread is threading.current_thread() and x is a, kwargs  # no split, no copy
    assert MIN_ROWS > 50


def test_arguments_it_cannot_split_are_refused():
    a = np.arange(10.0)
    with pytest.raises(ValueError, match="different lengths"):
        map_chunks(np.add, a, np.arange(9.0), workers=2, min_rows=0)
    with pytest.raises(TypeError):
        map_chunks(np.add, a, list(range(10)), workers=2, min_rows=0)  # a list is not split
    with pytest.raises(TypeError):
        map_chunks(np.add, a, np.ones((10, 2)), workers=2, min_rows=0)
    with pytest.raises(ValueError):
        map_chunks(np.add, a, a, workers=0)


def test_a_chunk_sees_the_callers_errstate_and_its_errors_reach_the_caller():
    x = np.array([1.0, 2.0, 0.0, 4.0])
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        map_chunks(np.reciprocal, x, workers=2, min_rows=0)
    with pytest.raises(ValueError, match="target_sl"):
        map_chunks(required_agents, x, 180.0, 1800.0, np.full(4, 1.0), 20.0, workers=2, min_rows=0)


# --- the Shapley root cause: each subset once, the ceiling only where agents are fractional ----


def test_attribution_evaluates_each_of_the_16_subsets_once(monkeypatch):
    kw = _attribution_inputs(25)
    calls = []
    monkeypatch.setattr(rootcause, "sl_erlang_a", _traced(sl_erlang_a, calls))
    parts = attribute_service_level(**kw)
    assert len(calls) == 16
    plan = sl_erlang_a(
        kw["required_agents"],
        kw["forecast_contacts"],
        kw["forecast_aht_seconds"],
        1800.0,
        20.0,
        kw["patience_seconds"],
    )
    _same(parts["sl_model_plan"], plan)
    _same(parts["contribution_headroom"], plan - kw["target_sl"])


def test_interpolation_evaluates_the_ceiling_only_for_fractional_agents():
    contacts, aht, threshold, _, patience = _erlang_inputs(40)
    traffic = contacts * aht / 1800
    agents = np.floor(traffic) + np.where(np.arange(40) % 2, 0.0, 0.25)  # every other integer
    rows = []

    def sl(n, a, h, t, p):
        rows.append(len(n))
        return erlang_a(n, a, h, p, t).service_level

    got = rootcause._interp(sl, agents, traffic, aht, threshold, patience)
    assert rows == [40, 20]
    # what evaluating the ceiling everywhere gives, bit for bit
    lo, w = np.floor(agents), agents - np.floor(agents)
    f_lo, f_hi = (sl(n, traffic, aht, threshold, patience) for n in (lo, lo + 1.0))
    _same(got, np.where(w > 0, (1.0 - w) * f_lo + w * f_hi, f_lo))


# --- build_staffing_intervals: 1 worker vs 3 ----------------------------------------------------

QUEUES = ("Q1", "Q2", "Q3")
SLOTS = 20  # 08:00 to 17:30, 30-minute intervals


def _synthetic_warehouse():
    """Three queues over a past day (the first 4 intervals without a forecast) and a forecast
    day; 10 agents split over the queues by handle share; Q3 has no abandons (inf patience)."""
    rng = np.random.default_rng(RNG_SEED + 2)
    agents = [f"A{i}" for i in range(10)]
    segments = [(a, QUEUES[i % 3], D, int(rng.integers(100, 900))) for i, a in enumerate(agents)]
    segments += [
        (a, QUEUES[(i + 1) % 3], D, int(rng.integers(100, 900))) for i, a in enumerate(agents[:6])
    ]
    starts = [datetime(2024, 3, 10, 8, 0) + timedelta(minutes=30 * k) for k in range(SLOTS)]
    future = [s + timedelta(days=1) for s in starts]
    intervals = [
        (a, s, int(rng.integers(0, 31)) * 60, int(rng.integers(0, 31)) * 60)
        for a in agents
        for s in starts + future
    ]
    con = _warehouse(segments=segments, intervals=intervals)
    con.execute("set threads=1")  # DuckDB's parallel sums of doubles vary in the last bits

    qi, forecast = [], []
    for q in QUEUES:
        for k, s in enumerate(starts):
            offered = int(rng.integers(0, 150)) if k % 9 else 0
            answered = int(offered * rng.uniform(0.8, 1.0))
            abandoned = 0 if q == "Q3" else offered - answered
            within = int(answered * rng.uniform(0.3, 1.0))
            row = _queue_interval(s) | {
                "queue_id": q,
                "offered": offered,
                "answered": answered,
                "abandoned": abandoned,
                "handled": answered,
                "handle_seconds": answered * int(rng.integers(120, 400)),
                "answered_within_threshold": within,
                "answered_wait_seconds": answered * 20,
                "abandoned_wait_seconds": abandoned * 45,
                "sl_numerator": within,
                "sl_denominator": offered,
            }
            qi.append(row)
            if k >= 4:  # the first intervals have no forecast
                forecast.append((q, s, "backtest", offered * rng.uniform(0.7, 1.3)))
        forecast += [(q, s, "forecast", float(rng.uniform(0, 150))) for s in future]
    con.register("_qi", pd.DataFrame(qi))
    con.execute("create table main.fct_queue_intervals as select * from _qi")
    con.execute(
        "create table main.dim_queues as select unnest(['Q1', 'Q2', 'Q3']) as queue_id, "
        "'S1' as site_id, 20 as sl_threshold_seconds, 80.0 as sl_target_pct"
    )
    fc = pd.DataFrame(
        forecast, columns=["queue_id", "interval_start_utc", "kind", "offered_forecast"]
    )
    fc = fc.assign(
        interval_start_local=fc["interval_start_utc"],
        interval_date=fc["interval_start_utc"].dt.date,
        method="seasonal_baseline",
        aht_forecast_seconds=rng.uniform(150, 350, len(fc)),
    )
    return con, fc


STAFFING_FUNCTIONS = {
    "required_agents": 2,
    "required_agents_erlang_a": 2,
    "sl_erlang_c": 1,
    "sl_erlang_a": 1,
    "attribute_service_level": 1,
}


def _spy(monkeypatch) -> tuple[list, list]:
    """Record the threads that run every chunk of the staffing math and the capacity query."""
    chunks, queries = [], []
    real_map, real_capacity = pipeline.map_chunks, pipeline.load_capacity

    def map_spy(fn, *args, **kwargs):
        def run(*a, **k):
            chunks.append((fn.__name__, threading.current_thread().name))
            return fn(*a, **k)

        return real_map(run, *args, **kwargs)

    def capacity_spy(con, settings):
        queries.append(threading.current_thread().name)
        return real_capacity(con, settings)

    monkeypatch.setattr(pipeline, "map_chunks", map_spy)
    monkeypatch.setattr(pipeline, "load_capacity", capacity_spy)
    return chunks, queries


def test_the_staffing_table_is_the_same_with_one_worker_and_with_three(monkeypatch):
    con, fc = _synthetic_warehouse()
    chunks, queries = _spy(monkeypatch)

    one = pipeline.build_staffing_intervals(con, fc, workers=1)
    assert {name for name, _ in chunks} == set(STAFFING_FUNCTIONS)
    assert all(thread == threading.current_thread().name for _, thread in chunks)
    assert len(chunks) == sum(STAFFING_FUNCTIONS.values())
    chunks.clear()

    three = pipeline.build_staffing_intervals(con, fc, workers=3, min_rows=0)
    # every Erlang call really ran as three chunks on pool threads
    for name, calls in STAFFING_FUNCTIONS.items():
        threads = [thread for fn, thread in chunks if fn == name]
        assert len(threads) == 3 * calls and all(t.startswith("staffing") for t in threads), name
    # and the capacity query on a thread of its own, while the required agents were computed
    assert len(queries) == 2 and all(q.startswith("capacity") for q in queries)

    pd.testing.assert_frame_equal(one, three, check_exact=True)
    assert len(one) == 2 * len(QUEUES) * SLOTS
    assert one["has_forecast"].sum() == len(QUEUES) * (2 * SLOTS - 4)
    attributed = one["contribution_residual"].notna()
    assert attributed.sum() >= 3 * 3  # each of three chunks of the root cause had rows
    assert np.isinf(one.loc[one["queue_id"] == "Q3", "patience_seconds"]).all()
    # the capacity columns sit where the table has always had them
    cols = list(one.columns)
    at = cols.index("scheduled_agents")
    assert cols[at : at + 4] == [
        "scheduled_agents",
        "staffed_agents",
        "unallocated_staffed_agents",
        "patience_seconds",
    ]


def test_default_workers_are_the_cores_the_process_may_use_at_most_four(monkeypatch):
    # a container's CPU set (affinity), not the host's cores
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert parallel.default_workers() == 2
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert parallel.default_workers() == 4
    # without the affinity API: the machine's count
    monkeypatch.delattr(parallel.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 3)
    assert parallel.default_workers() == 3
