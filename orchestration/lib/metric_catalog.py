"""The metric catalog: every semantic-layer metric with its definition, generated, never typed.

Source: the semantic manifest dbt writes (``target/semantic_manifest.json``), i.e. the metrics in
``dbt_project/models/semantic/*.yml`` with the ``config.meta`` keys each one carries
(category, formula, grain, options, vendor_equivalents, owner). The group-by items available to
each metric come from MetricFlow itself, so the catalog lists exactly what ``mf query`` accepts.

    uv run python -m orchestration.lib.metric_catalog             # rewrite docs/metric_catalog.md
    uv run python -m orchestration.lib.metric_catalog --check     # exit 1 if it is out of date

The Streamlit "Metric catalog" page renders the same :class:`MetricEntry` list.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import REPO_ROOT, get_settings

DOC_PATH = REPO_ROOT / "docs" / "metric_catalog.md"
META_KEYS = ("category", "formula", "grain", "options", "vendor_equivalents", "owner")
CATEGORY_ORDER = ("queue", "segment", "agent", "quality", "customer", "survey", "workforce")
CATEGORY_TITLES = {
    "queue": "Queue (fct_queue_intervals)",
    "segment": "Queue, segment view (fct_contact_segments)",
    "agent": "Agent and workforce management (fct_agent_days)",
    "quality": "Quality (fct_qa_evaluations)",
    "customer": "Customer outcomes (fct_contacts)",
    "survey": "Surveys (fct_survey_responses)",
    "workforce": "Headcount and attrition (fct_headcount_daily)",
}
# The names issue 4 fixes for reports and users (README, app): flagged in the catalog.
HEADLINE_METRICS = (
    "offered_contacts",
    "answered_contacts",
    "abandoned_contacts",
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
)


@dataclass(frozen=True)
class MetricEntry:
    name: str
    label: str
    description: str
    type: str
    definition: str  # how MetricFlow computes it (measure/agg, numerator/denominator, expr)
    category: str
    formula: str
    grain: str
    options: str
    vendor_equivalents: str
    owner: str
    time_grains: tuple[str, ...]
    dimensions: tuple[str, ...]
    entities: tuple[str, ...]
    headline: bool


@dataclass(frozen=True)
class SavedQueryEntry:
    name: str
    label: str
    description: str
    metrics: tuple[str, ...]
    group_by: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    metrics: tuple[MetricEntry, ...]
    saved_queries: tuple[SavedQueryEntry, ...]

    def by_name(self) -> dict[str, MetricEntry]:
        return {m.name: m for m in self.metrics}


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _definition(metric: dict, measures: dict[str, dict]) -> str:
    tp = metric["type_params"]
    kind = metric["type"]
    if kind == "simple":
        measure = tp["measure"]["name"] if isinstance(tp["measure"], dict) else tp["measure"]
        m = measures.get(measure, {})
        text = (
            f"{m.get('agg', '?')}({_one_line(m.get('expr') or measure)}) of {m.get('model', '?')}"
        )
        if m.get("non_additive"):
            text += f"; non-additive over {m['non_additive']}"
        return text
    if kind == "ratio":
        return f"{tp['numerator']['name']} / {tp['denominator']['name']}"
    if kind == "derived":
        inputs = ", ".join(
            f"{i['alias']} = {i['name']}" if i.get("alias") else i["name"] for i in tp["metrics"]
        )
        return f"{_one_line(tp['expr'])} where {inputs}"
    return kind


def _measures(manifest: dict) -> dict[str, dict]:
    out = {}
    for sm in manifest["semantic_models"]:
        for m in sm.get("measures", []):
            nad = m.get("non_additive_dimension")
            out[m["name"]] = {
                "agg": m["agg"],
                "expr": m.get("expr"),
                "model": sm["node_relation"]["alias"],
                "non_additive": (
                    f"{nad['name']} ({nad.get('window_choice', 'max')})" if nad else None
                ),
            }
    return out


def _group_by_items(manifest_text: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """metric -> (time grains of metric_time, dimensions), from a MetricFlow engine."""
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.dbt_manifest_parser import (
        parse_manifest_from_dbt_generated_manifest,
    )
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    from apps.queries.semantic import _CompileOnlyDuckDbClient

    manifest = parse_manifest_from_dbt_generated_manifest(manifest_text)
    engine = MetricFlowEngine(
        semantic_manifest_lookup=SemanticManifestLookup(manifest),
        sql_client=_CompileOnlyDuckDbClient(),
    )
    return group_by_items_of(engine)


def group_by_items_of(engine) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """metric -> (time grains of metric_time, dimensions) of a built MetricFlow engine."""
    grains_order = ("minute", "hour", "day", "week", "month", "quarter", "year")
    out = {}
    for metric in engine.list_metrics(include_dimensions=True):
        dims, base_grain = set(), None
        for d in metric.dimensions:
            if d.name == "metric_time":
                g = d.type_params.time_granularity if d.type_params else None
                base_grain = g.value if g is not None else None
                continue
            dims.add(d.dunder_name)
        grains = ()
        if base_grain in grains_order:
            grains = tuple(
                f"metric_time__{g}" for g in grains_order[grains_order.index(base_grain) :]
            )
        out[metric.name] = (grains, tuple(sorted(dims)))
    return out


def _entities_for(manifest: dict) -> dict[str, tuple[str, ...]]:
    """metric -> entity names of the semantic models its measures live in (group-by-able)."""
    model_entities = {
        m["name"]: (sm["node_relation"]["alias"], {e["name"] for e in sm.get("entities", [])})
        for sm in manifest["semantic_models"]
        for m in sm.get("measures", [])
    }
    metrics = {m["name"]: m for m in manifest["metrics"]}

    def measures_of(name: str, seen: frozenset = frozenset()) -> set[str]:
        if name in seen:
            return set()
        m = metrics[name]
        tp = m["type_params"]
        if m["type"] == "simple":
            return {tp["measure"]["name"] if isinstance(tp["measure"], dict) else tp["measure"]}
        names = (
            [tp["numerator"]["name"], tp["denominator"]["name"]]
            if m["type"] == "ratio"
            else [i["name"] for i in tp.get("metrics") or []]
        )
        out: set[str] = set()
        for n in names:
            out |= measures_of(n, seen | {name})
        return out

    result = {}
    for name in metrics:
        sets = [model_entities[ms][1] for ms in measures_of(name) if ms in model_entities]
        common = set.intersection(*sets) if sets else set()
        result[name] = tuple(sorted(common))
    return result


def build_catalog(
    manifest_text: str,
    group_by_items: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
) -> Catalog:
    """The catalog of a semantic manifest. ``group_by_items``: metric -> (grains, dimensions)
    when the caller has them (the app's semantic layer keeps them on disk); else a MetricFlow
    engine is built to list them."""
    manifest = json.loads(manifest_text)
    measures = _measures(manifest)
    items = _group_by_items(manifest_text) if group_by_items is None else group_by_items
    entities = _entities_for(manifest)
    entries = []
    for m in manifest["metrics"]:
        meta = ((m.get("config") or {}).get("meta")) or {}
        grains, dims = items.get(m["name"], ((), ()))
        entries.append(
            MetricEntry(
                name=m["name"],
                label=m.get("label") or m["name"],
                description=_one_line(m.get("description")),
                type=m["type"],
                definition=_definition(m, measures),
                category=str(meta.get("category", "other")),
                formula=_one_line(str(meta.get("formula", ""))),
                grain=_one_line(str(meta.get("grain", ""))),
                options=_one_line(str(meta.get("options", ""))),
                vendor_equivalents=_one_line(str(meta.get("vendor_equivalents", ""))),
                owner=str(meta.get("owner", "")),
                time_grains=grains,
                dimensions=dims,
                entities=entities.get(m["name"], ()),
                headline=m["name"] in HEADLINE_METRICS,
            )
        )
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    entries.sort(key=lambda e: (order.get(e.category, len(order)), not e.headline, e.name))
    saved = tuple(
        SavedQueryEntry(
            name=q["name"],
            label=q.get("label") or q["name"],
            description=_one_line(q.get("description")),
            metrics=tuple(q["query_params"]["metrics"]),
            group_by=tuple(q["query_params"]["group_by"]),
        )
        for q in sorted(manifest.get("saved_queries", []), key=lambda q: q["name"])
    )
    return Catalog(metrics=tuple(entries), saved_queries=saved)


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else "-"


def render_markdown(catalog: Catalog) -> str:
    lines = [
        "# Metric catalog",
        "",
        "<!-- Generated by `uv run python -m orchestration.lib.metric_catalog` from the semantic",
        "     manifest (dbt_project/models/semantic/*.yml). Do not edit by hand;",
        "     tests/semantic/test_metric_catalog.py fails when this file is out of date. -->",
        "",
        "Every KPI is defined once, in the dbt semantic layer, and computed by MetricFlow from the",
        "marts' additive primitives: ratios are ratios of sums, never averages of averages. Query",
        "any metric with `mf query --metrics <name> --group-by <items>` (see the README section",
        '"Semantic layer") or in the app\'s *Metric catalog* page. Metrics marked **★** are the',
        "stable names reports rely on; the others are variants and the additive inputs of the",
        "ratios (useful to re-aggregate in a BI tool).",
        "",
        "Columns: *type* is the MetricFlow metric type; *formula* the definition over the marts;",
        "*grain* the finest grain the metric is stored at; *options* the dbt vars and policies that",
        "change it; *vendor equivalents* the closest figure in the big platforms' reports.",
        "",
    ]
    # Dimension sets: metrics of one semantic model share them, so list each set once.
    sets: dict[tuple[str, ...], str] = {}
    for e in catalog.metrics:
        key = e.time_grains + e.dimensions
        if key not in sets:
            sets[key] = f"D{len(sets) + 1}"
    by_cat: dict[str, list[MetricEntry]] = {}
    for e in catalog.metrics:
        by_cat.setdefault(e.category, []).append(e)
    lines += ["## Summary", ""]
    for cat, entries in by_cat.items():
        lines += [
            f"### {CATEGORY_TITLES.get(cat, cat)}",
            "",
            "| metric | label | type | formula | grain | group by |",
            "|---|---|---|---|---|---|",
        ]
        for e in entries:
            star = " ★" if e.headline else ""
            dims = sets[e.time_grains + e.dimensions]
            ents = ", ".join(f"`{x}`" for x in e.entities) or "-"
            lines.append(
                f"| `{e.name}`{star} | {_cell(e.label)} | {e.type} | {_cell(e.formula)} | "
                f"{_cell(e.grain)} | [{dims}](#dimension-set-{dims.lower()}); entities {ents} |"
            )
        lines.append("")
    lines += ["## Definitions", ""]
    for e in catalog.metrics:
        star = " ★" if e.headline else ""
        dims = sets[e.time_grains + e.dimensions]
        lines += [
            f"### `{e.name}`{star}",
            "",
            f"{e.description or e.label}",
            "",
            f"- **Type:** {e.type} - `{e.definition}`",
            f"- **Formula:** {_cell(e.formula)}",
            f"- **Grain:** {_cell(e.grain)}",
            f"- **Options:** {_cell(e.options)}",
            f"- **Vendor equivalents:** {_cell(e.vendor_equivalents)}",
            f"- **Owner:** {_cell(e.owner)}",
            f"- **Group by:** entities {', '.join(f'`{x}`' for x in e.entities) or '-'}; "
            f"time and dimensions [{dims}](#dimension-set-{dims.lower()})",
            "",
        ]
    lines += ["## Dimension sets", ""]
    for key, label in sets.items():
        lines += [f"### Dimension set {label}", "", ", ".join(f"`{k}`" for k in key) or "-", ""]
    lines += [
        "## Saved queries",
        "",
        "Run with `mf query --saved-query <name>` (add `--where`, `--order`, `--limit`).",
        "",
    ]
    for q in catalog.saved_queries:
        lines += [
            f"### `{q.name}`",
            "",
            q.description,
            "",
            f"- **Metrics:** {', '.join(f'`{m}`' for m in q.metrics)}",
            f"- **Group by:** {', '.join(f'`{g}`' for g in q.group_by)}",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def default_manifest_path() -> Path:
    settings = get_settings()
    return (
        Path(getattr(settings, "dbt_target_dir", REPO_ROOT / "dbt_project" / "target"))
        / "semantic_manifest.json"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m orchestration.lib.metric_catalog")
    p.add_argument("--manifest", type=Path, default=None, help="semantic_manifest.json to read")
    p.add_argument("--out", type=Path, default=DOC_PATH)
    p.add_argument("--check", action="store_true", help="exit 1 if --out differs")
    args = p.parse_args(argv)
    manifest = args.manifest or default_manifest_path()
    text = render_markdown(build_catalog(manifest.read_text()))
    if args.check:
        current = args.out.read_text() if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run python -m orchestration.lib.metric_catalog")
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
