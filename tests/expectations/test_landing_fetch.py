"""What a landing check fetches: only the columns its suite reads, shaped for GX's fast paths."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from expectations import registry
from expectations.runner import validate
from tests.expectations import frames as f


def test_a_suite_fetches_the_columns_it_names_conditions_on_and_derives_from():
    entry = registry.get(("acd", "calls"))
    con = duckdb.connect()
    from orchestration.lib.ingest import ensure_raw_tables

    ensure_raw_tables(con)
    table_columns = registry._table_columns(con, "raw_acd", "calls")
    columns, encodable = registry.landing_columns(
        entry.build_suite(), table_columns, entry.prepare_reads
    )
    # named by expectations, named only in a row condition, read by prepare(), lineage
    assert {"segment_id", "talk_seconds", "customer_id"} <= set(columns)
    assert "outcome" in columns  # only in row conditions ('outcome=="answered"')
    assert {"entered_queue_at", "answered_at", "ended_at"} <= set(columns)
    assert {"_delivery_id", "_source_file", "_source_row"} <= set(columns)
    # not read by any expectation: not fetched
    assert not {"customer_phone", "wrapup_code", "channel", "_loaded_at"} & set(columns)
    assert columns == [c for c in table_columns if c in columns]  # table order
    # categoricals only where the suite tests nothing but nulls / key uniqueness
    assert {"outcome", "_delivery_id", "_source_file", "agent_id"} <= encodable
    assert not {"talk_seconds", "segment_seq", "answered_at", "ended_at"} & encodable


def test_the_fetched_frame_has_categoricals_and_nanosecond_times():
    df = f.raw_frame("acd", "calls", f.calls())
    assert isinstance(df["outcome"].dtype, pd.CategoricalDtype)
    assert isinstance(df["_source_file"].dtype, pd.CategoricalDtype)
    assert not isinstance(df["segment_id"].dtype, pd.CategoricalDtype)  # one value per row
    assert str(df["ended_at"].dtype) == "datetime64[ns]"
    assert "customer_phone" not in df.columns


def test_a_date_beyond_nanosecond_range_is_still_validated():
    # a 9999-12-31 "no end" sentinel cannot be a nanosecond datetime: the column keeps its
    # unit (GX's slow path) and the pair expectation still sees the row
    rows = f.agents()
    rows[0] = {**rows[0], "termination_date": date(9999, 12, 31)}
    entry = registry.get(("hr", "agents"))
    df = f.raw_frame("hr", "agents", rows)
    assert str(df["hire_date"].dtype) == "datetime64[ns]"
    assert str(df["termination_date"].dtype) != "datetime64[ns]"
    summary = validate(entry.prepare(df), entry.build_suite())
    assert summary.evaluated_rows == len(rows)
    assert all(r.exception is None for r in summary.results), [r.exception for r in summary.results]
