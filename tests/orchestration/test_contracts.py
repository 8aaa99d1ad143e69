"""The landing contract is the one definition; the files drawn from it must not drift."""

from __future__ import annotations

import yaml

from orchestration.contracts import DUCKDB_TYPES, load_contract
from orchestration.contracts.render import README_BEGIN, derived_files, readme_section
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT


def test_derived_files_are_in_sync_with_the_contract():
    stale = [
        str(p.relative_to(REPO_ROOT))
        for p, content in derived_files().items()
        if not p.exists() or p.read_text(encoding="utf-8") != content
    ]
    assert stale == [], f"run `make contracts`: out of date: {stale}"


def test_readme_carries_the_contract_section():
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert README_BEGIN in text
    assert readme_section(load_contract()) in text


def test_every_contract_table_is_a_dbt_source_with_every_column_documented():
    for t in load_contract():
        doc = yaml.safe_load((DBT_PROJECT_DIR / "models" / "staging" / t.family / f"_{t.family}__sources.yml").read_text())
        (source,) = doc["sources"]
        assert source["name"] == t.family and source["schema"] == t.raw_schema
        (table,) = [x for x in source["tables"] if x["name"] == t.name]
        documented = {c["name"]: c for c in table["columns"]}
        for c in t.columns:
            assert documented[c.name]["description"], (t.key, c.name)
            assert documented[c.name]["data_type"] == DUCKDB_TYPES[c.type].lower()


def test_the_contract_covers_what_the_issue_requires():
    required = {
        ("acd", "calls"): "segment_id contact_id segment_seq channel direction queue_id customer_id customer_phone entered_queue_at answered_at ended_at agent_id outcome talk_seconds hold_seconds hold_count acw_seconds transferred_to_queue_id wrapup_code updated_at",
        ("acd", "agent_states"): "agent_id state reason_code started_at ended_at",
        ("acd", "queues"): "queue_id queue_name line_of_business site_id site_timezone sl_threshold_seconds sl_target_pct short_abandon_seconds",
        ("crm", "customers"): "customer_id segment phone email created_at",
        ("crm", "cases"): "case_id customer_id contact_id category is_complaint is_escalated status opened_at closed_at",
        ("crm", "orders"): "order_id customer_id contact_id agent_id ordered_at amount currency",
        ("survey", "survey_responses"): "response_id contact_id agent_id sent_at responded_at csat nps resolved comment",
        ("hr", "agents"): "agent_id full_name team_id supervisor_id site_id role hire_date termination_date termination_type snapshot_date",
        ("hr", "schedules"): "agent_id activity starts_at ends_at",
        ("hr", "timesheets"): "agent_id work_date hours_worked overtime_hours submitted_at approved_by approved_at",
        ("hr", "leave_requests"): "request_id agent_id leave_type starts_on ends_on status requested_at decided_at decided_by",
        ("hr", "qa_evaluations"): "evaluation_id segment_id agent_id evaluator_id evaluated_at form_id section question_id weight score max_score is_critical is_not_applicable",
        ("hr", "coaching_sessions"): "session_id agent_id supervisor_id held_at focus_metric baseline_value target_value commitment follow_up_due_on",
    }
    tables = {t.key: t for t in load_contract()}
    for key, cols in required.items():
        assert set(cols.split()) <= set(tables[key].column_names), key
    assert ("hr", "teams") in tables
