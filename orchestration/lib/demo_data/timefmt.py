"""Fast ISO 8601 formatting of integer epoch seconds (the generator formats tens of millions)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

_EPOCH_ORD = date(1970, 1, 1).toordinal()


def _offset_str(off: int) -> str:
    sign = "+" if off >= 0 else "-"
    off = abs(off)
    return f"{sign}{off // 3600:02d}:{off % 3600 // 60:02d}"


class TsFmt:
    def __init__(self) -> None:
        self._hms = [f"T{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in range(86400)]
        self._days: dict[int, str] = {}
        self._offs: dict[int, str] = {}

    def _day(self, d: int) -> str:
        p = self._days.get(d)
        if p is None:
            p = self._days[d] = date.fromordinal(_EPOCH_ORD + d).isoformat()
        return p

    def utc(self, t: int) -> str:
        d, s = divmod(t, 86400)
        p = self._days.get(d)
        if p is None:
            p = self._day(d)
        return p + self._hms[s] + "+00:00"

    def local(self, t: int, off: int) -> str:
        """Wall-clock time at UTC offset ``off`` seconds, with that offset."""
        d, s = divmod(t + off, 86400)
        o = self._offs.get(off)
        if o is None:
            o = self._offs[off] = _offset_str(off)
        return self._day(d) + self._hms[s] + o


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=100_000)
def day_frame(tz: str, ordinal: int) -> tuple[int, int, int, int]:
    """For a local date: (offset at local noon, epoch of 00:00 wall clock computed with that
    offset, epoch of the true local midnight, epoch of the next true local midnight).

    Daytime wall-clock times (shifts, opening hours) are ``base + minutes * 60``: DST switches
    happen at night, so the noon offset holds for the whole working day."""
    z = zone(tz)
    d = date.fromordinal(ordinal)
    noon = datetime(d.year, d.month, d.day, 12, tzinfo=z)
    off = int(noon.utcoffset().total_seconds())
    base = int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()) - off
    mid = int(datetime(d.year, d.month, d.day, tzinfo=z).timestamp())
    d2 = date.fromordinal(ordinal + 1)
    mid2 = int(datetime(d2.year, d2.month, d2.day, tzinfo=z).timestamp())
    return off, base, mid, mid2
