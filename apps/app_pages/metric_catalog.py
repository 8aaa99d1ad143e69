"""Metric catalog: every semantic-layer metric with its definition, a trend of any metric over
the sidebar's date range, and the saved queries leadership uses. Layout only: the catalog and
the numbers come from apps.queries.api (MetricFlow-compiled SQL on the snapshot)."""

import pandas as pd
import streamlit as st

from apps.components import tables
from apps.components.filters import current_filters, describe_period
from apps.queries import api
from apps.queries.semantic import MetricQuery, date_range_filter

f = current_filters()
catalog = api.metric_catalog()
entries = list(catalog.metrics)

st.markdown("## Metric catalog")
st.caption(
    "One definition per metric: dbt semantic models and MetricFlow metrics in "
    "`dbt_project/models/semantic/`. Analysts query the same names with `mf query`; "
    "★ marks the stable names reports rely on. The same content is in `docs/metric_catalog.md`."
)

left, right = st.columns([2, 1])
search = left.text_input(
    "Search", key="metric_catalog_search", placeholder="name, label or formula"
)
categories = sorted({e.category for e in entries})
chosen = right.multiselect("Category", categories, key="metric_catalog_categories")
headline_only = st.toggle("Headline metrics only", value=True, key="metric_catalog_headline")


def _keep(e) -> bool:
    text = f"{e.name} {e.label} {e.formula} {e.description}".lower()
    return (
        (not search or search.lower() in text)
        and (not chosen or e.category in chosen)
        and (not headline_only or e.headline)
    )


shown = [e for e in entries if _keep(e)]
st.dataframe(
    pd.DataFrame(
        {
            "Metric": [("★ " if e.headline else "") + e.name for e in shown],
            "Label": [e.label for e in shown],
            "Category": [e.category for e in shown],
            "Type": [e.type for e in shown],
            "Formula": [e.formula for e in shown],
            "Grain": [e.grain for e in shown],
            "Owner": [e.owner for e in shown],
        }
    ),
    hide_index=True,
    height=320,
)

if not shown:
    st.info("No metric matches the search.")
else:
    name = st.selectbox(
        "Metric",
        [e.name for e in shown],
        format_func=lambda n: f"{n} · {catalog.by_name()[n].label}",
        key="metric_catalog_metric",
    )
    e = catalog.by_name()[name]
    detail, trend = st.columns([1, 1])
    with detail:
        st.markdown(f"**{e.label}** (`{e.name}`, {e.type})  \n{e.description}")
        st.markdown(
            f"- **Formula:** {e.formula}\n"
            f"- **MetricFlow:** `{e.definition}`\n"
            f"- **Grain:** {e.grain}\n"
            f"- **Options:** {e.options}\n"
            f"- **Vendor equivalents:** {e.vendor_equivalents}\n"
            f"- **Owner:** {e.owner}"
        )
        with st.expander(f"Group by ({len(e.time_grains) + len(e.dimensions) + len(e.entities)})"):
            st.markdown(
                "Entities: "
                + ", ".join(f"`{x}`" for x in e.entities)
                + "  \nTime: "
                + ", ".join(f"`{x}`" for x in e.time_grains)
                + "  \nDimensions: "
                + ", ".join(f"`{x}`" for x in e.dimensions)
            )
        st.code(
            f"mf query --metrics {e.name} --group-by metric_time__day "
            f"--where \"{{{{ TimeDimension('metric_time', 'day') }}}} >= '{f.start_date}'\"",
            language="bash",
        )
    with trend:
        st.markdown(f"**By day** · {describe_period(f)} · all queues, sites and teams")
        try:
            df = api.metric_query(
                MetricQuery(
                    metrics=(e.name,),
                    group_by=("metric_time__day",),
                    where=(date_range_filter(f.start_date, f.end_date),),
                    order_by=("metric_time__day",),
                )
            )
        except Exception as exc:  # a metric whose mart is not in this snapshot
            st.warning(f"Not available on this snapshot: {str(exc).splitlines()[0][:300]}")
        else:
            if df.empty:
                st.info("No data for this metric in the selected period.")
            else:
                st.line_chart(df.set_index("metric_time__day")[e.name], height=260)

st.markdown("### Saved queries")
st.caption(
    "Run by name with `mf query --saved-query <name>`; here narrowed to the sidebar's date range."
)
saved = {q.name: q for q in catalog.saved_queries}
if saved:
    names = list(saved)
    default = names.index("daily_service_summary") if "daily_service_summary" in names else 0
    q_name = st.selectbox(
        "Saved query",
        names,
        index=default,
        format_func=lambda n: f"{saved[n].label} ({n})",
        key="metric_catalog_saved_query",
    )
    st.caption(saved[q_name].description)
    try:
        result = api.saved_query(q_name, where=(date_range_filter(f.start_date, f.end_date),))
    except Exception as exc:
        st.warning(f"Not available on this snapshot: {str(exc).splitlines()[0][:300]}")
    else:
        st.dataframe(result, hide_index=True, height=tables.fitted_height(len(result), 320))
