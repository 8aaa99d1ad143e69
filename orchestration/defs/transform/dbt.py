"""dbt models as Dagster assets; dbt tests become asset checks (dagster-dbt's default)."""


from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.defs.transform.project import dbt_build_args, ensure_manifest


class SwitchboardTranslator(DagsterDbtTranslator):
    """Group names follow the dbt folder (staging, intermediate, marts, utilities)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "source":
            return "ingestion"
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "dbt"


translator = SwitchboardTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=translator)
def switchboard_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(dbt_build_args(), context=context).stream()
