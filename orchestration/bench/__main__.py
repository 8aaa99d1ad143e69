"""`make bench`: the warehouse at 100 thousand, 1 million and 10 million call segments.

    uv run python -m orchestration.bench [--sizes 100k,1m,10m] [--runs 3] [--build-runs N]
        [--root data/bench] [--seed 42] [--no-write]

For each size, in one run on this machine (see orchestration/bench/datasets.py for the data):

1. lower bound: orchestration/bench/lower_bound.sql on the history's landing CSVs, in a
   subprocess (the queue x interval and agent x day facts, nothing else);
2. full build: `python -m orchestration.cli build` on a fresh warehouse (ingest -> dbt ->
   checks -> staffing -> publish), with its per-step times and the process tree's peak memory;
3. incremental run: the last day's files are added to the landing folder and
   `python -m orchestration.cli build` runs again on top of the built history; each repetition
   starts again from a copy of the warehouse as the full build left it;
4. the semantic-layer requests behind the Overview page, compiled and run on the snapshot;
5. every app page's render time (apps/bench_pages.py, AppTest, signed in as a director).

Medians of ``--runs`` repetitions (full builds: ``--build-runs``, default 1 at 10m and
``--runs`` below). The results go to BENCHMARKS.md between the `bench:begin` / `bench:end`
markers, with the command and the machine facts, and to ``<root>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from orchestration.bench import datasets, measure
from orchestration.bench.datasets import DataSet
from orchestration.settings import REPO_ROOT

BENCHMARKS_MD = REPO_ROOT / "BENCHMARKS.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LOWER_BOUND_SQL = Path(__file__).with_name("lower_bound.sql")
PY = sys.executable


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


# --- the pieces ------------------------------------------------------------------------------


def lower_bound(landing: Path, work: Path) -> measure.Measured:
    out = work / "lower_bound.duckdb"
    out.unlink(missing_ok=True)
    script = (
        "import duckdb, sys, pathlib\n"
        "sql = pathlib.Path(sys.argv[1]).read_text().replace('{landing}', sys.argv[2])\n"
        "con = duckdb.connect(sys.argv[3])\n"
        "con.execute(sql)\n"
        "print(con.execute('select count(*), sum(offered), sum(handled) from queue_intervals').fetchone())\n"
        "print(con.execute('select count(*), sum(handled), sum(on_contact_seconds) from agent_days').fetchone())\n"
    )
    m = measure.run([PY, "-c", script, str(LOWER_BOUND_SQL), str(landing), str(out)], log=work / "lower_bound.log")
    if m.returncode != 0:
        raise RuntimeError(f"lower bound failed:\n{m.stdout[-3000:]}")
    import duckdb

    with duckdb.connect(str(out), read_only=True) as con:
        m.extra["offered"] = con.execute("select sum(offered) from queue_intervals").fetchone()[0]
        m.extra["handled"] = con.execute("select sum(handled) from agent_days").fetchone()[0]
    out.unlink(missing_ok=True)
    return m


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_") and k != "DAGSTER_HOME"}
    env["SWITCHBOARD_DATA_DIR"] = str(data_dir)
    env["SWITCHBOARD_DBT_TARGET"] = str(data_dir / "dbt_target")
    return env


def build(data_dir: Path, log: Path) -> measure.Measured:
    m = measure.run([PY, "-m", "orchestration.cli", "build"], env=env_for(data_dir), cwd=REPO_ROOT, log=log)
    if m.returncode != 0:
        raise RuntimeError(f"build failed (log {log}):\n{m.stdout[-4000:]}")
    m.extra["steps"] = parse_step_timings(m.stdout)
    return m


def parse_step_timings(stdout: str) -> dict[str, float]:
    steps: dict[str, float] = {}
    inside = False
    for line in stdout.splitlines():
        if "step timings:" in line:
            inside = True
            continue
        if inside:
            parts = line.split()
            if len(parts) >= 3 and parts[1].endswith("s") and parts[2] in ("ok", "FAILED"):
                try:
                    steps[parts[0]] = steps.get(parts[0], 0.0) + float(parts[1][:-1])
                except ValueError:
                    inside = False
            else:
                inside = False
    return steps


def link_landing(src: Path, landing: Path) -> None:
    for f in src.rglob("*.csv"):
        dst = landing / f.relative_to(src)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if not dst.exists():
            try:
                os.link(f, dst)
            except OSError:
                shutil.copy2(f, dst)


def unlink_landing(src: Path, landing: Path) -> None:
    for f in src.rglob("*.csv"):
        (landing / f.relative_to(src)).unlink(missing_ok=True)


STATE = ("warehouse.duckdb", "serving", "dagster_home")


def save_state(data_dir: Path, to: Path) -> None:
    if to.exists():
        shutil.rmtree(to)
    to.mkdir(parents=True)
    for name in STATE:
        src = data_dir / name
        if src.is_dir():
            shutil.copytree(src, to / name)
        elif src.exists():
            shutil.copy2(src, to / name)


def restore_state(data_dir: Path, frm: Path) -> None:
    for name in STATE:
        dst = data_dir / name
        if dst.is_dir():
            shutil.rmtree(dst)
        elif dst.exists():
            dst.unlink()
        src = frm / name
        if src.is_dir():
            shutil.copytree(src, dst)
        elif src.exists():
            shutil.copy2(src, dst)


def overview_queries(serving: Path, runs: int) -> dict[str, float]:
    """Median seconds of each semantic-layer request of the Overview page (compile + run)."""
    script = f"""
import json, statistics, time
from datetime import timedelta
import duckdb
from apps.queries import semantic
from apps.queries.filters import ServiceFilters
path = {str(serving)!r}
with duckdb.connect(path, read_only=True) as con:
    last = con.execute("select max(interval_date) from fct_queue_intervals where offered > 0").fetchone()[0]
f = ServiceFilters(last - timedelta(days=6), last)
# memory-only compiled SQL: "first" is compile + run, whatever an earlier process left on disk
layer = semantic.SemanticLayer(semantic.find_manifest(__import__('pathlib').Path(path)), sql_cache_dir=False)
requests = {{
    "kpi tiles (last 7 days)": lambda: semantic.overview_kpis(layer, f, path),
    "kpi tiles (previous 7 days)": lambda: semantic.overview_kpis(layer, f.previous_period(), path),
    "kpi tiles (one day)": lambda: semantic.overview_kpis(layer, f.for_day(last), path),
}}
out = {{}}
for name, fn in requests.items():
    t0 = time.perf_counter(); fn(); first = time.perf_counter() - t0
    runs = []
    for _ in range({runs}):
        t0 = time.perf_counter(); fn(); runs.append(time.perf_counter() - t0)
    out[name] = {{"first": first, "median": statistics.median(runs)}}
print("RESULT " + json.dumps(out))
"""
    m = measure.run([PY, "-c", script], cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    if m.returncode != 0:
        raise RuntimeError(f"overview queries failed:\n{m.stdout[-3000:]}")
    line = next(x for x in m.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def page_renders(serving: Path, runs: int, work: Path) -> dict[str, dict]:
    m = measure.run(
        [PY, "-m", "apps.bench_pages", "--serving", str(serving), "--runs", str(runs), "--json"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        log=work / "pages.log",
    )
    line = next((x for x in m.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"page benchmark failed:\n{m.stdout[-3000:]}")
    return json.loads(line[len("RESULT "):])


def warehouse_facts(data_dir: Path) -> dict:
    import duckdb

    with duckdb.connect(str(data_dir / "serving" / "warehouse.duckdb"), read_only=True) as con:
        segments = con.execute("select count(*) from fct_contact_segments").fetchone()[0]
        offered = con.execute("select sum(offered) from fct_queue_intervals").fetchone()[0]
        handled = con.execute("select sum(handled) from fct_agent_days").fetchone()[0]
    return {
        "segments": segments,
        "offered": offered,
        "handled": handled,
        "warehouse_mb": round((data_dir / "warehouse.duckdb").stat().st_size / 1e6),
        "snapshot_mb": round((data_dir / "serving" / "warehouse.duckdb").stat().st_size / 1e6),
    }


# --- one size --------------------------------------------------------------------------------


def bench_size(ds: DataSet, runs: int, build_runs: int) -> dict:
    work = ds.root / "run"
    data_dir = work / "data"
    res: dict = {"size": ds.size.label, "dataset": ds.summary(), "runs": runs, "build_runs": build_runs}

    say(f"{ds.size.label}: lower bound x{runs}")
    lbs = [lower_bound(ds.history, work if work.exists() else (work.mkdir(parents=True) or work)) for _ in range(runs)]
    res["lower_bound"] = {
        "seconds": median([m.seconds for m in lbs]),
        "all": [round(m.seconds, 2) for m in lbs],
        "peak_rss": max(m.peak_rss_bytes or 0 for m in lbs),
        "offered": lbs[0].extra["offered"],
        "handled": lbs[0].extra["handled"],
    }

    fulls = []
    for i in range(build_runs):
        say(f"{ds.size.label}: full build {i + 1}/{build_runs}")
        if data_dir.exists():
            shutil.rmtree(data_dir)
        (data_dir / "landing").mkdir(parents=True)
        link_landing(ds.history, data_dir / "landing")
        fulls.append(build(data_dir, work / f"full_build_{i + 1}.log"))
        say(f"{ds.size.label}: full build {fulls[-1].seconds:.1f}s, peak {fulls[-1].peak_rss_bytes / 2**30:.2f} GiB")
    res["full_build"] = {
        "seconds": median([m.seconds for m in fulls]),
        "all": [round(m.seconds, 1) for m in fulls],
        "peak_rss": max(m.peak_rss_bytes or 0 for m in fulls),
        "steps": fulls[-1].extra["steps"],
    }
    res["warehouse"] = warehouse_facts(data_dir)
    serving = data_dir / "serving" / "warehouse.duckdb"

    say(f"{ds.size.label}: overview semantic-layer requests")
    res["overview_queries"] = overview_queries(serving, runs)
    say(f"{ds.size.label}: app pages")
    res["pages"] = page_renders(serving, runs, work)

    save_state(data_dir, work / "after_full")
    incs = []
    for i in range(runs):
        say(f"{ds.size.label}: incremental one-day run {i + 1}/{runs}")
        if i:
            restore_state(data_dir, work / "after_full")
            unlink_landing(ds.new_day, data_dir / "landing")
        link_landing(ds.new_day, data_dir / "landing")
        incs.append(build(data_dir, work / f"incremental_{i + 1}.log"))
        say(f"{ds.size.label}: incremental {incs[-1].seconds:.1f}s")
    shutil.rmtree(work / "after_full", ignore_errors=True)
    res["incremental"] = {
        "seconds": median([m.seconds for m in incs]),
        "all": [round(m.seconds, 1) for m in incs],
        "peak_rss": max(m.peak_rss_bytes or 0 for m in incs),
        "steps": incs[-1].extra["steps"],
        "new_day_segments": ds.summary().get("new_day_segments"),
    }
    return res


# --- report ----------------------------------------------------------------------------------


def _gib(b: int | None) -> str:
    return "n/a" if not b else f"{b / 2**30:.2f}"


def _s(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def render(results: list[dict], command: str, facts: dict, started: str, load: str) -> str:
    lines = [
        BEGIN,
        "## `make bench`: full build, incremental run, queries and pages by history size",
        "",
        f"Command: `{command}` (started {started}; load average at start {load}). Machine: "
        + ", ".join(f"{k} {v}" for k, v in facts.items())
        + ". Every size is a 500-seat center; the incremental run adds the day after the history "
        "(its own segments in the table). Times are medians (n = the runs of each row), wall clock.",
        "",
        "| | " + " | ".join(r["size"] for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]

    def row(name: str, cells: list[str]) -> None:
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    row("history segments (fct_contact_segments)", [f"{r['warehouse']['segments']:,}" for r in results])
    row("history days x seats", [f"{r['dataset']['days'] - 1} x {r['dataset']['agents']}" for r in results])
    row("lower bound: DuckDB script (s)", [_s(r["lower_bound"]["seconds"]) for r in results])
    row("full build (s)", [f"{_s(r['full_build']['seconds'])} (n={r['build_runs']})" for r in results])
    row("full build / lower bound", [f"{r['full_build']['seconds'] / r['lower_bound']['seconds']:.1f}x" for r in results])
    row("one-day incremental run (s)", [f"{_s(r['incremental']['seconds'])} (n={r['runs']})" for r in results])
    row("new day's segments", [f"{r['incremental']['new_day_segments']:,}" for r in results])
    row("peak memory, full build (GiB)", [_gib(r["full_build"]["peak_rss"]) for r in results])
    row("peak memory, incremental (GiB)", [_gib(r["incremental"]["peak_rss"]) for r in results])
    row("warehouse / snapshot file (MB)", [f"{r['warehouse']['warehouse_mb']:,} / {r['warehouse']['snapshot_mb']:,}" for r in results])
    steps = sorted({k for r in results for k in r["full_build"]["steps"]})
    for k in steps:
        row(f"full build step `{k}` (s)", [_s(r["full_build"]["steps"].get(k)) for r in results])
    for k in steps:
        row(f"incremental step `{k}` (s)", [_s(r["incremental"]["steps"].get(k)) for r in results])
    for q in results[0]["overview_queries"]:
        row(f"Overview request: {q} (s, first / warm)", [
            f"{_s(r['overview_queries'][q]['first'])} / {_s(r['overview_queries'][q]['median'])}" for r in results
        ])
    pages = list(results[0]["pages"])
    for p in pages:
        def cell(r: dict, p: str = p) -> str:
            t = r["pages"].get(p) or {}
            if t.get("error"):
                return "error"
            return (
                f"{_s(t.get('fresh_data'))} / {_s(t.get('warm'))} / {_s(t.get('cold'))}"
                f" / {_s(t.get('first_compile'))}"
            )

        row(f"page `{p}` (s, new data / warm / cold / first compile)", [cell(r) for r in results])
    lines += [
        "",
        "Page columns: *new data* = the first render after a publish (data caches empty, the "
        "MetricFlow engine loaded), *warm* = a rerun, *cold* = the first render with every "
        "in-process cache empty (a newly started server, or the first visitor after a fresh "
        "install or a dbt project change: the publish compiled the pages' request shapes), *first "
        "compile* = the same with no compiled SQL anywhere (every request shape new: the "
        "MetricFlow engine is built and compiles each request). Lower-bound totals equal the marts' (offered "
        + ", ".join(f"{r['lower_bound']['offered']:,} vs {r['warehouse']['offered']:,}" for r in results)
        + "): both compute the same facts.",
        END,
    ]
    return "\n".join(lines)


def write_benchmarks(section: str) -> None:
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        title, _, body = text.partition("\n")
        text = f"{title}\n\n{section}\n{body}"
    BENCHMARKS_MD.write_text(text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m orchestration.bench", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="100k,1m,10m")
    p.add_argument("--runs", type=int, default=3, help="repetitions of each measurement (median)")
    p.add_argument("--build-runs", type=int, default=None,
                   help="full builds per size (default: --runs, but 1 at 10m)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--root", type=Path, default=REPO_ROOT / "data" / "bench")
    p.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    a = p.parse_args(argv)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = measure.load_average()
    facts = measure.machine_facts()
    results = []
    command = "make bench" + (f" BENCH_SIZES={a.sizes}" if a.sizes != "100k,1m,10m" else "")
    if a.runs != 3:
        command += f" BENCH_RUNS={a.runs}"
    if a.build_runs:
        command += f" BENCH_BUILD_RUNS={a.build_runs}"
    for label in [s for s in a.sizes.split(",") if s]:
        ds = datasets.ensure_generated(datasets.dataset(label, a.seed, a.root), log=say)
        build_runs = a.build_runs or (1 if label == "10m" else a.runs)
        results.append(bench_size(ds, a.runs, build_runs))
        (a.root / "results.json").write_text(json.dumps(results, indent=2, default=str))
        # after every size, so a long run that is interrupted keeps what it measured
        section = render(results, command, facts, started, load)
        if not a.no_write:
            write_benchmarks(section)
            say(f"wrote {BENCHMARKS_MD} ({', '.join(r['size'] for r in results)})")
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
