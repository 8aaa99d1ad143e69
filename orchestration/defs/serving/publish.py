"""The serving snapshot: published after the marts and their blocking checks succeed."""


import dagster as dg

from orchestration.defs.resources import ServingResource, WarehouseResource
from orchestration.defs.transform.dbt import switchboard_dbt_assets
from orchestration.defs.transform.project import dbt_project
from orchestration.lib.incremental import mark_completed
from orchestration.lib.publish import publish_snapshot

MART_KEYS = [k for k in switchboard_dbt_assets.keys if k.path[-1].startswith(("fct_", "dim_", "rpt_", "metricflow_"))]


@dg.asset(
    key=dg.AssetKey(["serving", "warehouse_snapshot"]),
    group_name="serving",
    deps=MART_KEYS,
    kinds={"duckdb"},
    description="Read-only copy of the marts and load accounting that the app and analysts read "
    "(data/serving/warehouse.duckdb), swapped in atomically.",
)
def serving_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource, serving: ServingResource):
    result = publish_snapshot(
        warehouse.path,
        serving.path,
        run_id=context.run_id,
        semantic_manifest=dbt_project.target_path / "semantic_manifest.json",
    )
    context.log.info(f"published {len(result.tables)} tables to {result.path} in {result.seconds:.1f}s")
    # every dbt step of the run succeeded: the next run may build incrementally on this one
    with warehouse.connect() as con:
        mark_completed(con, context.run_id)
    return dg.MaterializeResult(
        metadata={
            "path": str(result.path),
            "published_at": result.published_at.isoformat(),
            "seconds": round(result.seconds, 2),
            "row_counts": dg.MetadataValue.json(result.tables),
        }
    )
