"""dbt models as Dagster assets; dbt tests become asset checks (dagster-dbt's default).

Before dbt runs, the run's reprocessing window is planned (orchestration/lib/incremental.py)
and recorded under the run id, which dbt reads as SWITCHBOARD_RUN_ID: incremental models then
recompute only the days the run's new deliveries touch, or everything on a full rebuild.

The forecast and staffing tables are dbt Python models (models/intermediate/staffing), so the
whole project is one `dbt build` per run; their settings are dbt vars, which a run may override
through this op's config (StaffingConfig).
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
from orchestration.lib.dbt_checks import dbt_check_rows
from orchestration.lib.gx_bridge import append_check_results
from orchestration.lib.incremental import plan_window

# The landing asset that the dbt project's roots (seeds, time spines) are ordered after.
ROOT_ANCHOR = dg.AssetKey(["acd", "queues"])


class SwitchboardTranslator(DagsterDbtTranslator):
    """Group names follow the dbt folder (staging, intermediate, marts, utilities).

    dbt nodes that read nothing (the seeds and the time spine) get an ordering dependency on a
    landing asset. Dagster splits a multi-asset into one step per distance from the job's roots,
    so without it they would be a step of their own: one more dbt process per run (~10-25 s of
    start-up and parsing, for half a second of work). With it the whole project is one
    `dbt build`. No data flows along that edge.
    """

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props.get("resource_type") in ("seed", "model") and not (
            props.get("depends_on") or {}
        ).get("nodes"):
            spec = spec.merge_attributes(deps=[ROOT_ANCHOR])
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "source":
            return "ingestion"
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "dbt"


class StaffingConfig(dg.Config):
    """One run's overrides of the forecast and staffing settings: the dbt vars of the same names
    (dbt_project.yml holds their defaults and meanings; docs/staffing.md). An unset field keeps
    the var's value. An override makes that run's dbt re-parse the project (dbt's partial parse
    is keyed on the vars), so a lasting change belongs in dbt_project.yml."""

    forecast_horizon_days: int | None = None
    forecast_lead_days: int | None = None
    forecast_backtest_horizon_days: int | None = None
    forecast_weeks: int | None = None
    forecast_min_scored_days: int | None = None
    staffing_shrinkage: float | None = None
    staffing_max_occupancy: float | None = None
    staffing_share_window_days: int | None = None

    def dbt_vars(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


translator = SwitchboardTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=translator)
def switchboard_dbt_assets(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: StaffingConfig,
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
    args = dbt_build_args(full_refresh=plan.full_rebuild, vars=config.dbt_vars() or None)
    invocation = dbt.cli(args, context=context)
    # each data test's result also goes to raw_meta.check_results for the Data health page
    # (orchestration.lib.dbt_checks), failed ones too: written in `finally`, after dbt exited
    checks: list[dg.AssetCheckResult] = []
    try:
        for event in invocation.stream():
            if isinstance(event, dg.AssetCheckResult):
                checks.append(event)
            yield event
    finally:
        if checks:
            batch = (
                "every row (full build)"
                if plan.full_rebuild
                else f"an incremental model's rows of the run's window ({plan.describe()}); other models whole"
            )
            rows = dbt_check_rows(checks, invocation.manifest, run_id=run_id, batch=batch)
            try:
                with warehouse.connect() as con:
                    append_check_results(con, rows)
            except Exception as e:  # noqa: BLE001 - never hide the run's own outcome
                # (a run cancelled mid-stream: dbt may still hold the file)
                context.log.warning(f"dbt test results not recorded for Data health: {e}")
