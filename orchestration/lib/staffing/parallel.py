"""Row-chunked threads for the element-wise staffing math (Erlang C/A, the SL root cause).

Every staffing function evaluated per queue x interval is element-wise: a row's result depends
on that row's inputs only (the required-agent search bisects each row on its own, the series
stop per row; whole-array code is limited to argument checks that raise and to ``any()``
shortcuts). So the rows can be split into contiguous chunks, each chunk evaluated on its own
thread and the results concatenated, and every value is bit-for-bit what one call on all rows
gives (tests/orchestration/test_staffing_parallel.py). Threads pay because numpy and scipy ufuncs
release the GIL inside their loops; the Python between them does not, so small inputs are
evaluated in one call (``min_rows``).
"""

from __future__ import annotations

import contextvars
import dataclasses
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

__all__ = ["MIN_ROWS", "default_workers", "map_chunks"]

R = TypeVar("R")

# Below this many rows a call of one Erlang evaluation per row (required agents, SL at given
# agents) is not faster in two chunks on two cores than in one call: the Python between the ufunc
# calls holds the GIL and costs the same per chunk, only the loops scale with the rows. Measured
# on rows of the 10M snapshot: Erlang A requirements break even at 5,000-10,000 rows, Erlang C's
# and the SL at ~15,000, Erlang C's SL at ~45,000 (a few ms either way). A caller whose function
# does more per row passes less (the SL root cause, up to 32 Erlang A evaluations per row:
# ~2,000).
MIN_ROWS = 15_000


def default_workers() -> int:
    """Threads for the row-wise staffing math: the cores this process may run on (its CPU
    affinity, which a container or `taskset` narrows; os.cpu_count() counts the host's), at most
    4 (beyond that the GIL-bound Python between the ufunc calls dominates)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity API (macOS, Windows)
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _row_count(values: Sequence[Any]) -> int | None:
    """The common length of the 1-D arrays among ``values`` (None if there are none).

    Anything else must be a scalar (or None, or an object numpy sees as one): a list, a Series or
    a 2-D array would otherwise reach every chunk whole.
    """
    lengths = set()
    for v in values:
        if isinstance(v, np.ndarray) and v.ndim == 1:
            lengths.add(len(v))
        elif np.ndim(v) != 0:
            raise TypeError("map_chunks splits 1-D numpy arrays; other arguments must be scalars")
    if len(lengths) > 1:
        raise ValueError(f"row arrays of different lengths: {sorted(lengths)}")
    return lengths.pop() if lengths else None


def _part(value: Any, start: int, stop: int) -> Any:
    """A 1-D array's rows start:stop (a view); a scalar (or None) goes to every chunk."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return value[start:stop]
    return value


def _concat(parts: list[Any]) -> Any:
    """Join the chunks' results the way their type is built: arrays end to end, dataclasses and
    dicts field by field; None (an absent optional field) stays None."""
    first = parts[0]
    if first is None:
        return None
    if isinstance(first, np.ndarray) and first.ndim == 1:
        return np.concatenate(parts)
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        return type(first)(
            **{
                f.name: _concat([getattr(p, f.name) for p in parts])
                for f in dataclasses.fields(first)
            }
        )
    if isinstance(first, dict):
        return {k: _concat([p[k] for p in parts]) for k in first}
    raise TypeError(f"cannot concatenate chunk results of type {type(first).__name__}")


def map_chunks(
    fn: Callable[..., R],
    *args: Any,
    workers: int | None = None,
    min_rows: int = MIN_ROWS,
    **kwargs: Any,
) -> R:
    """``fn(*args, **kwargs)`` evaluated on contiguous row chunks in a thread pool.

    Every 1-D numpy array among the arguments (positional or keyword) is a column of rows and is
    split into ``workers`` contiguous chunks of (nearly) equal size; all those arrays must have
    the same length. Other arguments (scalars, None, settings) go unchanged to every chunk. The
    chunks' results (arrays, dataclasses of arrays or dicts of arrays) are concatenated in row
    order. ``fn`` must be element-wise over the rows, or the result is not that of one call.

    One direct call instead (no pool, no splitting) when ``workers`` is 1, when there are fewer
    than ``min_rows`` rows, or when no argument is a 1-D array. ``workers`` None is
    ``default_workers()``.
    """
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError("workers must be at least 1")
    n = _row_count([*args, *kwargs.values()])
    if n is None or workers == 1 or n < max(min_rows, 2):
        return fn(*args, **kwargs)
    k = min(workers, n)
    bounds = [i * n // k for i in range(k + 1)]
    with ThreadPoolExecutor(max_workers=k, thread_name_prefix="staffing") as pool:
        futures = [
            # a copy of the caller's context per chunk: numpy's errstate lives in a contextvar,
            # so a chunk sees the floating-point error handling the caller set
            pool.submit(
                contextvars.copy_context().run,
                fn,
                *(_part(a, lo, hi) for a in args),
                **{name: _part(v, lo, hi) for name, v in kwargs.items()},
            )
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        return _concat([f.result() for f in futures])
