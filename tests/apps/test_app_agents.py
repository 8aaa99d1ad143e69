"""AppTest of the Agents page: the numbers shown equal the fixture rows' own ratios of sums.

Expected values are computed here with pandas from the fixture tables (fct_agent_days,
fct_survey_responses, fct_qa_evaluations, fct_contacts) and formatted with plain f-strings, so
neither apps.queries nor the page's formatting helpers produce what the page is checked against.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
PAGE = "app_pages/agents.py"
NAMES = {"a1": "Ada Lovelace", "a2": "Alan Turing", "a3": "Grace Hopper"}
TEAM_NAMES = {"t1": "Care London", "t2": "Care New York"}


def _mmss(seconds):
    if seconds is None or pd.isna(seconds):
        return "–"
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def _div(a, b):
    return a / b if b else None


def expected_by(path: Path, start, end, keys=("agent_id", "team_id")) -> pd.DataFrame:
    """Each agent metric per ``keys`` (or overall with keys=()) as ratios of the rows' sums."""
    with duckdb.connect(str(path), read_only=True) as con:
        days = con.execute(
            "select * from fct_agent_days where activity_date between ? and ?", [start, end]
        ).df()
        surveys = con.execute(
            "select agent_id, team_id, csat from fct_survey_responses "
            "where sent_date between ? and ? and csat is not null",
            [start, end],
        ).df()
        qa = con.execute(
            "select agent_id, team_id, is_scored, score_pct from fct_qa_evaluations "
            "where activity_date between ? and ?",
            [start, end],
        ).df()
        contacts = con.execute(
            "select agent_id, team_id, is_resolved_first_contact, is_fcr_eligible, "
            "is_fcr_window_complete from fct_contacts where contact_date between ? and ?",
            [start, end],
        ).df()

    def groups(df):
        if not keys:
            return [((), df)]
        return [(k if isinstance(k, tuple) else (k,), g) for k, g in df.groupby(list(keys))]

    out: dict[tuple, dict] = {}
    for key, g in groups(days):
        s = g.sum(numeric_only=True)
        out.setdefault(key, {}).update(
            handled=int(s["handled"]),
            aht=_div(s["handle_seconds"], s["handled"]),
            talk=_div(s["talk_seconds"], s["handled"]),
            hold=_div(s["hold_seconds"], s["handled"]),
            acw=_div(s["acw_seconds"], s["handled"]),
            occupancy=_div(
                s["on_contact_seconds"] + s["acw_state_seconds"],
                s["on_contact_seconds"] + s["acw_state_seconds"] + s["available_seconds"],
            ),
            adherence=_div(s["adherent_seconds"], s["scheduled_work_seconds"]),
        )
    for key, g in groups(surveys):
        out.setdefault(key, {})["csat"] = g["csat"].mean()
    for key, g in groups(qa):
        scored = g["is_scored"].astype(bool)
        out.setdefault(key, {})["qa"] = _div(g["score_pct"].fillna(0).sum(), scored.sum())
    for key, g in groups(contacts):
        den = (g["is_fcr_eligible"] & g["is_fcr_window_complete"]).sum()
        out.setdefault(key, {})["fcr"] = _div(g["is_resolved_first_contact"].sum(), den)
    rows = [{**dict(zip(keys, k, strict=True)), **v} for k, v in out.items()]
    return pd.DataFrame(rows)


@pytest.fixture
def app(serving_env):
    return AppTest.from_file(APP, default_timeout=120)


def _open(at: AppTest, role="director", **kw) -> AppTest:
    sign_in(at, role, **kw)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _period(fx):
    return fx.last_day - timedelta(days=6), fx.last_day


def test_director_scorecard_equals_the_fixture_rows_for_every_agent_and_team(app, serving_env):
    at = _open(app)
    start, end = _period(serving_env)
    exp = expected_by(serving_env.path, start, end)
    exp = exp[exp["agent_id"].notna()]
    table = at.dataframe[0].value
    # a1 moved to t2 three days before the end: one row per agent and team of the day.
    assert sorted(zip(table["Agent"], table["Team"], strict=True)) == sorted(
        (NAMES[a], TEAM_NAMES[t]) for a, t in zip(exp["agent_id"], exp["team_id"], strict=True)
    )
    shown = table.set_index(["Agent", "Team"])
    for r in exp.itertuples():
        row = shown.loc[(NAMES[r.agent_id], TEAM_NAMES[r.team_id])]
        assert row["Handled"] == r.handled
        assert row["AHT"] == _mmss(r.aht)
        assert row["Talk"] == _mmss(r.talk) and row["Hold"] == _mmss(r.hold)
        assert row["ACW"] == _mmss(r.acw)
        assert row["Occupancy"] == pytest.approx(r.occupancy * 100)
        assert row["Adherence"] == pytest.approx(r.adherence * 100)
        for col, key, scale in (("CSAT", "csat", 1), ("QA", "qa", 1), ("FCR", "fcr", 100)):
            value = getattr(r, key)
            if value is None or pd.isna(value):
                assert pd.isna(row[col])
            else:
                assert row[col] == pytest.approx(value * scale)


def test_director_tiles_are_the_center_ratios_of_sums(app, serving_env):
    at = _open(app)
    start, end = _period(serving_env)
    center = expected_by(serving_env.path, start, end, keys=()).iloc[0]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["AHT"] == _mmss(center["aht"])
    assert tiles["Adherence"] == f"{center['adherence'] * 100:.1f}%"
    assert tiles["Occupancy"] == f"{center['occupancy'] * 100:.1f}%"
    assert tiles["CSAT"] == f"{center['csat']:.2f}"
    assert tiles["QA"] == f"{center['qa']:.1f}%"


def test_ranks_order_agents_within_team_and_center(app, serving_env):
    at = _open(app)
    start, end = _period(serving_env)
    exp = expected_by(serving_env.path, start, end).dropna(subset=["aht"])
    table = at.dataframe[0].value.set_index(["Agent", "Team"])
    center_order = exp.sort_values("aht")
    n = len(center_order)
    for rank, r in enumerate(center_order.itertuples(), start=1):
        assert (
            table.loc[(NAMES[r.agent_id], TEAM_NAMES[r.team_id]), "Center rank"] == f"{rank} / {n}"
        )
    t1 = exp[exp["team_id"] == "t1"].sort_values("aht")
    for rank, r in enumerate(t1.itertuples(), start=1):
        assert table.loc[(NAMES[r.agent_id], "Care London"), "Team rank"] == f"{rank} / {len(t1)}"


def test_team_tab_shows_team_and_center_averages_from_sums(app, serving_env):
    at = _open(app)
    start, end = _period(serving_env)
    teams = expected_by(serving_env.path, start, end, keys=("team_id",)).set_index("team_id")
    center = expected_by(serving_env.path, start, end, keys=()).iloc[0]
    table = at.dataframe[1].value.set_index("Team")
    for team_id, name in TEAM_NAMES.items():
        assert table.loc[name, "AHT"] == _mmss(teams.loc[team_id, "aht"])
        assert table.loc[name, "Adherence"] == f"{teams.loc[team_id, 'adherence'] * 100:.1f}%"
    assert table.loc["Center (all teams)", "AHT"] == _mmss(center["aht"])


def test_supervisor_sees_only_their_team_on_the_page(app, serving_env):
    at = _open(app, "supervisor", teams=("t1",))
    start, end = _period(serving_env)
    exp = expected_by(serving_env.path, start, end)
    mine = exp[exp["team_id"] == "t1"]
    table = at.dataframe[0].value
    # One team in view: the Team column is dropped; only t1's agents (a1 only for its t1 days).
    assert "Team" not in table.columns
    assert sorted(table["Agent"]) == sorted(NAMES[a] for a in mine["agent_id"])
    assert "Grace Hopper" not in set(table["Agent"])
    a1 = table.set_index("Agent").loc["Ada Lovelace"]
    a1_exp = mine.set_index("agent_id").loc["a1"]
    assert a1["Handled"] == a1_exp["handled"]
    assert a1["AHT"] == _mmss(a1_exp["aht"])
    # Tiles: the team's own ratios; the caption gives the center for comparison.
    team = expected_by(serving_env.path, start, end, keys=("team_id",)).set_index("team_id")
    center = expected_by(serving_env.path, start, end, keys=()).iloc[0]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["AHT"] == _mmss(team.loc["t1", "aht"])
    assert f"Center {_mmss(center['aht'])}" in [c.value for c in at.caption]
    # The team tab lists only the supervisor's team and the center.
    assert list(at.dataframe[1].value["Team"]) == ["Care London", "Center (all teams)"]
    # The agent picker of the trend offers only the team's agents.
    assert set(at.selectbox(key="agents_trend_agent").options) == {
        f"{NAMES[a]} ({a})" for a in mine["agent_id"]
    }


def test_team_filter_narrows_the_scorecard_and_persists(app, serving_env):
    at = _open(app)
    at.multiselect(key="team").set_value(["t2"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["Agent"]) == {"Ada Lovelace", "Grace Hopper"}  # a1's days on t2, and a3
    assert at.session_state["service_filters"].team_ids == ("t2",)
    at.switch_page("app_pages/overview.py").run()
    assert at.multiselect(key="team").value == ["t2"]


def test_every_chart_and_table_offers_definitions_and_a_csv(app):
    at = _open(app)
    assert len(at.get("download_button")) >= 3
    assert len(at.get("popover")) >= 3
    text = " ".join(m.value for m in at.markdown)
    assert "adherent_seconds / scheduled_work_seconds" in text  # adherence's catalog formula
