"""What a new day's dates cost the semantic layer in a server process that never built the
MetricFlow engine: the Overview's requests for "Last 7 days" (and the week before) ending on a
day no request was compiled for, with the SQL of the previous day on disk.

    uv run python -m apps.bench_new_day --serving <data dir>/serving/warehouse.duckdb [--runs 3]

Two keyings of the compiled-SQL cache, each in its own process per day, alternating:

- per request (how the cache was keyed until 2026-12-07): the new dates are a new request, so
  the process imports MetricFlow, builds the engine and compiles every request;
- per request shape (``SemanticLayer.compile``: the filters' literals are placeholders): the
  shape was compiled the day before, so the SQL comes from disk and no engine is built.

The page tables of ``apps.bench_pages`` measure renders on one snapshot; their *new data* column
assumes the requests' SQL needs no compile, which the shape keying makes true for a new day.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def overview_requests(end: date):
    from apps.queries.filters import ServiceFilters
    from apps.queries.semantic import (
        OVERVIEW_KPI_METRICS,
        OVERVIEW_SURVEY_METRICS,
        MetricQuery,
        service_filters_where,
    )

    week = service_filters_where(ServiceFilters(end - timedelta(days=6), end))
    before = service_filters_where(ServiceFilters(end - timedelta(days=13), end - timedelta(days=7)))
    return [
        MetricQuery(metrics=OVERVIEW_KPI_METRICS, where=week),
        MetricQuery(metrics=OVERVIEW_SURVEY_METRICS, where=week),
        MetricQuery(metrics=OVERVIEW_KPI_METRICS, where=before),
        MetricQuery(metrics=OVERVIEW_SURVEY_METRICS, where=before),
        MetricQuery(saved_query="daily_service_summary", where=week, order_by=("metric_time__day",)),
        MetricQuery(
            metrics=("service_level", "offered_contacts"), group_by=("metric_time__day", "queue"), where=week
        ),
    ]


def one_day(manifest: str, cache: str, keying: str, end: date) -> tuple[float, bool]:
    """In this process: seconds to get the SQL of the Overview's requests ending on ``end``, and
    whether the engine had to be built."""
    from apps.queries.semantic import SemanticLayer

    layer = SemanticLayer(Path(manifest), sql_cache_dir=Path(cache))
    t0 = time.perf_counter()
    for q in overview_requests(end):
        if keying == "request":
            layer._compile_cached(q)  # the concrete request as the cache key
        else:
            layer.compile(q)
    return time.perf_counter() - t0, layer.engine_built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serving", type=Path, required=True, help="snapshot .duckdb file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", nargs=3, metavar=("CACHE", "KEYING", "END"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from apps.queries.semantic import find_manifest

    manifest = str(find_manifest(args.serving.resolve()))
    if args.one:
        cache, keying, end = args.one
        seconds, built = one_day(manifest, cache, keying, date.fromisoformat(end))
        print(f"RESULT {seconds:.4f} {int(built)}")
        return 0
    results: dict[str, list[tuple[float, bool]]] = {"request": [], "shape": []}
    first = date(2026, 1, 1)
    for _ in range(args.runs):
        for keying in results:
            cache = tempfile.mkdtemp(prefix="bench-new-day-")
            for day in (first, first + timedelta(days=1)):  # yesterday fills the disk cache
                out = subprocess.run(
                    [sys.executable, "-m", "apps.bench_new_day", "--serving", str(args.serving),
                     "--one", cache, keying, day.isoformat()],
                    cwd=REPO, capture_output=True, text=True, check=True,
                ).stdout
                seconds, built = out.split("RESULT ")[1].split()
            results[keying].append((float(seconds), built == "1"))  # the new day's process
            shutil.rmtree(cache, ignore_errors=True)
        first += timedelta(days=7)
    for keying, rows in results.items():
        times = [s for s, _ in rows]
        print(
            f"cache keyed per {keying:7s}: new day's Overview SQL median {statistics.median(times):.3f} s "
            f"({', '.join(f'{s:.3f}' for s in times)}); engine built in {sum(b for _, b in rows)} of {len(rows)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
