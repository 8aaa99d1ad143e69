"""dbt models as Dagster assets; dbt tests become asset checks (dagster-dbt's default).

Before dbt runs, the run's reprocessing window is planned (orchestration/lib/incremental.py)
and recorded under the run id, which dbt reads as SWITCHBOARD_RUN_ID: incremental models then
recompute only the days the run's new deliveries touch, or everything on a full rebuild.
"""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.defs.resources import WarehouseResource
from orchestration.defs.runs import full_refresh_requested, reprocess_from_requested
from orchestration.defs.transform.project import dbt_build_args, ensure_manifest
from orchestration.lib.incremental import plan_window


class SwitchboardTranslator(DagsterDbtTranslator):
    """Group names follow the dbt folder (staging, intermediate, marts, utilities)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "source":
            return "ingestion"
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "dbt"


translator = SwitchboardTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=translator)
def switchboard_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    run_id = context.run.run_id
    with warehouse.connect() as con:  # closed before dbt opens the file (one writer)
        plan = plan_window(
            con,
            run_id,
            force_full=full_refresh_requested(context),
            force_from=reprocess_from_requested(context),
        )
    context.log.info(f"reprocessing window: {plan.describe()}")
    os.environ["SWITCHBOARD_RUN_ID"] = run_id
    yield from dbt.cli(dbt_build_args(full_refresh=plan.full_rebuild), context=context).stream()
