"""One home per check (STYLE.md 9.4): no GE suite restates a dbt not_null / unique /
accepted_values test (or not_null_columns), or a mart contract's not_null constraint, at mostly = 1.0 on the same
column of the same relation.

dbt's tests come from target/manifest.json (re-parsed at session start when the project
changed: tests/conftest.py). A GE expectation restates a dbt test when it is the same kind of
check (see GE_EQUIVALENT), on the same column of the same dbt node (source for landing suites,
model for mart suites), with ``mostly`` unset or 1.0 and no ``row_condition`` (a conditional
check is a different check).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expectations import registry

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt_project"
MANIFEST = DBT_DIR / "target" / "manifest.json"

GE_EQUIVALENT = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_unique": "unique",
    "expect_compound_columns_to_be_unique": "unique",  # only when it names a single column
    "expect_column_values_to_be_in_set": "accepted_values",
}


@pytest.fixture(scope="session")
def manifest() -> dict:
    # tests/conftest.py re-parses the project at session start whenever its files changed
    return json.loads(MANIFEST.read_text())


def dbt_column_tests(manifest: dict) -> set[tuple[str, str, str]]:
    """(dbt node unique_id, column, check) for every not_null/unique/accepted_values test and
    every not_null constraint of a model's contract (enforced when the model is written)."""
    out = set()
    for node in manifest["nodes"].values():
        if node.get("resource_type") == "model":
            for column in (node.get("columns") or {}).values():
                if any(c.get("type") == "not_null" for c in column.get("constraints") or []):
                    out.add((node["unique_id"], column["name"].lower(), "not_null"))
        if node.get("resource_type") != "test":
            continue
        metadata = node.get("test_metadata") or {}
        name = metadata.get("name")
        if name == "not_null_columns":  # the project's not_null of many columns (a mart view's)
            name, columns = "not_null", (metadata.get("kwargs") or {}).get("columns") or []
        else:
            columns = [node["column_name"]] if node.get("column_name") else []
        if name not in ("not_null", "unique", "accepted_values") or not columns:
            continue
        attached = node.get("attached_node")
        targets = (
            [attached]
            if attached
            else [n for n in node["depends_on"]["nodes"] if n.startswith(("model.", "source."))]
        )
        for target in targets:
            for column in columns:
                out.add((target, column.lower(), name))
    return out


def restated_checks(suite, dbt_node: str, dbt_tests: set[tuple[str, str, str]]) -> list[str]:
    found = []
    for exp in suite.expectations:
        cfg = exp.configuration
        kind = GE_EQUIVALENT.get(cfg.type)
        if kind is None:
            continue
        kwargs = cfg.kwargs
        if kwargs.get("row_condition"):
            continue
        mostly = kwargs.get("mostly")
        if mostly is not None and mostly < 1.0:
            continue
        if cfg.type == "expect_compound_columns_to_be_unique":
            cols = kwargs.get("column_list") or []
            if len(cols) != 1:
                continue
            column = cols[0]
        else:
            column = kwargs["column"]
        if (dbt_node, column.lower(), kind) in dbt_tests:
            found.append(f"{suite.name}: {cfg.type} on {column} restates dbt {kind} on {dbt_node}")
    return found


def test_the_manifest_has_the_dbt_tests_this_guard_reads(manifest):
    tests = dbt_column_tests(manifest)
    assert ("model.switchboard.fct_contact_segments", "segment_id", "unique") in tests
    assert ("model.switchboard.fct_contacts", "contact_id", "not_null") in tests  # constraint
    # a mart view's not-nulls are one not_null_columns test
    assert ("model.switchboard.fct_contact_segments", "segment_id", "not_null") in tests
    assert ("source.switchboard.acd.calls", "segment_id", "not_null") in tests


def test_every_suite_maps_to_a_dbt_node(manifest):
    nodes = set(manifest["nodes"]) | set(manifest["sources"])
    missing = [e.dbt_unique_id for e in registry.entries() if e.dbt_unique_id not in nodes]
    assert not missing, missing


def test_no_ge_suite_restates_a_dbt_test(manifest, gx_loaded):
    dbt_tests = dbt_column_tests(manifest)
    problems = []
    for entry in registry.entries():
        problems += restated_checks(entry.build_suite(), entry.dbt_unique_id, dbt_tests)
    assert not problems, "\n".join(problems)


def test_the_guard_catches_a_restated_not_null(manifest, gx_loaded):
    from expectations.suites._common import WARNING, expect, suite

    dbt_tests = dbt_column_tests(manifest)
    bad = suite(
        "bad",
        [
            expect("ExpectColumnValuesToNotBeNull", WARNING, column="segment_id"),
            expect(
                "ExpectColumnValuesToNotBeNull", WARNING, column="segment_id", mostly=0.9
            ),  # a tolerance: fine
        ],
    )
    found = restated_checks(bad, "model.switchboard.fct_contact_segments", dbt_tests)
    assert len(found) == 1 and "segment_id" in found[0]
