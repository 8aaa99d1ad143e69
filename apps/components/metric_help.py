"""A metric's definition from the metric catalog, wherever a number is shown.

The catalog is built from the semantic manifest (the same source as docs/metric_catalog.md
and the Metric catalog page), so the text always matches what MetricFlow computes.

    from apps.components.metric_help import metric_tooltip, definitions_popover, chart_toolbar
    st.metric("AHT", "5:12", help=metric_tooltip("agent_average_handle_time"))
    st.column_config.TextColumn("AHT", help=metric_tooltip("agent_average_handle_time"))
    chart_toolbar(df, "Agent scorecard", ["adherence", "qa_score"], key="agents_scorecard")

- :func:`metric_tooltip`: short markdown (label, description, formula) for ``help=``.
- :func:`metric_definition_markdown`: the full entry (formula, MetricFlow definition, grain,
  options, vendor equivalents, owner).
- :func:`definitions_popover`: a "Definitions" popover with the full entry of each metric.
- :func:`chart_toolbar`: the definitions popover and a CSV download side by side, for the top
  right of a chart or table.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from apps.components.download import csv_download_button


def _entry(name: str):
    from apps.queries import api

    try:
        return api.metric_catalog().by_name().get(name)
    except Exception:  # noqa: BLE001 - a definition must never break a page
        return None


def metric_tooltip(name: str, extra: str = "") -> str:
    e = _entry(name)
    if e is None:
        return extra or f"`{name}`"
    text = f"**{e.label}** (`{e.name}`): {e.description.strip()}"
    if e.formula:
        text += f"  \nFormula: {e.formula}"
    if extra:
        text += f"  \n{extra}"
    return text


def metric_definition_markdown(name: str) -> str:
    e = _entry(name)
    if e is None:
        return f"`{name}`: not in the metric catalog of this snapshot."
    lines = [
        f"**{e.label}** · `{e.name}` ({e.type})",
        "",
        e.description.strip(),
        "",
        f"- **Formula:** {e.formula}",
        f"- **MetricFlow:** `{e.definition}`",
        f"- **Grain:** {e.grain}",
    ]
    if e.options and e.options != "none":
        lines.append(f"- **Options:** {e.options}")
    if e.vendor_equivalents and e.vendor_equivalents != "none":
        lines.append(f"- **Vendor equivalents:** {e.vendor_equivalents}")
    lines.append(f"- **Owner:** {e.owner}")
    return "\n".join(lines)


def definitions_popover(
    metrics: Sequence[str], *, label: str = "Definitions", container=None, notes: str = ""
) -> None:
    """A popover listing the catalog entry of each metric (and optional page notes)."""
    target = container if container is not None else st
    with target.popover(label, icon=":material/info:", type="tertiary"):
        for i, name in enumerate(metrics):
            if i:
                st.divider()
            st.markdown(metric_definition_markdown(name))
        if notes:
            st.divider()
            st.caption(notes)
        st.caption(
            "All definitions: the Metric catalog page (Reference) and docs/metric_catalog.md."
        )


def chart_toolbar(
    df: pd.DataFrame,
    name: str,
    metrics: Sequence[str],
    *,
    key: str,
    container=None,
    notes: str = "",
) -> None:
    """Definitions popover + CSV download, right-aligned in a small row."""
    target = container if container is not None else st
    with target.container(horizontal=True, horizontal_alignment="right", gap="small"):
        definitions_popover(metrics, notes=notes)
        csv_download_button(df, name, key=f"{key}_csv")
