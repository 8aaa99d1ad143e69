"""Readable number formats used on every page (percent with 1 decimal, seconds as m:ss)."""

from __future__ import annotations

import math

DASH = "–"  # shown when a value cannot be computed (e.g. no contacts offered)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_int(value: float | None) -> str:
    return DASH if _missing(value) else f"{round(value):,}"


def fmt_pct(fraction: float | None, decimals: int = 1) -> str:
    """0.8234 -> '82.3%'."""
    return DASH if _missing(fraction) else f"{fraction * 100:.{decimals}f}%"


def fmt_mmss(seconds: float | None) -> str:
    """Seconds as m:ss, rounded to the whole second: 65.4 -> '1:05', 3725 -> '62:05'."""
    if _missing(seconds):
        return DASH
    total = round(seconds)
    sign = "-" if total < 0 else ""
    minutes, secs = divmod(abs(total), 60)
    return f"{sign}{minutes}:{secs:02d}"


def fmt_score(value: float | None, decimals: int = 2) -> str:
    return DASH if _missing(value) else f"{value:.{decimals}f}"


# Deltas: always signed so st.metric colours them (a leading '-' means down).


def delta_int(current: float | None, previous: float | None) -> str | None:
    if _missing(current) or _missing(previous):
        return None
    diff = round(current) - round(previous)
    return f"{diff:+,}"


def delta_pp(current: float | None, previous: float | None, decimals: int = 1) -> str | None:
    """Change of a rate in percentage points: 0.82 vs 0.80 -> '+2.0 pp'."""
    if _missing(current) or _missing(previous):
        return None
    return f"{(current - previous) * 100:+.{decimals}f} pp"


def delta_mmss(current: float | None, previous: float | None) -> str | None:
    if _missing(current) or _missing(previous):
        return None
    diff = round(current) - round(previous)
    return ("+" if diff >= 0 else "") + fmt_mmss(diff)


def delta_score(current: float | None, previous: float | None, decimals: int = 2) -> str | None:
    if _missing(current) or _missing(previous):
        return None
    return f"{current - previous:+.{decimals}f}"
