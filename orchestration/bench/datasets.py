"""Benchmark data sets: generated once per (size, seed, generator source), reused afterwards.

Every size is a 500-seat center (the issue's reference center) over as many days as it takes
to reach the segment count, plus one more day that the incremental run delivers on top:

    100k ->   4 days of history + 1,  about    105 thousand segments
    1m   ->  38 days of history + 1,  about  1.0 million
    10m  -> 380 days of history + 1,  about 10.0 million  (a year of a 500-seat center)

The same seats and the same new day's volume at every size, so the incremental run's cost can
be compared across history sizes (it should grow with the new day, not with the history).

Layout under ``<root>/<label>-seed<seed>/``:

    generated/   everything the simulator wrote (all days), with ``.bench.json`` (what it is)
    history/     hard links of every file except those of the last day: the full build's input
    new_day/     hard links of the last day's files: what the incremental run adds
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from orchestration.settings import REPO_ROOT

SEATS = 500
END_DATE = date(2026, 11, 30)  # fixed, so a data set is reusable across days


@dataclass(frozen=True)
class Size:
    label: str
    history_days: int
    agents: int = SEATS

    @property
    def days(self) -> int:
        return self.history_days + 1


SIZES: dict[str, Size] = {
    "100k": Size("100k", 4),
    "1m": Size("1m", 38),
    "10m": Size("10m", 380),
}

_DATED = re.compile(r"_(\d{4}-\d{2}-\d{2})\.csv$")


def generator_fingerprint() -> str:
    """Hash of the simulator's source: a changed generator invalidates cached data sets."""
    h = hashlib.sha256()
    for p in sorted((REPO_ROOT / "orchestration" / "lib" / "demo_data").glob("*.py")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


@dataclass
class DataSet:
    size: Size
    seed: int
    root: Path

    @property
    def generated(self) -> Path:
        return self.root / "generated"

    @property
    def history(self) -> Path:
        return self.root / "history"

    @property
    def new_day(self) -> Path:
        return self.root / "new_day"

    @property
    def marker(self) -> Path:
        return self.generated / ".bench.json"

    def wanted(self) -> dict:
        return {
            "label": self.size.label,
            "days": self.size.days,
            "agents": self.size.agents,
            "seed": self.seed,
            "end_date": END_DATE.isoformat(),
            "generator": generator_fingerprint(),
        }

    def is_current(self) -> bool:
        try:
            have = json.loads(self.marker.read_text())
        except (OSError, ValueError):
            return False
        return {k: have.get(k) for k in self.wanted()} == self.wanted()

    def summary(self) -> dict:
        return json.loads(self.marker.read_text())

    @property
    def segments(self) -> int:
        return int(self.summary().get("history_segments") or 0)


def dataset(label: str, seed: int, root: Path) -> DataSet:
    return DataSet(SIZES[label], seed, root / f"{label}-seed{seed}")


def _count_rows(files: list[Path]) -> int:
    n = 0
    for f in files:
        with open(f, "rb") as fh:
            n += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1
    return n


def ensure_generated(ds: DataSet, log=print) -> DataSet:
    """Generate the data set unless an identical one (size, seed, generator) is on disk."""
    if ds.is_current():
        log(f"[bench] reusing {ds.generated} ({ds.summary().get('history_segments'):,} history segments)")
        _split(ds)
        return ds
    from orchestration.lib.demo_data import generate

    if ds.root.exists():
        shutil.rmtree(ds.root)
    ds.generated.mkdir(parents=True)
    log(f"[bench] generating {ds.size.days} days x {ds.size.agents} agents (seed {ds.seed}) -> {ds.generated}")
    t0 = time.perf_counter()
    gen = generate(ds.generated, days=ds.size.days, agents=ds.size.agents, seed=ds.seed, end_date=END_DATE)
    seconds = time.perf_counter() - t0
    _split(ds)
    new_calls = sorted((ds.new_day / "acd" / "calls").glob("*.csv"))
    all_calls = sorted((ds.generated / "acd" / "calls").glob("*.csv"))
    total = _count_rows(all_calls)
    new = _count_rows(new_calls)
    marker = {
        **ds.wanted(),
        "generate_seconds": round(seconds, 1),
        "segments": total,
        "history_segments": total - new,
        "new_day_segments": new,
        "rows": {k: v for k, v in (gen.get("rows") or {}).items()} if isinstance(gen, dict) else {},
    }
    ds.marker.write_text(json.dumps(marker, indent=2, default=str))
    log(f"[bench] generated {total:,} segments in {seconds:.0f}s")
    return ds


def _link_tree(files: list[Path], src_root: Path, dst_root: Path) -> None:
    if dst_root.exists():
        shutil.rmtree(dst_root)
    for f in files:
        dst = dst_root / f.relative_to(src_root)
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, dst)
        except OSError:
            shutil.copy2(f, dst)


def _split(ds: DataSet) -> None:
    """history/ = every file but the last day's; new_day/ = the last day's dated files."""
    last = END_DATE.isoformat()
    files = sorted(p for p in ds.generated.rglob("*.csv"))
    new = [p for p in files if (m := _DATED.search(p.name)) and m.group(1) == last]
    old = [p for p in files if p not in set(new)]
    _link_tree(old, ds.generated, ds.history)
    _link_tree(new, ds.generated, ds.new_day)


def asdict_size(s: Size) -> dict:
    return asdict(s)
