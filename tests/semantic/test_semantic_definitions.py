"""The semantic layer's definitions: names, metric types, semi-additivity, validity, time spines."""

from __future__ import annotations

import json

from orchestration.lib.metric_catalog import HEADLINE_METRICS

RATIO_METRICS = {
    "abandonment_rate",
    "service_level",
    "average_speed_of_answer",
    "average_handle_time",
    "average_talk_time",
    "average_hold_time",
    "average_acw_time",
    "transfer_rate",
    "occupancy",
    "utilization",
    "adherence",
    "conformance",
    "shrinkage",
    "first_contact_resolution_rate",
    "csat_score",
    "csat_top2box_rate",
    "nps",
    "survey_response_rate",
    "qa_score",
    "sales_conversion_rate",
    "revenue_per_handled_contact",
    "complaint_rate",
    "attrition_rate",
}


def _manifest(manifest_path) -> dict:
    return json.loads(manifest_path.read_text())


def test_the_semantic_manifest_passes_metricflow_validation(manifest_path):
    from metricflow_semantic_interfaces.validations.semantic_manifest_validator import (
        SemanticManifestValidator,
    )
    from metricflow_semantics.model.dbt_manifest_parser import (
        parse_manifest_from_dbt_generated_manifest,
    )

    manifest = parse_manifest_from_dbt_generated_manifest(manifest_path.read_text())
    # The validator `mf validate-configs` runs (MetricFlow vendors the semantic interfaces).
    results = SemanticManifestValidator().validate_semantic_manifest(manifest)
    assert not results.has_blocking_issues, [str(i) for i in results.all_issues]
    assert not results.warnings, [str(i) for i in results.warnings]


def test_every_issue_metric_name_exists(manifest_path):
    names = {m["name"] for m in _manifest(manifest_path)["metrics"]}
    assert set(HEADLINE_METRICS) <= names
    for extra in ("short_abandon_rate", "average_abandon_time", "longest_wait", "handled_contacts"):
        assert extra in names


def test_ratios_are_ratio_or_derived_metrics_never_averages(manifest_path):
    m = _manifest(manifest_path)
    metrics = {x["name"]: x for x in m["metrics"]}
    for name in RATIO_METRICS:
        assert metrics[name]["type"] in ("ratio", "derived"), name
    aggs = {ms["agg"] for sm in m["semantic_models"] for ms in sm.get("measures", [])}
    assert "average" not in aggs and "median" not in aggs and "percentile" not in aggs


def test_semi_additive_measures_are_declared(manifest_path):
    measures = {
        ms["name"]: ms
        for sm in _manifest(manifest_path)["semantic_models"]
        for ms in sm["measures"]
    }
    assert measures["queue_longest_wait_seconds"]["agg"] == "max"
    nad = measures["headcount_end_of_period"]["non_additive_dimension"]
    assert nad["name"] == "headcount_date" and nad["window_choice"] == "max"


def test_daily_and_30_minute_time_spines_are_configured(manifest_path):
    spines = _manifest(manifest_path)["project_configuration"]["time_spines"]
    grains = {s["primary_column"]["time_granularity"] for s in spines}
    assert {"day", "minute"} <= grains


def test_every_mart_relation_is_in_the_warehouse_catalog(manifest_path):
    """Compiled SQL names `warehouse`.`main`: the serving snapshot's stem and schema."""
    for sm in _manifest(manifest_path)["semantic_models"]:
        assert sm["node_relation"]["database"] == "warehouse", sm["name"]
        assert sm["node_relation"]["schema_name"] == "main", sm["name"]
