"""Which incremental models recompute the look-back days (orchestration/lib/incremental.py).

A run recomputes a model's days from the window's ``event_from_date`` (the earliest event day
of the new rows, minus one) when the model's ``meta: {reprocess_lookback: false}`` says its facts
of a day depend on no later day, else from ``from_date`` (also minus the FCR / sales-attribution
look-back). A model on the short window that reads, directly or through other models, a model
whose facts look ahead would keep stale days: these tests hold the declarations to the dbt graph.
"""

from __future__ import annotations

import json
import re

import pytest

from orchestration.defs.transform.project import dbt_project

LOOK_AHEAD_VARS = re.compile(r"var\(\s*['\"](fcr_window_days|sales_attribution_window_days)['\"]")


@pytest.fixture(scope="module")
def models() -> dict[str, dict]:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}


def _windowed(node: dict) -> bool:
    """Built by reprocessing window, or tested from the window's first day (key-incremental
    staging, the fct_contact_segments view)."""
    config = node["config"]
    return config.get("incremental_strategy") == "reprocess_window" or bool(
        (config.get("meta") or {}).get("tested_from_column")
    )


def _lookback(node: dict) -> bool | None:
    return (node["config"].get("meta") or {}).get("reprocess_lookback")


def _downstream(models: dict[str, dict], sources: set[str]) -> set[str]:
    children: dict[str, list[str]] = {}
    for uid, node in models.items():
        for parent in node["depends_on"]["nodes"]:
            children.setdefault(parent, []).append(uid)
    seen, todo = set(), list(sources)
    while todo:
        uid = todo.pop()
        if uid not in seen:
            seen.add(uid)
            todo += children.get(uid, [])
    return seen


def test_every_windowed_model_declares_whether_it_recomputes_the_look_back(models):
    undeclared = sorted(n["name"] for n in models.values() if _windowed(n) and _lookback(n) is None)
    assert undeclared == []
    # and only windowed models declare it (elsewhere it would mean nothing)
    stray = sorted(n["name"] for n in models.values() if not _windowed(n) and _lookback(n) is not None)
    assert stray == []


def test_no_model_on_the_short_window_reads_a_fact_that_looks_ahead(models):
    """The models whose SQL uses the FCR or sales-attribution window look ahead; they and every
    model downstream of them (tables rebuilt whole included) recompute the look-back days."""
    ahead = {uid for uid, n in models.items() if LOOK_AHEAD_VARS.search(n["raw_code"])}
    assert {models[u]["name"] for u in ahead} >= {"fct_contacts", "int_orders_attributed_to_contacts"}
    affected = _downstream(models, ahead)
    short = {uid for uid, n in models.items() if _windowed(n) and _lookback(n) is False}
    assert sorted(models[u]["name"] for u in short & affected) == []
    # the split is not vacuous: the big per-day facts take the short window
    assert {"int_segments_enriched", "fct_queue_intervals", "fct_agent_intervals_15m",
            "stg_acd__calls", "fct_contact_segments"} <= {models[u]["name"] for u in short}
    assert {models[u]["name"] for u in affected if _windowed(models[u])} == {
        "fct_contacts", "int_orders_attributed_to_contacts", "fct_cases", "rpt_customer_daily",
        "rpt_complaints_daily",
    }


def test_a_singular_test_on_the_short_window_reads_only_short_window_models(models):
    """`tested_days(column, lookback=false)` checks the days from event_from_date: right for a
    test over models on that window only; over a model with the look-back it would skip days
    that model rewrote."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    short_tests = [
        n for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and "lookback=false" in n["raw_code"].replace(" ", "")
    ]
    assert len(short_tests) >= 4  # the interval-day, 15- vs 30-minute and agent reconciliations
    for test in short_tests:
        read = [models[u] for u in test["depends_on"]["nodes"] if u in models]
        assert read and all(_lookback(m) is False for m in read), (
            test["name"], [(m["name"], _lookback(m)) for m in read])
