"""Tiny inline-SVG charts for the weekly report (no JavaScript, no network: the report must be
one self-contained file that also prints to PDF)."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

PALETTE = ("#1f5a96", "#c0504d", "#4e9a4e", "#8064a2", "#f79646")


def _fmt(v: float, kind: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if kind == "pct":
        return f"{100 * v:.0f}%"
    if kind == "seconds":
        return f"{v:.0f}s"
    if kind == "points":
        return f"{v:.0f}"
    if kind == "score":
        return f"{v:.2f}"
    return f"{v:,.0f}"


def line_chart(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    kind: str = "number",
    target: float | None = None,
    width: int = 320,
    height: int = 150,
    title: str = "",
) -> str:
    """A line chart with one line per series, an optional dashed target line, y-axis min/max
    labels and the first/last x labels."""
    pad_l, pad_r, pad_t, pad_b = 40, 10, 20, 22
    values = [v for s in series.values() for v in s if v is not None and not math.isnan(v)]
    if target is not None:
        values.append(target)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">'
    ]
    out.append(
        f'<text x="{pad_l}" y="13" font-size="11" font-weight="600" fill="#333">{html.escape(title)}</text>'
    )
    if not values or not labels:
        out.append(
            f'<text x="{width / 2}" y="{height / 2}" font-size="11" text-anchor="middle" fill="#888">no data</text></svg>'
        )
        return "".join(out)
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1 if lo else -1, hi + 1 if hi else 1
    span = hi - lo
    lo, hi = lo - 0.08 * span, hi + 0.08 * span
    n = len(labels)
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(i: int) -> float:
        return pad_l + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return pad_t + plot_h * (1 - (v - lo) / (hi - lo))

    out.append(
        f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - pad_r}" y2="{pad_t + plot_h}" stroke="#ccc"/>'
    )
    for v in (lo, hi):
        out.append(
            f'<text x="{pad_l - 4}" y="{y(v) + 4:.1f}" font-size="9" text-anchor="end" fill="#666">{_fmt(v, kind)}</text>'
        )
    out.append(
        f'<text x="{pad_l}" y="{height - 6}" font-size="9" fill="#666">{html.escape(labels[0])}</text>'
    )
    if n > 1:
        out.append(
            f'<text x="{width - pad_r}" y="{height - 6}" font-size="9" text-anchor="end" fill="#666">{html.escape(labels[-1])}</text>'
        )
    if target is not None:
        out.append(
            f'<line x1="{pad_l}" y1="{y(target):.1f}" x2="{width - pad_r}" y2="{y(target):.1f}" '
            f'stroke="#999" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{width - pad_r}" y="{y(target) - 3:.1f}" font-size="9" text-anchor="end" fill="#777">target {_fmt(target, kind)}</text>'
        )
    for k, vals in enumerate(series.values()):
        color = PALETTE[k % len(PALETTE)]
        pts = [(x(i), y(v)) for i, v in enumerate(vals) if v is not None and not math.isnan(v)]
        if len(pts) > 1:
            d = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{d}"/>')
        for px, py in pts:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{color}"/>')
        if pts:
            last = [v for v in vals if v is not None and not math.isnan(v)][-1]
            out.append(
                f'<text x="{pts[-1][0] - 4:.1f}" y="{pts[-1][1] - 6:.1f}" font-size="9" text-anchor="end" fill="{color}">{_fmt(last, kind)}</text>'
            )
    if len(series) > 1:
        lx = pad_l + 150
        for k, name in enumerate(series):
            out.append(
                f'<text x="{lx + 70 * k}" y="13" font-size="9" fill="{PALETTE[k % len(PALETTE)]}">■ {html.escape(name)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    kind: str = "number",
    width: int = 320,
    height: int = 150,
    title: str = "",
    color: str = PALETTE[0],
) -> str:
    """Horizontal bars with value labels."""
    n = max(len(labels), 1)
    bar_h = max(8, min(18, (height - 24) / n - 4))
    label_w = 110
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="0" y="13" font-size="11" font-weight="600" fill="#333">{html.escape(title)}</text>',
    ]
    vmax = max([v for v in values if v is not None] or [0]) or 1
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        top = 22 + i * (bar_h + 4)
        w = (width - label_w - 50) * (v or 0) / vmax
        out.append(
            f'<text x="{label_w - 4}" y="{top + bar_h * 0.75:.1f}" font-size="9" text-anchor="end" fill="#333">{html.escape(str(lab))[:22]}</text>'
        )
        out.append(
            f'<rect x="{label_w}" y="{top}" width="{w:.1f}" height="{bar_h:.1f}" fill="{color}"/>'
        )
        out.append(
            f'<text x="{label_w + w + 3:.1f}" y="{top + bar_h * 0.75:.1f}" font-size="9" fill="#333">{_fmt(v, kind)}</text>'
        )
    if not labels:
        out.append(
            f'<text x="{width / 2}" y="{height / 2}" font-size="11" text-anchor="middle" fill="#888">none</text>'
        )
    out.append("</svg>")
    return "".join(out)
