"""Access rules enforced in the data-access layer (apps.queries), per role, on the fixture.

Supervisor: every query function that returns agent-level rows is called with a supervisor
context for team t1, and no row of another team comes back (SQL and semantic-layer paths).
Director: every agent. Analyst: no customer identifier in any row-level result, and semantic
requests by customer are refused.

Raw landing data and customer free text (``pii_env``: a copy of the fixture snapshot with a
quarantined row, a failed-check example and a survey comment holding a phone number, an e-mail
address and a CRM customer id): the director sees them; an analyst never does, neither from the
query functions, nor the cached page wrappers, nor anywhere on the rendered pages; a supervisor
gets no raw line and masked PII in examples.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from apps.queries import agents, health, quality, voice
from apps.queries.access import (
    CUSTOMER_IDENTIFIER_COLUMNS,
    PII_MASK,
    AccessContext,
    AccessDeniedError,
    is_customer_identifier_column,
    landing_pii_columns,
    mask_customer_columns,
    redact_check_examples,
    redact_contact_details,
    saved_query_group_by,
    secure_metric_query,
    supervised_team_ids,
    team_clause,
)
from apps.queries.filters import ServiceFilters
from apps.queries.semantic import MetricQuery, date_range_filter, semantic_layer
from tests.apps.apptest_helpers import copy_snapshot

SUPERVISOR = AccessContext.supervisor("sup-t1", ["t1"])
DIRECTOR = AccessContext.director()
ANALYST = AccessContext.analyst()
NOBODY = AccessContext.supervisor("sup-none", [])
T2_ONLY_AGENT = "a3"  # always on t2


@pytest.fixture
def env(serving_env):
    layer = semantic_layer(serving_env.path)
    f = ServiceFilters(serving_env.first_day, serving_env.last_day)
    return serving_env.path, layer, f


def _team_values(df: pd.DataFrame) -> set:
    for col in ("team_id", "team"):
        if col in df.columns:
            return set(df[col].dropna())
    raise AssertionError(f"no team column in {list(df.columns)}")


def _agent_level_results(path, layer, f, ctx) -> dict[str, pd.DataFrame]:
    """Every query function of apps.queries that returns agent-level rows, called with ctx."""
    out = {
        "agents.agent_scorecard": agents.agent_scorecard(layer, f, ctx, path),
        "agents.team_summary": agents.team_summary(layer, f, ctx, path),
        "voice.voice_by(agent)": voice.voice_by(layer, f, "agent", ctx, path),
        "quality.qa_by(agent)": quality.qa_by(layer, f, "agent", ctx, path),
    }
    for agent_id in ("a1", "a2", "a3"):
        out[f"agents.agent_trend({agent_id})"] = agents.agent_trend(layer, f, agent_id, ctx, path)
    with duckdb.connect(str(path), read_only=True) as con:
        out["voice.comments"] = voice.comments(con, f, access=ctx)
        out["voice.worst_contacts"] = voice.worst_contacts(con, f, access=ctx)
        out["quality.critical_failures"] = quality.critical_failures(con, f, access=ctx)
    return out


def _fixture_team_days(path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select agent_id, team_id, activity_date from fct_agent_days").df()


def test_supervisor_queries_never_return_another_teams_agent_rows(env):
    path, layer, f = env
    results = _agent_level_results(path, layer, f, SUPERVISOR)
    t1_agents = {"a1", "a2"}
    for name, df in results.items():
        if name.startswith("agents.agent_trend"):
            continue
        # t1 has rows in every one of them: the subset checks below are not vacuous.
        assert not df.empty, name
        if "agent_id" in df.columns:
            assert set(df["agent_id"].dropna()) <= t1_agents, name
        if {"team_id", "team"} & set(df.columns):
            rows_with_agent = df[df["agent_id"].notna()] if "agent_id" in df.columns else df
            assert _team_values(rows_with_agent) <= {"t1"}, name
    assert not results["agents.agent_scorecard"].empty
    # The trend of an agent of another team is empty; a1's trend stops when a1 left t1.
    assert results[f"agents.agent_trend({T2_ONLY_AGENT})"].empty
    a1 = results["agents.agent_trend(a1)"]
    days = _fixture_team_days(path)
    a1_t1_days = set(days[(days.agent_id == "a1") & (days.team_id == "t1")]["activity_date"])
    assert not a1.empty
    # Agent-day metrics (AHT, adherence) exist only on a1's days on t1 (survey and QA facts carry
    # their own team of the day).
    with_days = a1[a1["aht"].notna() | a1["adherence"].notna()]["day"]
    assert {pd.Timestamp(d).date() for d in with_days} == {
        pd.Timestamp(d).date() for d in a1_t1_days
    }


def test_director_sees_every_agent_and_team(env):
    path, layer, f = env
    card = agents.agent_scorecard(layer, f, DIRECTOR, path)
    assert set(card["agent_id"]) == {"a1", "a2", "a3"}
    assert set(zip(card["agent_id"], card["team_id"], strict=True)) == {
        ("a1", "t1"),
        ("a1", "t2"),
        ("a2", "t1"),
        ("a3", "t2"),
    }
    assert not agents.agent_trend(layer, f, T2_ONLY_AGENT, DIRECTOR, path).empty


def test_a_supervisor_without_a_team_sees_no_agent_rows(env):
    path, layer, f = env
    assert agents.agent_scorecard(layer, f, NOBODY, path).empty
    assert agents.team_summary(layer, f, NOBODY, path).empty
    assert agents.agent_trend(layer, f, "a1", NOBODY, path).empty
    assert team_clause(NOBODY, "team_id") == ("false", [])


def test_a_missing_access_context_fails_closed(env):
    """No context (nobody signed in) is an error, never "every row", on every query path."""
    path, layer, f = env
    calls = {
        "team_clause": lambda: team_clause(None, "team_id"),
        "secure_metric_query": lambda: secure_metric_query(
            None, MetricQuery(metrics=("qa_score",))
        ),
        "mask_customer_columns": lambda: mask_customer_columns(None, pd.DataFrame()),
        "voice.voice_by(agent)": lambda: voice.voice_by(layer, f, "agent", None, path),
        "voice.voice_by(team)": lambda: voice.voice_by(layer, f, "team", None, path),
        "quality.qa_by(agent)": lambda: quality.qa_by(layer, f, "agent", None, path),
    }
    with duckdb.connect(str(path), read_only=True) as con:
        calls["voice.comments"] = lambda: voice.comments(con, f, access=None)
        calls["voice.worst_contacts"] = lambda: voice.worst_contacts(con, f, access=None)
        calls["quality.critical_failures"] = lambda: quality.critical_failures(con, f, access=None)
        calls["health.latest_quarantined"] = lambda: health.latest_quarantined(con, access=None)
        calls["health.failed_expectations"] = lambda: health.failed_expectations(con, access=None)
        calls["redact_check_examples"] = lambda: redact_check_examples(None, "[]")
        for name, call in calls.items():
            with pytest.raises(AccessDeniedError):
                call()
                pytest.fail(f"{name} ran without an access context")


def test_supervisor_ranks_are_against_the_whole_center_but_rows_are_their_own(env):
    path, layer, f = env
    everyone = agents.agent_scorecard(layer, f, DIRECTOR, path)
    mine = agents.agent_scorecard(layer, f, SUPERVISOR, path)
    merged = mine.merge(everyone, on=["agent_id", "team_id"], suffixes=("", "_all"))
    assert len(merged) == len(mine)
    assert (merged["center_rank__aht"] == merged["center_rank__aht_all"]).all()
    assert (merged["center_n__aht"] == len(everyone.dropna(subset=["aht"]))).all()


def test_semantic_requests_by_agent_get_a_team_constraint_for_supervisors(env):
    path, layer, f = env
    q = MetricQuery(
        metrics=("agent_average_handle_time", "csat_score"),
        group_by=("agent", "team"),
        where=(date_range_filter(f.start_date, f.end_date),),
    )
    secured = secure_metric_query(SUPERVISOR, q)
    assert "{{ Entity('team') }} in ('t1')" in secured.where
    df = layer.query(secured, path)
    assert set(df["team"].dropna()) == {"t1"} and T2_ONLY_AGENT not in set(df["agent"])
    # Also when only filtering by one agent, or ordering by an agent dimension.
    by_name = MetricQuery(metrics=("adherence",), group_by=("agent__full_name",))
    assert secure_metric_query(SUPERVISOR, by_name).where[-1].startswith("{{ Entity('team') }}")
    one = MetricQuery(metrics=("adherence",), where=("{{ Entity('agent') }} = 'a3'",))
    assert layer.query(secure_metric_query(SUPERVISOR, one), path)["adherence"].isna().all()
    # Aggregates without agent detail stay center-wide (no constraint added).
    center = MetricQuery(metrics=("adherence",), group_by=("metric_time__day",))
    assert secure_metric_query(SUPERVISOR, center) == center
    # Directors and analysts are not narrowed.
    assert secure_metric_query(DIRECTOR, q) == q and secure_metric_query(ANALYST, q) == q


def test_saved_queries_that_list_agents_are_restricted_too(env):
    path, layer, f = env
    group_by = saved_query_group_by(layer.raw_manifest, "agent_scorecard")
    assert any("agent" in g for g in group_by)
    q = MetricQuery(
        saved_query="agent_scorecard", where=(date_range_filter(f.start_date, f.end_date),)
    )
    df = layer.query(secure_metric_query(SUPERVISOR, q, group_by), path)
    assert not df.empty
    assert set(df["team"].dropna()) == {"t1"}


def test_the_app_wrapper_applies_the_signed_in_users_context(env, monkeypatch):
    from apps.queries import api

    path, layer, f = env
    q = MetricQuery(metrics=("agent_handled_contacts",), group_by=("agent", "team"))
    df = api.secure_query(q, access=SUPERVISOR)
    assert set(df["team"].dropna()) == {"t1"}
    with pytest.raises(AccessDeniedError):
        api.current_access()  # nobody signed in: fail closed


def test_analysts_never_get_customer_identifiers(env):
    path, layer, f = env
    results = _agent_level_results(path, layer, f, ANALYST)
    with duckdb.connect(str(path), read_only=True) as con:
        results["fct_contacts (masked)"] = mask_customer_columns(
            ANALYST, con.execute("select * from fct_contacts").df()
        )
    for name, df in results.items():
        leaked = {c.lower() for c in df.columns} & CUSTOMER_IDENTIFIER_COLUMNS
        assert not leaked, f"{name} returns {leaked}"
        assert not [c for c in df.columns if is_customer_identifier_column(c)], name
    # The survey lists are not empty for the analyst (the checks above are not vacuous), and
    # they lose the contact and survey ids, which the director keeps.
    for name in ("voice.comments", "voice.worst_contacts"):
        assert not results[name].empty, name
        assert not {"contact_id", "response_id"} & set(results[name].columns), name
    with duckdb.connect(str(path), read_only=True) as con:
        assert {"contact_id", "response_id"} <= set(
            voice.worst_contacts(con, f, access=DIRECTOR).columns
        )
    # The director still gets them (the masking is role-based, not a missing column).
    with duckdb.connect(str(path), read_only=True) as con:
        raw = con.execute("select * from fct_contacts").df()
    assert "customer_key" in mask_customer_columns(DIRECTOR, raw).columns
    # Semantic requests by customer are refused for analysts.
    by_customer = MetricQuery(metrics=("customer_contacts",), group_by=("customer",))
    with pytest.raises(AccessDeniedError):
        secure_metric_query(ANALYST, by_customer)
    assert secure_metric_query(DIRECTOR, by_customer) == by_customer
    # Analysts do see every agent.
    assert set(results["agents.agent_scorecard"]["agent_id"]) == {"a1", "a2", "a3"}


def test_supervised_teams_come_from_the_roster_and_the_config(env):
    path, _, _ = env
    with duckdb.connect(str(path), read_only=True) as con:
        assert supervised_team_ids(con, "s1") == ("t1",)
        assert supervised_team_ids(con, "s2") == ("t2",)
        assert supervised_team_ids(con, "s1", ["t9"]) == ("t1", "t9")
        assert supervised_team_ids(con, None, ["t2"]) == ("t2",)


def test_a_supervisor_context_needs_explicit_teams():
    with pytest.raises(ValueError):
        AccessContext("x", "supervisor")
    with pytest.raises(ValueError):
        AccessContext("x", "admin")


def test_sidebar_team_choice_cannot_widen_a_supervisors_scope(env):
    path, layer, f = env
    wider = ServiceFilters(f.start_date, f.end_date, team_ids=("t1", "t2"))
    card = agents.agent_scorecard(layer, wider, SUPERVISOR, path)
    assert set(card["team_id"]) == {"t1"}
    scope = agents.scope_summary(
        layer, ServiceFilters(f.start_date, f.end_date, team_ids=("t2",)), SUPERVISOR, path
    )
    assert scope["aht"].isna().all()


def test_the_app_shows_a_supervisor_only_their_agents_on_every_agent_page(serving_env):
    """The signed-in supervisor's context reaches the pages (session state) and their tables."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from tests.apps.auth_helpers import sign_in

    app = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
    at = sign_in(AppTest.from_file(app, default_timeout=120), "supervisor", teams=("t1",)).run()
    assert not at.exception
    assert at.session_state["access"] == AccessContext.supervisor("test-supervisor", ["t1"])
    at.switch_page("app_pages/agents.py").run()
    assert not at.exception
    names = set()
    for frame in at.dataframe:
        df = frame.value
        for col in ("Agent", "agent_name"):
            if col in df.columns:
                names |= set(df[col].dropna())
    assert names and "Grace Hopper" not in names
    _ = date, timedelta  # (imported for readers extending the period checks)


# --- raw landing data and customer free text ------------------------------------------------

PHONE_E164 = "+447700900123"
PHONE_TEXT = "+44 7700 900123"
EMAIL = "jo.bloggs@example.com"
CUSTOMER_ID = "CRM-88412"
# Every spelling of the fixture's PII that must never reach an analyst.
PII_VALUES = (PHONE_E164, PHONE_TEXT, "7700900123", "7700 900123", EMAIL, "jo.bloggs", CUSTOMER_ID)
PII_COMMENT = f"Nobody called back. Ring me on {PHONE_TEXT} or write to {EMAIL} before Friday."
CALLS_FILE = "acd/calls/calls_2024-03-28_pii.csv"
CUSTOMERS_FILE = "crm/customers/customers_2024-03-28.csv"


def _csv_line(values: dict, columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([values.get(c, "") for c in columns])
    return out.getvalue()


def _leaks(text: str) -> list[str]:
    return [v for v in PII_VALUES if v in text]


@pytest.fixture
def pii_env(serving_fixture, tmp_path, monkeypatch):
    """A copy of the fixture snapshot with PII in quarantine, check examples and a comment;
    the app points at it. Returns (path, filters of the app's default period, the survey id)."""
    from orchestration.contracts import get_table

    path = copy_snapshot(serving_fixture, tmp_path / "serving")
    at = datetime(2024, 3, 29, 6, 0)  # newer than the fixture's rows: first in every list
    calls = get_table("acd", "calls")
    customers = get_table("crm", "customers")
    call_line = _csv_line(
        {
            "segment_id": "s-pii",
            "contact_id": "c-pii",
            "segment_seq": "1",
            "channel": "voice",
            "direction": "inbound",
            "queue_id": "q_billing",
            "customer_id": CUSTOMER_ID,
            "customer_phone": PHONE_E164,
            "entered_queue_at": "yesterday",
            "ended_at": "2024-03-28T10:05:00+00:00",
            "outcome": "abandoned",
            "talk_seconds": "0",
            "hold_seconds": "0",
            "hold_count": "0",
            "acw_seconds": "0",
            "updated_at": "2024-03-28T10:05:00+00:00",
        },
        calls.column_names,
    )
    customer_line = _csv_line(
        {
            "customer_id": CUSTOMER_ID,
            "segment": "consumer",
            "phone": PHONE_TEXT,
            "email": EMAIL,
            "created_at": "last year",
        },
        customers.column_names,
    )
    examples_rows = json.dumps(
        [
            {
                "created_at": "last year",
                "customer_id": CUSTOMER_ID,
                "phone": PHONE_TEXT,
                "email": EMAIL,
                "_source_file": CUSTOMERS_FILE,
                "_source_row": 2,
            }
        ]
    )
    with duckdb.connect(str(path)) as con:
        con.executemany(
            "insert into ops.quarantine values ('d-pii', ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    "acd",
                    "calls",
                    CALLS_FILE,
                    2,
                    call_line,
                    "entered_queue_at: yesterday is not an ISO 8601 timestamp with a UTC offset",
                    at,
                ),
                (
                    "crm",
                    "customers",
                    CUSTOMERS_FILE,
                    2,
                    customer_line,
                    "created_at: last year is not an ISO 8601 timestamp with a UTC offset",
                    at,
                ),
            ],
        )
        con.executemany(
            "insert into ops.check_results values ('gx_landing_suite', 'crm/customers', "
            "'raw_crm__customers', ?, ?, 'critical', false, 1, 50.0, null, ?, '{}', 2, null, "
            "?, 'r1')",
            [
                ("expect_column_values_to_match_strftime_format", "created_at", examples_rows, at),
                ("expect_column_values_to_match_regex", "email", json.dumps([EMAIL]), at),
                (
                    "expect_column_values_to_not_be_null",
                    "customer_id",
                    json.dumps([CUSTOMER_ID]),
                    at,
                ),
            ],
        )
        survey = con.execute(
            "select response_id, sent_date from fct_survey_responses where is_responded "
            "and sent_date <= ? order by sent_date desc, response_id limit 1",
            [serving_fixture.last_day],
        ).fetchone()
        con.execute(
            "update fct_survey_responses set csat = 1, nps = 0, is_detractor = true, "
            "is_promoter = false, is_csat_top2box = false, comment = ?, "
            "responded_at = sent_at + interval 3 hour where response_id = ?",
            [PII_COMMENT, survey[0]],
        )
    monkeypatch.setenv("SWITCHBOARD_SERVING", str(path))
    # The app's default period (the last 7 days) holds the survey.
    f = ServiceFilters(serving_fixture.last_day - timedelta(days=6), serving_fixture.last_day)
    assert f.start_date <= survey[1] <= f.end_date
    return path, f, survey[0]


def test_the_contract_marks_the_pii_the_rule_masks():
    assert {"customer_phone", "phone", "email", "comment"} <= landing_pii_columns()


def test_phone_numbers_and_emails_are_masked_in_free_text_but_dates_are_not():
    assert redact_contact_details(PII_COMMENT) == (
        f"Nobody called back. Ring me on {PII_MASK} or write to {PII_MASK} before Friday."
    )
    for phone in ("(020) 7946-0958", "07700900123", "0044 20 7946 0958", "06.12.34.56.78"):
        assert redact_contact_details(f"call {phone} now") == f"call {PII_MASK} now", phone
    for keep in ("on 2024-03-01 08 I waited 45 minutes", "account 12345678", "3 times", None):
        assert redact_contact_details(keep) == keep


def test_an_analyst_gets_quarantined_rows_without_raw_lines_and_the_director_with(pii_env):
    path, _, _ = pii_env
    with duckdb.connect(str(path), read_only=True) as con:
        seen = {
            who: health.latest_quarantined(con, access=ctx)
            for who, ctx in (
                ("director", DIRECTOR),
                ("analyst", ANALYST),
                ("supervisor", SUPERVISOR),
            )
        }
    director = seen["director"].set_index("source_file")
    assert PHONE_E164 in director.loc[CALLS_FILE, "raw_line"]
    assert EMAIL in director.loc[CUSTOMERS_FILE, "raw_line"]
    for who in ("analyst", "supervisor"):
        df = seen[who]
        assert not _leaks(df.to_csv()), who
        assert df["raw_line"].isna().all(), who
        # File, line and reason stay: the row can still be found and fixed.
        mine = df[df["source_file"].isin([CALLS_FILE, CUSTOMERS_FILE])]
        assert set(mine["line_number"]) == {2} and len(mine) == 2, who
        assert mine["reason"].str.contains("is not an ISO 8601 timestamp").all(), who
        assert len(df) == len(seen["director"]), who


def test_failed_check_examples_are_masked_for_everyone_but_the_director(pii_env):
    path, _, _ = pii_env
    with duckdb.connect(str(path), read_only=True) as con:
        director = health.failed_expectations(con, access=DIRECTOR)
        analyst = health.failed_expectations(con, access=ANALYST)
        supervisor = health.failed_expectations(con, access=SUPERVISOR)
    assert EMAIL in director.to_csv() and CUSTOMER_ID in director.to_csv()
    assert not _leaks(analyst.to_csv())
    rows = analyst.set_index("column_name")["examples"].map(json.loads)
    (row,) = rows["created_at"]
    assert row == {
        "created_at": "last year",
        "customer_id": PII_MASK,
        "phone": PII_MASK,
        "email": PII_MASK,
        "_source_file": CUSTOMERS_FILE,
        "_source_row": 2,
    }
    assert rows["email"] == [PII_MASK] and rows["customer_id"] == [PII_MASK]
    # A supervisor may see customer ids, not the PII that staging hashes away.
    assert CUSTOMER_ID in supervisor.to_csv()
    assert not [v for v in (PHONE_TEXT, EMAIL) if v in supervisor.to_csv()]
    # Examples that are not the expected JSON are withheld, not passed through.
    assert redact_check_examples(ANALYST, f"oops {EMAIL}", "email") is None


def test_an_analysts_survey_rows_have_no_customer_ids_and_masked_comments(pii_env):
    path, f, response_id = pii_env
    with duckdb.connect(str(path), read_only=True) as con:
        lists = {
            who: (voice.comments(con, f, access=ctx), voice.worst_contacts(con, f, access=ctx))
            for who, ctx in (("director", DIRECTOR), ("analyst", ANALYST))
        }
    for df in lists["director"]:
        assert PII_COMMENT in set(df["comment"])
        assert response_id in set(df["response_id"])
    for df in lists["analyst"]:
        assert not df.empty
        assert not [c for c in df.columns if is_customer_identifier_column(c)]
        assert not _leaks(df.to_csv())
        assert redact_contact_details(PII_COMMENT) in set(df["comment"])
        # Comments without contact details are untouched.
        others = df[df["comment"].notna() & ~df["comment"].str.contains(PII_MASK, regex=False)]
        assert not others.empty


def test_the_cached_page_wrappers_are_keyed_on_the_access_context(pii_env):
    """A director's cached rows are never served to an analyst (same snapshot, same call)."""
    from apps.queries import page_api

    path, f, _ = pii_env
    assert PHONE_E164 in page_api.health_latest_quarantined(DIRECTOR).to_csv()
    assert EMAIL in page_api.health_failed_expectations(DIRECTOR).to_csv()
    assert EMAIL in page_api.survey_comments(f, (), DIRECTOR).to_csv()
    assert "contact_id" in page_api.worst_contacts(f, DIRECTOR).columns
    for df in (
        page_api.health_latest_quarantined(ANALYST),
        page_api.health_failed_expectations(ANALYST),
        page_api.survey_comments(f, (), ANALYST),
        page_api.worst_contacts(f, ANALYST),
    ):
        assert not df.empty and not _leaks(df.to_csv())
    assert "contact_id" not in page_api.worst_contacts(f, ANALYST).columns


def _rendered_text(at) -> str:
    """Everything the AppTest rendered: each element's message and each table's cells."""
    parts: list[str] = []

    def walk(node) -> None:
        value = getattr(node, "value", None) if type(node).__name__ == "Dataframe" else None
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(parts)


@pytest.mark.parametrize("role", ["analyst", "director"])
def test_customer_voice_and_data_health_render_pii_only_for_the_director(pii_env, role):
    from streamlit.testing.v1 import AppTest

    from tests.apps.auth_helpers import sign_in

    app = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
    at = sign_in(AppTest.from_file(app, default_timeout=120), role).run()
    assert not at.exception
    rendered = {}
    for page in ("app_pages/customer_voice.py", "app_pages/data_health.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert len(at.dataframe) >= 3, page
        rendered[page] = _rendered_text(at)
    voice_text, health_text = rendered.values()
    if role == "analyst":
        assert not _leaks(voice_text) and not _leaks(health_text)
        assert PII_MASK in voice_text and PII_MASK in health_text
        assert CALLS_FILE in health_text  # the quarantined row is listed, without its content
    else:
        # The same pages show the director the PII: the analyst's check above is not vacuous.
        assert EMAIL in voice_text and PHONE_TEXT in voice_text
        assert PHONE_E164 in health_text and EMAIL in health_text
