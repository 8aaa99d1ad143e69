"""The serving snapshot: published after the marts and their blocking checks succeed."""

import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.defs.resources import ServingResource, WarehouseResource
from orchestration.defs.transform.dbt import switchboard_dbt_assets
from orchestration.defs.transform.project import dbt_project
from orchestration.lib.incremental import existing_plan, last_completed_run, mark_completed
from orchestration.lib.publish import MART_SCHEMA, WindowUpdate, publish_snapshot

MART_KEYS = [k for k in switchboard_dbt_assets.keys if k.path[-1].startswith(("fct_", "dim_", "rpt_", "metricflow_"))]


@dataclass(frozen=True)
class ServedMarts:
    """What the publish step needs to know of the marts (dbt manifest): ``day_columns``, mart ->
    day column of every mart whose days before a run's window never change (the models built by
    reprocessing window, and the views over one of them that name their day column in
    ``meta.tested_from_column``: fct_contact_segments); ``event_window``, those of them without
    look-back (``meta.reprocess_lookback`` false: recomputed from the window's event_from_date);
    ``views``, the marts that are views in the warehouse (published as tables)."""

    day_columns: dict[str, str]
    views: frozenset[str]
    event_window: frozenset[str] = frozenset()


def served_marts(manifest_path: Path) -> ServedMarts:
    manifest = json.loads(Path(manifest_path).read_text())
    day_columns: dict[str, str] = {}
    views: set[str] = set()
    event_window: set[str] = set()
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "model" or node.get("schema") != MART_SCHEMA:
            continue
        name, config = node.get("alias") or node["name"], node["config"]
        meta = config.get("meta") or {}
        if config.get("incremental_strategy") == "reprocess_window":
            day_columns[name] = config["unique_key"]
        if config.get("materialized") == "view":
            views.add(name)
            if meta.get("tested_from_column"):
                day_columns[name] = meta["tested_from_column"]
        if name in day_columns and meta.get("reprocess_lookback", True) is False:
            event_window.add(name)
    return ServedMarts(day_columns, frozenset(views), frozenset(event_window))


def window_update(
    con, run_id: str, day_columns: dict[str, str], event_window: frozenset[str] = frozenset()
) -> WindowUpdate | None:
    """The run's window as a snapshot update, or None when the run rebuilt everything."""
    plan = existing_plan(con, run_id)
    base = last_completed_run(con)
    if plan is None or plan.full_rebuild or plan.from_date is None or base is None:
        return None
    return WindowUpdate(
        base_run_id=base,
        from_date=plan.from_date,
        day_columns=day_columns,
        event_from_date=plan.first_event_day,
        event_window=event_window,
    )


@dg.asset(
    key=dg.AssetKey(["serving", "warehouse_snapshot"]),
    group_name="serving",
    deps=MART_KEYS,
    kinds={"duckdb"},
    description="Read-only copy of the marts and load accounting that the app and analysts read "
    "(data/serving/warehouse.duckdb), swapped in atomically; an incremental run updates only "
    "the days it recomputed.",
)
def serving_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource, serving: ServingResource):
    marts = served_marts(dbt_project.manifest_path)
    with warehouse.connect() as con:  # closed before the publish attaches the file read-only
        update = window_update(con, context.run_id, marts.day_columns, marts.event_window)
    result = publish_snapshot(
        warehouse.path,
        serving.path,
        run_id=context.run_id,
        semantic_manifest=dbt_project.target_path / "semantic_manifest.json",
        update=update,
        day_columns=marts.day_columns,
        views=marts.views,
    )
    context.log.info(
        f"published {len(result.tables)} tables to {result.path} in {result.seconds:.1f}s ({result.mode})"
    )
    # every dbt step of the run succeeded: the next run may build incrementally on this one
    with warehouse.connect() as con:
        mark_completed(con, context.run_id)
    warmed = warm_app_sql(context, result.path)
    return dg.MaterializeResult(
        metadata={
            "path": str(result.path),
            "published_at": result.published_at.isoformat(),
            "seconds": round(result.seconds, 2),
            "mode": result.mode,
            "row_counts": dg.MetadataValue.json(result.tables),
            "app_sql_compiled": warmed,
        }
    )


def warm_app_sql(context, snapshot_path: Path) -> int:
    """Compile for the published semantic manifest the request shapes it does not have yet: the
    pages' default shapes and those the app used under the previous manifest
    (apps.queries.semantic.warm_sql_cache), so the first visitor after a fresh install or a change
    of the dbt project reads SQL from disk. Nothing to do (the usual run): a directory listing. A
    failure here costs the app a compile, never the publish: logged, not raised."""
    from apps.queries.semantic import find_manifest, warm_sql_cache

    try:
        warmed = warm_sql_cache(find_manifest(snapshot_path))
    except Exception as exc:  # noqa: BLE001
        context.log.warning(f"the app's SQL cache was not warmed: {exc!r}")
        return 0
    if warmed.compiled or warmed.failed:
        context.log.info(
            f"compiled {warmed.compiled} request shape(s) of the app for the new semantic manifest "
            f"in {warmed.seconds:.1f}s ({warmed.failed} no longer valid)"
        )
    return warmed.compiled
