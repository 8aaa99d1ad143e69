"""docs/metric_catalog.md is generated from the semantic manifest and stays in sync with it."""

from __future__ import annotations

from orchestration.lib.metric_catalog import (
    DOC_PATH,
    HEADLINE_METRICS,
    META_KEYS,
    build_catalog,
    render_markdown,
)


def test_the_committed_catalog_equals_the_generated_one(manifest_path):
    generated = render_markdown(build_catalog(manifest_path.read_text()))
    assert DOC_PATH.read_text() == generated, (
        "docs/metric_catalog.md is out of date: run "
        "`uv run python -m orchestration.lib.metric_catalog` after `dbt parse`"
    )


def test_every_metric_documents_formula_grain_options_vendors_and_owner(manifest_path):
    catalog = build_catalog(manifest_path.read_text())
    for m in catalog.metrics:
        for key in META_KEYS:
            value = getattr(m, key)
            assert value and value != "None", f"{m.name}: meta.{key} is missing"
        assert m.description, m.name
        assert m.time_grains and "metric_time__day" in m.time_grains, m.name


def test_the_catalog_lists_every_headline_metric_and_the_saved_queries(manifest_path):
    catalog = build_catalog(manifest_path.read_text())
    names = catalog.by_name()
    assert set(HEADLINE_METRICS) <= set(names)
    assert all(names[n].headline for n in HEADLINE_METRICS)
    assert {q.name for q in catalog.saved_queries} == {
        "daily_service_summary",
        "queue_interval_heat_map",
        "agent_scorecard",
    }
    md = render_markdown(catalog)
    for n in HEADLINE_METRICS:
        assert f"### `{n}` ★" in md
