"""Helpers shared by the suite builders. Imports great_expectations lazily."""

from __future__ import annotations

from typing import Any

CRITICAL = "critical"
WARNING = "warning"
SEVERITIES = (CRITICAL, WARNING)


def gx():
    import great_expectations

    return great_expectations


def expect(name: str, severity: str, **kwargs: Any):
    """An expectation of class ``gx.expectations.<name>`` with its severity in ``meta``.

    ``row_condition`` strings use the pandas condition parser (the frames are pandas).
    """
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, got {severity!r}")
    if "row_condition" in kwargs:
        kwargs.setdefault("condition_parser", "pandas")
    notes = kwargs.pop("notes", None)
    meta = {"severity": severity, **({"why": notes} if notes else {})}
    return getattr(gx().expectations, name)(meta=meta, **kwargs)


def suite(name: str, expectations: list) -> Any:
    return gx().ExpectationSuite(name=name, expectations=expectations)


def unique_within_delivery(keys: list[str]):
    """Critical: the primary key (plus version column, if any) is unique within one delivery.

    The loader drops exact duplicate records; two *different* records with the same key in one
    file are ambiguous (staging cannot tell which one is right), so they block the load.
    """
    return expect(
        "ExpectCompoundColumnsToBeUnique",
        CRITICAL,
        column_list=["_delivery_id", *keys],
        notes="key unique within a delivery",
    )


def non_empty_batch():
    """Critical: a batch that read rows loaded at least one (fetch skips batches that read none)."""
    return expect(
        "ExpectTableRowCountToBeBetween",
        CRITICAL,
        min_value=1,
        notes="a non-empty delivery loaded at least one row (all quarantined otherwise)",
    )


def severity_of(expectation) -> str:
    meta = getattr(expectation, "meta", None) or {}
    return meta.get("severity", WARNING)


def seconds_between(df, start: str, end: str):
    """Whole seconds from column ``start`` to ``end`` (NaN where either is missing)."""
    import pandas as pd

    return (pd.to_datetime(df[end]) - pd.to_datetime(df[start])).dt.total_seconds()
