"""Render time of every app page on a snapshot, measured with Streamlit's AppTest.

    uv run python -m apps.bench_pages --serving <data dir>/serving/warehouse.duckdb [--runs 5]
        [--pages queues,quality] [--role director] [--markdown]

For each page of the navigation (apps/streamlit_app.py), signed in as ``--role``:

- first compile: the page's first run after every cache is cleared, the compiled-SQL cache
  on disk included (st.cache_data and st.cache_resource: the snapshot queries are run again,
  the MetricFlow engine is built and compiles every request; Python modules stay imported):
  a page whose every request shape is one nobody used before. The publish compiles the pages'
  default shapes and the shapes used before a dbt project change (``warm_sql_cache``), so a
  fresh install's first visitor gets *cold*; this is the cache deleted by hand;
- cold: the same with the compiled SQL on disk (a newly started server process on a manifest
  some process compiled before: no engine is built), median over ``--runs`` repetitions;
- new data: a rerun after only the data caches are cleared (what the first user sees after
  the morning's publish: results are keyed on the snapshot version, the MetricFlow engine and
  its compiled SQL on the semantic manifest, which a publish does not change). The publish moves
  the default dates by a day, which this rerun on one snapshot does not; the compiled SQL is
  kept per request shape with the dates filled in afterwards, so a new day needs no compile
  either (``apps.bench_new_day`` measures that case);
- warm: a rerun with the caches filled (what a user sees when switching back to a page or
  when a colleague opened it before), median over ``--runs`` reruns.

A run is the whole script run the user waits for: the entrypoint (sign-in check, sidebar
filters) and the page, with the default filters (Last 7 days, every site and queue). Times are
wall-clock seconds on this machine; AppTest adds a few milliseconds of its own.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "apps" / "streamlit_app.py"


@dataclass
class PageTiming:
    page: str
    cold: list[float]
    warm: list[float]
    fresh_data: list[float] = field(default_factory=list)
    first_compile: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def first_compile_median(self) -> float:
        return statistics.median(self.first_compile) if self.first_compile else float("nan")

    @property
    def fresh_data_median(self) -> float:
        return statistics.median(self.fresh_data) if self.fresh_data else float("nan")

    @property
    def cold_median(self) -> float:
        return statistics.median(self.cold) if self.cold else float("nan")

    @property
    def warm_median(self) -> float:
        return statistics.median(self.warm) if self.warm else float("nan")


def navigation_pages() -> list[tuple[str, str]]:
    """(script path relative to apps/, url path) of every page in the navigation."""
    text = APP.read_text()
    pages = []
    for block in re.findall(r"st\.Page\((.*?)\n\s*\)", text, flags=re.S):
        script = re.search(r'"app_pages"\s*/\s*"([^"]+)"', block)
        url = re.search(r'url_path="([^"]+)"', block)
        if script and url:
            pages.append((f"app_pages/{script.group(1)}", url.group(1)))
    return pages


def _user(role: str):
    from apps.auth.passwords import hash_password
    from apps.auth.users import User

    return User(
        username=f"bench-{role}",
        name=f"Benchmark {role}",
        role=role,
        password_hash=hash_password("bench-only", iterations=100_000),
        teams=("T-LON-1",) if role == "supervisor" else (),
    )


def _clear_caches(*, compiled_sql: bool = False) -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    from apps.queries import connection, semantic

    semantic._layer_for.cache_clear()
    connection.release_databases()  # a new server process opens the snapshot again
    if compiled_sql:
        shutil.rmtree(semantic.default_sql_cache_dir(), ignore_errors=True)


def measure_page(script: str, url: str, runs: int, role: str, timeout: float) -> PageTiming:
    from streamlit.testing.v1 import AppTest

    user = _user(role)
    timing = PageTiming(url, [], [])

    def new_app():
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.session_state["auth_user"] = user
        return at

    for _ in range(runs):
        for compiled_sql, times in ((True, timing.first_compile), (False, timing.cold)):
            _clear_caches(compiled_sql=compiled_sql)
            at = new_app()
            # The entrypoint's default page first (a user lands there), then time the switch.
            at.run()
            _clear_caches(compiled_sql=compiled_sql)
            at.switch_page(script)
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
            if at.exception:
                timing.error = at.exception[0].value
                return timing
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run()
        timing.warm.append(time.perf_counter() - t0)
    import streamlit as st

    from apps.queries import connection

    for _ in range(runs):
        # A new snapshot was published: data caches are keyed on it (cleared here) and the new
        # file is opened again; the MetricFlow engine and its compiled SQL (keyed on the
        # manifest) stay.
        st.cache_data.clear()
        connection.release_databases()
        t0 = time.perf_counter()
        at.run()
        timing.fresh_data.append(time.perf_counter() - t0)
    return timing


def snapshot_size(path: Path) -> str:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        first, last = con.execute(
            "select min(interval_date), max(interval_date) from fct_queue_intervals"
        ).fetchone()
        agents = con.execute("select count(*) from dim_agents").fetchone()[0]
        segments = con.execute("select count(*) from fct_contact_segments").fetchone()[0]
        intervals = con.execute("select count(*) from fct_queue_intervals").fetchone()[0]
    days = (last - first).days + 1 if first and last else 0
    mb = path.stat().st_size / 1e6
    return (
        f"{days} days ({first} .. {last}), {agents} agents, {segments:,} contact segments, "
        f"{intervals:,} queue intervals, {mb:.0f} MB snapshot"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serving", type=Path, required=True, help="snapshot .duckdb file")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", default="", help="comma-separated url paths (default: all)")
    parser.add_argument("--role", default="director", choices=["director", "supervisor",
                                                                 "analyst"])
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--json", action="store_true", help="print a RESULT line with JSON medians")
    args = parser.parse_args(argv)

    os.environ["SWITCHBOARD_SERVING"] = str(args.serving.resolve())
    # compiled SQL of this measurement only (cleared between runs): never the app's own cache
    os.environ["SWITCHBOARD_SQL_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-pages-sql-")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import logging

    import streamlit.testing.v1  # noqa: F401 - configures streamlit's loggers first

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.CRITICAL)

    wanted = {p for p in args.pages.split(",") if p}
    pages = [(s, u) for s, u in navigation_pages() if not wanted or u in wanted]
    print(f"snapshot: {args.serving} — {snapshot_size(args.serving)}", flush=True)
    results = []
    for script, url in pages:
        r = measure_page(script, url, args.runs, args.role, args.timeout)
        results.append(r)
        status = f"ERROR {r.error.splitlines()[0][:120]}" if r.error else ""
        print(
            f"{url:18s} first-compile median {r.first_compile_median:6.3f} s  "
            f"cold median {r.cold_median:6.3f} s  new-data median "
            f"{r.fresh_data_median:6.3f} s  warm median {r.warm_median:6.3f} s"
            f"  (cold {', '.join(f'{x:.2f}' for x in r.cold)}) {status}",
            flush=True,
        )
    if args.markdown:
        print()
        print("| page | first compile (s) | cold (s) | new data (s) | warm (s) |")
        print("|---|---:|---:|---:|---:|")
        for r in results:
            if r.error:
                print(f"| {r.page} | error: {r.error.splitlines()[0][:80]} | | | |")
            else:
                print(
                    f"| {r.page} | {r.first_compile_median:.2f} | {r.cold_median:.2f} "
                    f"| {r.fresh_data_median:.2f} "
                    f"| {r.warm_median:.2f} |"
                )
    if args.json:
        import json

        medians = {
            r.page: {
                "cold": r.cold_median,
                "first_compile": r.first_compile_median,
                "fresh_data": r.fresh_data_median,
                "warm": r.warm_median,
                "error": r.error.splitlines()[0][:200] if r.error else None,
            }
            for r in results
        }
        print("RESULT " + json.dumps(medians), flush=True)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
