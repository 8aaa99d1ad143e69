"""Run a command and measure it: wall time and the peak memory of its whole process tree.

Peak memory is the largest sum of resident set sizes (VmRSS) over the process and all its
descendants, sampled every 0.2 s from /proc (the build runs dbt and DuckDB in child
processes, so the parent's own maximum RSS would undercount). Linux only; elsewhere the peak is
reported as unknown.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.2


@dataclass
class Measured:
    seconds: float
    peak_rss_bytes: int | None
    returncode: int
    stdout: str = ""
    extra: dict = field(default_factory=dict)


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(root: int) -> int:
    kids = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss(pid)
        stack.extend(kids.get(pid, ()))
    return total


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, log: Path | None = None) -> Measured:
    """Run ``cmd`` to completion; stdout+stderr go to ``log`` (and are returned)."""
    supported = Path("/proc/self/status").exists()
    out = open(log, "w") if log else subprocess.PIPE  # noqa: SIM115 - closed below
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    if supported:
        sampler.start()
    stdout, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    stop.set()
    if supported:
        sampler.join()
    if log:
        out.close()
        stdout = Path(log).read_text(errors="replace")
    return Measured(seconds, peak if supported else None, proc.returncode, stdout or "")


def machine_facts() -> dict[str, str]:
    import platform

    import duckdb

    facts = {
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "os": f"{platform.system()} {platform.release()}",
    }
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    facts["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            facts["memory"] = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return facts


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
