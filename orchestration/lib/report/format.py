"""Number formats shared by the report's tables, tiles and issue sentences."""

from __future__ import annotations

import math


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_value(v, kind: str) -> str:
    if missing(v):
        return "–"
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind == "seconds":
        m, s = divmod(int(round(v)), 60)
        return f"{m}:{s:02d}"
    if kind == "points":
        return f"{v:.1f}%"
    if kind == "score":
        return f"{v:.2f}"
    if kind == "per1000":
        return f"{v:.2f}"
    if kind == "nps":
        return f"{v:+.0f}"
    return f"{v:,.0f}"


def fmt_delta(cur, prev, kind: str) -> str:
    """Week-over-week change: percentage points for fractions, units otherwise."""
    if missing(cur) or missing(prev):
        return "–"
    d = cur - prev
    if kind == "pct":
        return f"{100 * d:+.1f} pp"
    if kind == "seconds":
        return f"{d:+.0f} s"
    if kind == "points":
        return f"{d:+.1f} pp"
    if kind in ("score", "per1000"):
        return f"{d:+.2f}"
    if kind == "nps":
        return f"{d:+.0f}"
    if prev:
        return f"{d:+,.0f} ({d / prev:+.0%})"
    return f"{d:+,.0f}"
