"""Great Expectations suites as Dagster asset checks (STYLE.md 9.4).

- ``gx_landing_suite`` on every landing asset [family, table]: blocking. It validates the rows
  of the deliveries loaded in this run (see expectations.registry for the batch rule; in a
  checks-only run, the table's latest delivery). A failed *critical* expectation (key not unique
  within a delivery, a non-empty delivery that loaded nothing, ...) fails the check with
  severity ERROR, which blocks the dbt assets downstream; failed warnings are severity WARN.
- ``gx_drift_suite`` on the marts: non-blocking, warnings only (tolerances and drift bands).

Every evaluation is also appended to ``raw_meta.check_results`` (one row per expectation) for
the app's Data health page. Export: ``quality_checks``.
"""
# No `from __future__ import annotations` in Dagster definition modules (see STACK.md).

import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import dagster as dg

from expectations import registry
from expectations.registry import Batch, SuiteEntry
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.runs import run_start_utc
from orchestration.defs.transform.dbt import switchboard_dbt_assets
from orchestration.lib import gx_bridge

LANDING_CHECK = "gx_landing_suite"
DRIFT_CHECK = "gx_drift_suite"

LANDING = {dg.AssetKey(list(e.asset_key)): e for e in registry.landing_entries()}
_MART_NAMES = {e.asset_key[-1]: e for e in registry.mart_entries()}
MARTS = {
    key: _MART_NAMES[key.path[-1]]
    for key in switchboard_dbt_assets.keys
    if key.path[-1] in _MART_NAMES
}


# A chunk of at least this many rows is collected after its validation (see evaluate).
GC_CHUNK_ROWS = 200_000


def _key_str(key: dg.AssetKey) -> str:
    return "/".join(key.path)


def evaluate(
    con,
    entry: SuiteEntry,
    *,
    asset_key: dg.AssetKey,
    check_name: str,
    since: datetime | None = None,
    run_id: str | None = None,
) -> dg.AssetCheckResult:
    """Fetch the entry's batch, validate it, persist the summary, and return the check result.

    Plain function (no context) so it can be tested on a DuckDB connection directly.
    """
    from expectations.runner import merge, validate  # imports great_expectations: lazily, here

    suite = entry.build_suite()
    summaries, descriptions = [], []
    # landing batches come in chunks of whole deliveries, so a first load of a year of history
    # is validated without holding it in memory at once
    # GX's per-validation context holds the frame in reference cycles: each chunk's are freed by
    # a collection after it, or a year's first load grows by ~250 MB per million rows validated.
    # The objects alive before the first chunk (the process's modules, Dagster's and GX's state)
    # are frozen out of those collections: a full collection walked them all, 0.3 s a chunk
    # (9.7 s of 33 s for the 30 M agent states of the 10M set). One full collection comes first,
    # so that only live objects are frozen: garbage of the previous suite's evaluation would
    # otherwise be frozen by this one, and the next, and never collected (the 14 landing suites
    # of a year's first load left the process at 2.9 GiB instead of 1.7 and peaked 0.7 GiB higher).
    # A small chunk (a day's delivery, a mart's rows) skips all that: its garbage is a few MB,
    # which Python's own collections free, and the full collection before the freeze cost
    # 0.2-0.3 s a suite in the pipeline's process, most of a daily run's 14 landing + 4 drift suites.
    frozen = False
    try:
        for batch in _fetched_ahead(entry.fetch_chunks(con, since=since, suite=suite)):
            large = len(batch.frame) >= GC_CHUNK_ROWS
            if large and not frozen:
                gc.collect()
                gc.freeze()
                frozen = True
            summaries.append(validate(batch.frame, suite))
            descriptions.append(batch.description)
            batch.frame = None
            if large:
                gc.collect()
    finally:
        if frozen:
            gc.unfreeze()
    if not summaries:
        reason = (
            "no new rows delivered in this run"
            if entry.kind == "landing"
            else f"{entry.relation} is empty"
        )
        return gx_bridge.skipped_check_result(asset_key, check_name, reason)
    summary = merge(summaries)
    description = (
        descriptions[0]
        if len(descriptions) == 1
        else f"{summary.evaluated_rows} row(s) of {entry.relation} in {len(descriptions)} chunks of whole deliveries"
    )
    gx_bridge.write_check_results(
        con,
        summary,
        check_name=check_name,
        asset_key=_key_str(asset_key),
        run_id=run_id,
        batch_description=description,
    )
    return gx_bridge.to_check_result(
        summary, asset_key=asset_key, check_name=check_name, batch_description=description
    )


def _fetched_ahead(chunks: Iterator[Batch]) -> Iterator[Batch]:
    """The chunks of ``chunks``, each next one fetched in a worker thread while this one is
    validated: DuckDB's fetch releases the GIL, so on two cores it overlaps GX's pandas work
    (at a year's first load, a million calls rows take ~1 s to fetch and ~1.5 s to validate).
    At most two chunks are in memory. Only the worker touches the generator (and through it the
    connection) until it is exhausted."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx-fetch") as pool:
        it = iter(chunks)
        pending = pool.submit(next, it, None)
        while (batch := pending.result()) is not None:
            pending = pool.submit(next, it, None)
            yield batch


def _materialized_in_this_run(context, key: dg.AssetKey) -> bool:
    try:
        event = context.instance.get_latest_materialization_event(key)
    except Exception:  # noqa: BLE001
        return False
    return event is not None and event.run_id == context.run.run_id


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=LANDING_CHECK,
            asset=key,
            blocking=True,
            description=(
                f"GE suite {e.name} on the rows delivered in this run: key unique within a delivery, "
                "plausible ranges, null-rate bands, row-wise consistency. Critical failures block."
            ),
        )
        for key, e in LANDING.items()
    ],
    can_subset=True,
    name="gx_landing_checks",
)
def gx_landing_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    run_start = run_start_utc(context)
    with warehouse.connect() as con:
        for check_key in sorted(context.selected_asset_check_keys, key=lambda k: k.asset_key.path):
            key = check_key.asset_key
            # A pipeline run validates only what it loaded; a checks-only run, the latest delivery.
            since = run_start if _materialized_in_this_run(context, key) else None
            yield evaluate(
                con,
                LANDING[key],
                asset_key=key,
                check_name=LANDING_CHECK,
                since=since,
                run_id=context.run.run_id,
            )
    # the last suite's garbage (evaluate() collects before it freezes, not after): freed here,
    # not left for the steps that follow in this process
    gc.collect()


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=DRIFT_CHECK,
            asset=key,
            blocking=False,
            description=f"GE drift suite {e.name} (warnings): bands on rates, durations, null shares, row counts.",
        )
        for key, e in MARTS.items()
    ],
    can_subset=True,
    name="gx_drift_checks",
)
def gx_drift_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        for check_key in sorted(context.selected_asset_check_keys, key=lambda k: k.asset_key.path):
            key = check_key.asset_key
            yield evaluate(
                con, MARTS[key], asset_key=key, check_name=DRIFT_CHECK, run_id=context.run.run_id
            )


quality_checks = [gx_landing_checks, gx_drift_checks]
