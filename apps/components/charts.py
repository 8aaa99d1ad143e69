"""Plotly figures in one consistent, colour-blind-safe style (Okabe-Ito palette)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# Every page's st.plotly_chart config: no Plotly toolbar (it floats over the chart's top right,
# where legends and colour scales sit; CSV and Definitions are the page's own buttons).
PLOTLY_CONFIG = {"displayModeBar": False}

MEETS_TARGET = OKABE_ITO["blue"]
MISSES_TARGET = OKABE_ITO["orange"]
TARGET_LINE = OKABE_ITO["black"]


def reference_line(fig: go.Figure, value: float, label: str) -> None:
    """A dashed line across the plot at ``value`` (plot units: percent as 80.0) named in the
    legend, the one way every chart of the app marks a target or benchmark. Not a label inside
    the plot: there it sat on the data (the first bars of the Overview's interval chart and of
    the Queues day chart)."""
    line = {"color": TARGET_LINE, "dash": "dash", "width": 1.5}
    fig.add_hline(y=value, line=line)
    fig.add_scatter(
        x=[None], y=[None], mode="lines", line=line, name=label, hoverinfo="skip", showlegend=True
    )


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        hovermode="closest",
        bargap=0.15,
    )
    return fig


def service_level_by_interval(
    df: pd.DataFrame, target: float | None, *, height: int = 300
) -> go.Figure:
    """Bars of service level per 30-minute interval (local time) against the target line.

    ``df`` has interval_start_local, local_repeat, offered, answered, abandoned and
    service_level (fraction), in time order. The x axis is categorical ("HH:MM" labels) so the
    repeated hour of a daylight-saving fall-back day shows as its own bars. Bars are blue when the interval meets the target and orange when it misses, so the
    reading does not depend on telling red from green.
    """
    fig = go.Figure()
    # Show the span of the day that had contacts (a 24-hour spine is mostly closed hours), but
    # keep empty intervals inside that span visible as gaps.
    active = df.index[df["offered"] > 0]
    if len(active) == 0:
        return _layout(fig, height)
    df = df.loc[active[0] : active[-1]]
    labels = [
        f"{t:%H:%M}" + (" (2nd)" if repeat else "")
        for t, repeat in zip(df["interval_start_local"], df["local_repeat"], strict=True)
    ]
    x = pd.Series(labels, index=df.index)
    sl_pct = df["service_level"] * 100
    meets = df["service_level"] >= target if target is not None else pd.Series(True, index=df.index)
    custom = df[["offered", "answered", "abandoned"]].to_numpy()
    # An invisible trace pins every interval on the category axis, including empty ones.
    fig.add_scatter(x=labels, y=[None] * len(labels), showlegend=False, hoverinfo="skip")
    for flag, name, colour in (
        (True, "Meets target", MEETS_TARGET),
        (False, "Below target", MISSES_TARGET),
    ):
        mask = (meets == flag) & df["service_level"].notna()
        if not mask.any():
            continue
        fig.add_bar(
            x=x[mask],
            y=sl_pct[mask],
            name=name,
            marker_color=colour,
            customdata=custom[mask.to_numpy()],
            hovertemplate=(
                "%{x}<br>Service level %{y:.1f}%<br>Offered %{customdata[0]:,}"
                "<br>Answered %{customdata[1]:,}<br>Abandoned %{customdata[2]:,}<extra></extra>"
            ),
        )
    if target is not None:
        reference_line(fig, target * 100, f"Target {target * 100:.1f}%")
    fig.update_yaxes(title_text="Service level (%)", range=[0, 105], ticksuffix="%")
    fig.update_xaxes(
        title_text="Interval start (site local time)",
        type="category",
        categoryorder="array",
        categoryarray=labels,
        tickangle=0,
    )
    return _layout(fig, height)


def agent_trend_panels(
    agent: pd.DataFrame,
    center: pd.DataFrame,
    panels: list[tuple[str, str, str]],
    *,
    agent_label: str = "Agent",
    height: int = 330,
) -> go.Figure:
    """Small multiples of one agent's daily metrics against the center (dashed reference).

    ``agent`` and ``center`` have a ``day`` column and one column per panel key; ``panels`` is
    ``[(key, title, kind)]`` with kind ``seconds`` (y in m:ss), ``fraction`` (y in %),
    ``points`` (0-100, y in %) or ``score`` (1-5).
    """
    from plotly.subplots import make_subplots

    cols = 2
    rows = (len(panels) + 1) // 2
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[title for _, title, _ in panels],
        shared_xaxes=True,
        vertical_spacing=0.16,
        horizontal_spacing=0.08,
    )

    def scaled(series: pd.Series, kind: str) -> pd.Series:
        return series * 100 if kind == "fraction" else series

    for i, (key, _title, kind) in enumerate(panels):
        row, col = i // cols + 1, i % cols + 1
        for frame, name, colour, dash in (
            (center, "Center", TARGET_LINE, "dash"),
            (agent, agent_label, OKABE_ITO["blue"], "solid"),
        ):
            if frame.empty or key not in frame:
                continue
            y = scaled(frame[key], kind)
            if kind == "seconds":
                text = [
                    "–" if pd.isna(v) else f"{int(round(v)) // 60}:{int(round(v)) % 60:02d}"
                    for v in frame[key]
                ]
                hover = "%{x|%a %d %b}<br>" + name + " %{text}<extra></extra>"
            elif kind in ("fraction", "points"):
                text, hover = None, "%{x|%a %d %b}<br>" + name + " %{y:.1f}%<extra></extra>"
            else:
                text, hover = None, "%{x|%a %d %b}<br>" + name + " %{y:.2f}<extra></extra>"
            fig.add_scatter(
                x=frame["day"],
                y=y,
                text=text,
                name=name,
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 2 if dash == "solid" else 1.5},
                marker={"size": 5 if dash == "solid" else 3},
                hovertemplate=hover,
                showlegend=i == 0,
                legendgroup=name,
                connectgaps=False,
                row=row,
                col=col,
            )
        if kind == "seconds":
            vals = pd.concat([frame[key] for frame in (agent, center) if key in frame]).dropna()
            if not vals.empty:
                lo, hi = float(vals.min()), float(vals.max())
                span = max(hi - lo, 1.0)
                step = next((c for c in (5, 10, 15, 30, 60, 120, 300, 600) if span / c <= 5), 900)
                ticks = list(range(int(lo // step * step), int(hi) + step, step))
                fig.update_yaxes(
                    tickvals=ticks,
                    ticktext=[f"{t // 60}:{t % 60:02d}" for t in ticks],
                    row=row,
                    col=col,
                )
        elif kind in ("fraction", "points"):
            fig.update_yaxes(ticksuffix="%", row=row, col=col)
    fig.update_annotations(font_size=13)
    fig = _layout(fig, height)
    fig.update_layout(legend={"y": 1.06}, margin={"t": 45})
    return fig
