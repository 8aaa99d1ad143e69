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
MEETS_TARGET = OKABE_ITO["blue"]
MISSES_TARGET = OKABE_ITO["orange"]
TARGET_LINE = OKABE_ITO["black"]


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
        fig.add_hline(
            y=target * 100,
            line={"color": TARGET_LINE, "dash": "dash", "width": 1.5},
            annotation_text=f"Target {target * 100:.1f}%",
            annotation_position="top left",
        )
    fig.update_yaxes(title_text="Service level (%)", range=[0, 105], ticksuffix="%")
    fig.update_xaxes(
        title_text="Interval start (site local time)",
        type="category",
        categoryorder="array",
        categoryarray=labels,
        tickangle=0,
    )
    return _layout(fig, height)
