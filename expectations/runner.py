"""validate(dataframe, suite) -> a plain, JSON-ready summary. Pure: no Dagster, no warehouse.

Runs the suite on an ephemeral GX context with the pandas datasource (STACK.md section 4: the
SQL datasource does not work on DuckDB). Each expectation's severity comes from its
``meta["severity"]`` (critical | warning; missing means warning).
"""

from __future__ import annotations

import importlib
import math
import threading
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

EXAMPLES = 5
LINEAGE = ("_source_file", "_source_row")


@dataclass
class ExpectationResult:
    expectation: str  # e.g. expect_column_values_to_be_between
    column: str | None  # column, "a,b" for pairs / compound keys, None for table-level
    severity: str
    success: bool
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    observed_value: Any = None
    element_count: int | None = None
    examples: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None
    exception: str | None = None


@dataclass
class Summary:
    suite: str
    success: bool
    evaluated_rows: int
    results: list[ExpectationResult]

    @property
    def failed(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success]

    @property
    def critical_failures(self) -> list[ExpectationResult]:
        return [r for r in self.failed if r.severity == "critical"]

    @property
    def warning_failures(self) -> list[ExpectationResult]:
        return [r for r in self.failed if r.severity != "critical"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def jsonable(v: Any) -> Any:
    """Numpy/pandas scalars, timestamps, tuples -> plain JSON values."""
    if v is None or isinstance(v, (bool, str, int)):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [jsonable(x) for x in v]
    try:
        import pandas as pd

        if v is pd.NaT or v is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    item = getattr(v, "item", None)  # numpy scalar
    if callable(item):
        try:
            return jsonable(item())
        except (TypeError, ValueError):
            pass
    try:
        import pandas as pd

        if v is pd.NaT or (not isinstance(v, (list, dict)) and pd.isna(v)):
            return None
        if isinstance(v, pd.Timestamp):
            return v.isoformat()
    except (TypeError, ValueError):
        pass
    return str(v)


def _column_of(kwargs: dict[str, Any]) -> str | None:
    if kwargs.get("column"):
        return kwargs["column"]
    if kwargs.get("column_list"):
        return ",".join(c for c in kwargs["column_list"] if c != "_delivery_id")
    if kwargs.get("column_A"):
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    return None


_KWARG_KEYS = (
    "min_value",
    "max_value",
    "mostly",
    "row_condition",
    "value_set",
    "regex",
    "or_equal",
    "strict_min",
)


def _examples(df, result: dict[str, Any], columns: list[str]) -> list[Any]:
    """A few failing rows: the tested columns plus file/line lineage when the frame has it."""
    idx = list(result.get("partial_unexpected_index_list") or [])[:EXAMPLES]
    if idx and df is not None:
        keep = [
            c
            for c in dict.fromkeys((*columns, *LINEAGE))
            if c in df.columns and c != "_delivery_id"
        ]
        try:
            rows = df.loc[idx, keep].to_dict(orient="records")
            return [jsonable(r) for r in rows]
        except (KeyError, TypeError, ValueError):
            pass
    values = list(result.get("partial_unexpected_list") or [])[:EXAMPLES]
    return [jsonable(v) for v in values]


def _config_key(cfg) -> tuple[str, str]:
    import json

    kwargs = {k: v for k, v in dict(cfg.kwargs).items() if k != "batch_id"}
    return cfg.type, json.dumps(jsonable(kwargs), sort_keys=True, default=str)


def import_gx_in_background() -> threading.Thread:
    """Start importing great_expectations in a daemon thread; returns the thread.

    The import takes ~3 s on a 2-core machine. A pipeline run loads the landing files first in
    the same process (Dagster's in-process executor) and validates them next, so the loading
    step starts it: DuckDB's single-threaded CSV reads leave a core free, and the checks then
    find it imported. Python's import locks make a concurrent import of the same module wait
    for this one.
    """
    thread = threading.Thread(
        target=importlib.import_module, args=("great_expectations",), name="gx-import", daemon=True
    )
    thread.start()
    return thread


def _gx_context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch (an md5 over pandas' hash of every cell, twice per
    # validation) for a batch marker nothing here reads, and skips it for frames of
    # HASH_THRESHOLD bytes or more. It was 44% of validating a million calls rows (1.25 of
    # 2.87 s), so no frame gets one.
    pandas_execution_engine.HASH_THRESHOLD = 0

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def validate(dataframe, suite) -> Summary:
    """Run ``suite`` on ``dataframe``; every expectation's outcome, in suite order."""
    ctx = _gx_context()
    batch_def = (
        ctx.data_sources.add_pandas("frame")
        .add_dataframe_asset(name="frame")
        .add_batch_definition_whole_dataframe("all")
    )
    batch = batch_def.get_batch(batch_parameters={"dataframe": dataframe})
    res = batch.validate(
        suite,
        result_format={
            "result_format": "COMPLETE",
            "partial_unexpected_count": EXAMPLES,
            "return_unexpected_index_query": False,
            "include_unexpected_rows": False,
        },
    )
    # GX returns results grouped by metric, not in suite order: match them back by configuration.
    pending = list(res.results)
    ordered = []
    for exp in suite.expectations:
        want = _config_key(exp.configuration)
        for i, r in enumerate(pending):
            if _config_key(r.expectation_config) == want:
                ordered.append(pending.pop(i))
                break
    ordered += pending

    out: list[ExpectationResult] = []
    for r in ordered:
        cfg = r.expectation_config
        kwargs = dict(cfg.kwargs)
        meta = dict(cfg.meta or {})
        result = dict(r.result or {})
        exc = r.exception_info or {}
        raised = None
        if isinstance(exc, dict):
            if exc.get("raised_exception"):
                raised = str(exc.get("exception_message"))
            else:  # {config_id: {...}} in some versions
                for v in exc.values():
                    if isinstance(v, dict) and v.get("raised_exception"):
                        raised = str(v.get("exception_message"))
        columns = [
            c
            for c in [
                kwargs.get("column"),
                kwargs.get("column_A"),
                kwargs.get("column_B"),
                *(kwargs.get("column_list") or []),
            ]
            if c
        ]
        value_set = kwargs.get("value_set")
        kw = {k: jsonable(kwargs[k]) for k in _KWARG_KEYS if kwargs.get(k) is not None}
        if value_set is not None and len(value_set) > 20:
            kw["value_set"] = f"{len(value_set)} values"
        out.append(
            ExpectationResult(
                expectation=cfg.type,
                column=_column_of(kwargs),
                severity=meta.get("severity", "warning"),
                success=bool(r.success) and raised is None,
                unexpected_count=jsonable(result.get("unexpected_count")),
                unexpected_percent=jsonable(result.get("unexpected_percent")),
                observed_value=jsonable(result.get("observed_value")),
                element_count=jsonable(result.get("element_count")),
                examples=[] if r.success else _examples(dataframe, result, columns),
                kwargs=kw,
                notes=meta.get("why"),
                exception=raised,
            )
        )
    return Summary(
        suite=suite.name,
        success=all(x.success for x in out),
        evaluated_rows=len(dataframe),
        results=out,
    )


def merge(summaries: list[Summary]) -> Summary:
    """One summary of a suite run on several chunks of a batch (the same suite on each).

    An expectation succeeds when it succeeded on every chunk; counts add up, the percentage is
    recomputed over all rows, and the examples and observed value come from the first chunk that
    failed it (else the last chunk). Chunks are whole deliveries, so within-delivery rules (key
    uniqueness) are unaffected; rate bands are judged per chunk of up to a million rows.
    """
    if len(summaries) == 1:
        return summaries[0]
    first = summaries[0]
    merged: list[ExpectationResult] = []
    for i, r in enumerate(first.results):
        parts = [s.results[i] for s in summaries]
        failing = [p for p in parts if not p.success]
        shown = failing[0] if failing else parts[-1]
        counts = [p.unexpected_count for p in parts if p.unexpected_count is not None]
        elements = [p.element_count for p in parts if p.element_count is not None]
        unexpected = sum(counts) if counts else None
        total = sum(elements) if elements else None
        merged.append(
            ExpectationResult(
                expectation=r.expectation,
                column=r.column,
                severity=r.severity,
                success=not failing,
                unexpected_count=unexpected,
                unexpected_percent=(100.0 * unexpected / total) if unexpected is not None and total else shown.unexpected_percent,
                observed_value=shown.observed_value,
                element_count=total,
                examples=[e for p in failing for e in p.examples][:EXAMPLES],
                kwargs=r.kwargs,
                notes=r.notes,
                exception=next((p.exception for p in parts if p.exception), None),
            )
        )
    return Summary(
        suite=first.suite,
        success=all(x.success for x in merged),
        evaluated_rows=sum(s.evaluated_rows for s in summaries),
        results=merged,
    )
