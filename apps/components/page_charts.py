"""Figures of the Queues, Customer voice and Quality pages, in the house style of charts.py:
Okabe-Ito colours, units on every axis, the target as a dashed black line, percent with one
decimal and durations as m:ss (tick labels and hovers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from apps.components.charts import OKABE_ITO, _layout, reference_line
from apps.components.formatting import fmt_mmss

# Okabe-Ito order for categorical series (black last: it is the target line's colour).
SERIES = [
    OKABE_ITO[k]
    for k in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "vermillion",
              "yellow", "black")
]
# Sequential scale from Okabe-Ito light to dark blue (readable with colour-vision deficiencies).
SEQUENTIAL = [[0.0, "#F7FBFF"], [0.35, OKABE_ITO["sky_blue"]], [1.0, OKABE_ITO["blue"]]]
# Diverging around a target: orange below, white at target, blue above.
DIVERGING = [[0.0, OKABE_ITO["vermillion"]], [0.5, "#F5F5F5"], [1.0, OKABE_ITO["blue"]]]


@dataclass(frozen=True)
class MetricSpec:
    column: str
    label: str
    unit: str  # "%", "m:ss", "contacts", "score", "points"
    higher_is_better: bool | None = True

    def axis_title(self) -> str:
        if self.unit in ("contacts", "evaluations") and self.label.lower() == self.unit:
            return self.label
        return {
            "%": f"{self.label} (%)",
            "m:ss": f"{self.label} (m:ss)",
        }.get(self.unit, f"{self.label} ({self.unit})")

    @property
    def is_count(self) -> bool:
        return self.unit in ("contacts", "evaluations")

    def plot_values(self, s: pd.Series) -> pd.Series:
        s = pd.to_numeric(s, errors="coerce").astype("float64")
        return s * 100 if self.unit == "%" else s

    def fmt(self, v) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return "–"
        if self.unit == "%":
            return f"{v:.1f}%"
        if self.unit == "m:ss":
            return fmt_mmss(v)
        if self.is_count:
            return f"{round(v):,}"
        return f"{v:+.1f}" if self.column == "nps" else f"{v:.2f}"


def _mmss_axis(values: pd.Series, n: int = 6) -> dict:
    top = float(np.nanmax(values)) if len(values) and np.isfinite(np.nanmax(values)) else 60.0
    top = max(top, 10.0)
    step = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 1e9) if top / s <= n)
    ticks = list(np.arange(0, top + step, step))
    return {"tickvals": ticks, "ticktext": [fmt_mmss(t) for t in ticks]}


def heat_map(
    df: pd.DataFrame,
    spec: MetricSpec,
    *,
    row_label: str,
    target: float | None = None,
    height: int = 330,
) -> go.Figure:
    """``df``: columns row, interval and ``spec.column``. Rows top-down in the given order."""
    rows = list(dict.fromkeys(df["row"]))
    cols = sorted(df["interval"].dropna().unique())
    values = spec.plot_values(df[spec.column])
    grid = (
        df.assign(_v=values)
        .pivot_table(index="row", columns="interval", values="_v", aggfunc="first", dropna=False)
        .reindex(index=rows, columns=cols)
    )
    text = grid.map(spec.fmt)
    z = grid.to_numpy()
    kwargs: dict = {"colorscale": SEQUENTIAL}
    if target is not None and spec.unit == "%" and np.isfinite(z).any():
        # Diverging at the target: the colour says above (blue) or below (orange) target.
        t = target * 100
        lo, hi = min(float(np.nanmin(z)), t - 1.0), max(float(np.nanmax(z)), t + 1.0)
        mid = (t - lo) / (hi - lo)
        low, high = (DIVERGING[0][1], DIVERGING[2][1])
        if not spec.higher_is_better:
            low, high = high, low
        kwargs = {
            "colorscale": [[0.0, low], [mid, DIVERGING[1][1]], [1.0, high]],
            "zmin": lo,
            "zmax": hi,
        }
    colorbar = {"title": {"text": spec.axis_title(), "side": "right"}, "thickness": 12}
    if spec.unit == "%":
        colorbar["ticksuffix"] = "%"
    if spec.unit == "m:ss":
        colorbar.update(_mmss_axis(pd.Series(z.ravel())))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=[str(r) for r in rows],
            text=text.to_numpy(),
            hovertemplate=f"{row_label} %{{y}} · %{{x}}<br>{spec.label} %{{text}}<extra></extra>",
            colorbar=colorbar,
            xgap=1,
            ygap=1,
            **kwargs,
        )
    )
    fig.update_yaxes(title_text=row_label, autorange="reversed", type="category")
    fig.update_xaxes(title_text="Interval start (site local time)", type="category", tickangle=-45)
    return _layout(fig, height)


def _target_line(fig: go.Figure, spec: MetricSpec, target: float | None) -> None:
    if target is None:
        return
    y = target * 100 if spec.unit == "%" else target
    reference_line(fig, y, f"Target {spec.fmt(y)}")


# The smallest y span a rate or score axis shows, and the scale's bounds: Plotly's autorange
# fits the data, so a week of CSAT between 4.19 and 4.23 filled the chart's height and read as
# wild swings. A span below the minimum is widened around the data (and the target line).
MIN_SPAN = {"%": (5.0, 0.0, 100.0), "1–5": (0.5, 1.0, 5.0), "−100 to +100": (20.0, -100.0, 100.0)}


def y_range(spec: MetricSpec, values: pd.Series, target: float | None = None) -> list[float] | None:
    """[low, high] for ``spec``'s axis when the data's span is below the unit's minimum, else
    None (Plotly's autorange). ``values`` and ``target`` are in plot units."""
    if spec.unit not in MIN_SPAN:
        return None
    span, floor, ceil = MIN_SPAN[spec.unit]
    v = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    if target is not None:
        v = pd.concat([v, pd.Series([target])])
    if v.empty:
        return None
    lo, hi = float(v.min()), float(v.max())
    if hi - lo >= span:
        return None
    mid = (lo + hi) / 2
    lo, hi = mid - span / 2, mid + span / 2
    if lo < floor:
        lo, hi = floor, floor + span
    if hi > ceil:
        lo, hi = ceil - span, ceil
    return [lo, hi]


def _y_axis(
    fig: go.Figure, spec: MetricSpec, values: pd.Series, target: float | None = None, **extra
) -> None:
    kw: dict = {"title_text": spec.axis_title(), **extra}
    if spec.unit == "%":
        kw["ticksuffix"] = "%"
    if spec.unit == "m:ss":
        kw.update(_mmss_axis(values))
    plot_target = None if target is None else (target * 100 if spec.unit == "%" else target)
    if (rng := y_range(spec, values, plot_target)) is not None:
        kw["range"] = rng
    fig.update_yaxes(**kw)


def lines(
    df: pd.DataFrame,
    spec: MetricSpec,
    *,
    x: str,
    series: str | None,
    x_title: str,
    target: float | None = None,
    height: int = 330,
    category_x: bool = True,
) -> go.Figure:
    """One line per value of ``series`` (or one line) of ``spec`` over ``x``."""
    fig = go.Figure()
    groups = [(None, df)] if series is None else list(df.groupby(series, sort=True))
    for i, (name, part) in enumerate(groups):
        y = spec.plot_values(part[spec.column])
        fig.add_scatter(
            x=part[x],
            y=y,
            mode="lines+markers",
            marker={"size": 4},
            name=str(name) if name is not None else spec.label,
            line={"color": SERIES[i % len(SERIES)], "width": 2},
            text=[spec.fmt(v) for v in y],
            hovertemplate=(f"{name} · " if name is not None else "")
            + "%{x}<br>"
            + f"{spec.label} %{{text}}<extra></extra>",
            showlegend=series is not None,
        )
    _target_line(fig, spec, target)
    _y_axis(fig, spec, spec.plot_values(df[spec.column]) if len(df) else pd.Series([0.0]), target)
    if spec.unit == "%" and spec.column in ("service_level",):
        fig.update_yaxes(range=[0, 105])
    fig.update_xaxes(title_text=x_title, **({"type": "category"} if category_x else {}))
    return _layout(fig, height)


def bars_with_line(
    df: pd.DataFrame,
    bar: MetricSpec,
    line: MetricSpec,
    *,
    x: str,
    x_title: str,
    target: float | None = None,
    height: int = 300,
) -> go.Figure:
    """Bars of ``bar`` (right axis) with ``line`` (left axis, with its target) over ``x``."""
    fig = go.Figure()
    yb = bar.plot_values(df[bar.column])
    fig.add_bar(
        x=df[x], y=yb, name=bar.label, yaxis="y2",
        marker_color=OKABE_ITO["sky_blue"], opacity=0.55,
        text=[bar.fmt(v) for v in yb], textposition="none",
        hovertemplate=f"%{{x}}<br>{bar.label} %{{text}}<extra></extra>",
    )
    yl = line.plot_values(df[line.column])
    fig.add_scatter(
        x=df[x], y=yl, name=line.label, mode="lines+markers",
        line={"color": OKABE_ITO["blue"], "width": 2.5}, marker={"size": 5},
        text=[line.fmt(v) for v in yl],
        hovertemplate=f"%{{x}}<br>{line.label} %{{text}}<extra></extra>",
    )
    _target_line(fig, line, target)
    _y_axis(fig, line, yl, target)
    if line.unit == "%" and line.column == "service_level":
        fig.update_yaxes(range=[0, 105])
    fig.update_layout(
        # round ticks of its own: Streamlit's Plotly theme lines an overlaying axis's ticks up
        # with the left axis's grid (evaluations 12, 40, 69 against QA 75%, 80%, 85%)
        yaxis2={"title": {"text": bar.axis_title()}, "overlaying": "y", "side": "right",
                "showgrid": False, "rangemode": "tozero", "tickmode": "auto", "nticks": 5,
                **({"tickformat": ",d"} if bar.is_count else {})}
    )
    fig.update_xaxes(title_text=x_title, type="category", tickangle=-45)
    return _layout(fig, height)


def hbar(
    df: pd.DataFrame, spec: MetricSpec, *, y: str, y_title: str, height: int = 300
) -> go.Figure:
    """Horizontal bars (e.g. QA score per form section), lowest first at the top."""
    values = spec.plot_values(df[spec.column])
    fig = go.Figure(
        go.Bar(
            x=values, y=df[y], orientation="h", marker_color=OKABE_ITO["blue"],
            text=[spec.fmt(v) for v in values], textposition="auto",
            hovertemplate=f"%{{y}}<br>{spec.label} %{{text}}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=spec.axis_title(), **({"ticksuffix": "%"} if spec.unit == "%" else {}))
    fig.update_yaxes(title_text=y_title, autorange="reversed", type="category")
    return _layout(fig, height)
