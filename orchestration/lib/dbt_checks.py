"""The dbt data tests of a build, as rows of ``raw_meta.check_results`` (the Data health page).

dagster-dbt turns each dbt data test into an asset check of its model (the invariants, the
accepted values, the reconciliations between marts). Dagster's UI shows them; the app's Data
health page reads the snapshot's ``ops.check_results``, which until now held only the Great
Expectations suites. Here each dbt test's result becomes one row of that table, the tests of a
model grouped as one check, ``dbt_tests``, of its asset (as a GX suite groups its
expectations), so the page's "Checks" and "Failed expectations" show them beside the suites.

Plain functions over Dagster's ``AssetCheckResult`` events and dbt's manifest: the dbt asset
collects the events as it streams them and writes the rows once dbt has exited (one writer), through
``gx_bridge.append_check_results``, the one writer of that table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import dagster as dg

DBT_CHECK = "dbt_tests"
SUITE = "dbt data tests"


def _value(v: Any) -> Any:
    """A Dagster metadata value's plain value (events carry MetadataValue objects)."""
    return getattr(v, "value", v)


def _column(kwargs: Mapping[str, Any]) -> str | None:
    if kwargs.get("column_name"):
        return str(kwargs["column_name"])
    for key in ("combination_of_columns", "columns"):
        if kwargs.get(key):
            return ",".join(str(c) for c in kwargs[key])
    return None


def dbt_check_rows(
    results: Iterable[dg.AssetCheckResult],
    manifest: Mapping[str, Any],
    *,
    run_id: str | None,
    batch: str | None = None,
    evaluated_at: datetime | None = None,
) -> list[tuple]:
    """One ``raw_meta.check_results`` row per dbt test result, in the table's column order.

    expectation: the generic test's name (not_null, unique, accepted_values, expression_is_true,
    ...) or the singular test's own name; column: the tested column(s); severity: critical for
    a test configured to error (it fails the build and so blocks the publish), warning for
    ``severity: warn``; unexpected_count: the rows the test returned; expectation_args: the
    test's arguments and its Dagster check name (which the Dagster UI lists it under); batch:
    which rows the run's tests read (the caller knows the run's reprocessing window).
    """
    at = evaluated_at or datetime.now(UTC).replace(tzinfo=None)
    nodes = manifest.get("nodes", {})
    rows = []
    for r in results:
        meta = {k: _value(v) for k, v in (r.metadata or {}).items()}
        node = nodes.get(meta.get("unique_id"), {})
        test = node.get("test_metadata") or {}
        kwargs = {
            k: v for k, v in (test.get("kwargs") or {}).items() if k != "model" and v is not None
        }
        configured = str((node.get("config") or {}).get("severity") or "error").lower()
        failures = meta.get("dagster_dbt/failed_row_count")
        rows.append(
            (
                DBT_CHECK,
                "/".join(r.asset_key.path),
                SUITE,
                test.get("name") or node.get("name") or r.check_name,
                _column(kwargs),
                "warning" if configured == "warn" else "critical",
                bool(r.passed),
                None if failures is None else int(failures),
                None,
                json.dumps({"status": meta.get("status")}),
                "[]",
                json.dumps({**kwargs, "check": r.check_name}, default=str),
                None,
                batch,
                at,
                run_id,
            )
        )
    return rows
