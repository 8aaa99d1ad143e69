"""Access rules enforced in the data-access layer (apps.queries), per role, on the fixture.

Supervisor: every query function that returns agent-level rows is called with a supervisor
context for team t1, and no row of another team comes back (SQL and semantic-layer paths).
Director: every agent. Analyst: no customer identifier in any row-level result, and semantic
requests by customer are refused.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from apps.queries import agents, quality, voice
from apps.queries.access import (
    CUSTOMER_IDENTIFIER_COLUMNS,
    AccessContext,
    AccessDeniedError,
    mask_customer_columns,
    saved_query_group_by,
    secure_metric_query,
    supervised_team_ids,
    team_clause,
)
from apps.queries.filters import ServiceFilters
from apps.queries.semantic import MetricQuery, date_range_filter, semantic_layer

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
