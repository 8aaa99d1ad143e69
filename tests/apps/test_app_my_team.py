"""My team and Workforce pages: the supervision query functions honour the access context (a
supervisor gets only their team's agent-level rows), and both pages render through AppTest on
the generated demo snapshot (tests/supervision_demo.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from apps.queries import supervision as sv
from apps.queries.access import AccessContext
from tests.apps.apptest_helpers import toolbars
from tests.apps.auth_helpers import sign_in
from tests.supervision_demo import DEMO_END, build_demo

pytestmark = pytest.mark.slow

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
START = DEMO_END - timedelta(days=27)

# (function name, extra args, team column)
AGENT_LEVEL = [
    ("coaching_suggestions", (START, DEMO_END), "team_id"),
    ("agent_focus_metrics", (START, DEMO_END), "team_id"),
    ("follow_ups", (), "team_id"),
    ("accountability", (), "team_id"),
    ("qa_weekly", (START, DEMO_END), "team_id"),
    ("open_complaints", (), "team_id"),
    ("pending_timesheets", (), "team_id"),
    ("overtime_weeks", (START, DEMO_END), "team_id"),
    ("overtime_by_team", (START, DEMO_END), "team_id"),
    ("pending_leave", (), "team_id"),
    ("leave_summary", (START, DEMO_END), "team_id"),
    ("headcount_by_team", (None,), "team_id"),
    ("attrition_by_team", (START, DEMO_END), "team_id"),
    ("tenure_by_team", (), "team_id"),
]


@pytest.fixture(scope="module")
def demo(request):
    return build_demo(Path(request.config.cache.mkdir("supervision_demo")))


@pytest.fixture(scope="module")
def con(demo):
    c = duckdb.connect(str(demo.serving), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def a_team(con) -> tuple[str, str]:
    """A team with open follow-ups or pending timesheets, and its supervisor."""
    return con.execute(
        "select team_id, min(supervisor_id) from fct_timesheets where approval_status = 'pending' "
        "group by team_id order by count(*) desc limit 1"
    ).fetchall()[0]


@pytest.mark.parametrize(("name", "args", "col"), AGENT_LEVEL)
def test_supervisor_sees_only_their_team_and_director_sees_all(con, a_team, name, args, col):
    team = a_team[0]
    everything = getattr(sv, name)(con, AccessContext.director(), *args)
    mine = getattr(sv, name)(con, AccessContext.supervisor("s", [team]), *args)
    nobody = getattr(sv, name)(con, AccessContext.supervisor("s", []), *args)
    assert set(mine[col].dropna()) <= {team}
    assert len(nobody) == 0
    assert len(mine) == (everything[col] == team).sum()


def test_complaint_rates_are_per_1000_handled_within_scope(con, a_team):
    team = a_team[0]
    ctx = AccessContext.supervisor("s", [team])
    by_agent = sv.complaint_rates(con, ctx, START, DEMO_END, "agent")
    by_cat = sv.complaint_rates(con, ctx, START, DEMO_END, "category")
    row = con.execute(
        "select sum(complaint_cases), sum(case when is_handled then 1 else 0 end) from fct_contacts "
        "where team_id = ? and contact_date between ? and ?",
        [team, START, DEMO_END],
    ).fetchall()[0]
    assert by_agent["complaints"].sum() == row[0]
    assert by_agent["handled_contacts"].sum() == row[1]
    assert by_cat["complaints"].sum() == row[0]
    assert (by_cat["handled_contacts"] == row[1]).all()
    assert by_cat["complaints_per_1000"].sum() == pytest.approx(1000.0 * row[0] / row[1])
    with pytest.raises(ValueError):
        sv.complaint_rates(con, ctx, START, DEMO_END, "customer")


def test_coaching_suggestions_are_worst_quarter_with_evidence(con):
    s = sv.coaching_suggestions(con, AccessContext.director(), START, DEMO_END)
    assert len(s) > 0
    assert (s["worse_share"] >= 1 - sv.COACHING_PERCENTILE).all()
    assert s["agent_id"].is_unique
    assert s[["value", "team_value", "center_value"]].notna().all().all()
    # the center value is the ratio of sums over every agent, not a mean of agents' ratios
    m = s.iloc[0]["focus_metric"]
    num, den = con.execute(
        "select sum(numerator), sum(denominator) from rpt_agent_focus_metric_daily "
        "where focus_metric = ? and metric_date between ? and ?",
        [m, START, DEMO_END],
    ).fetchall()[0]
    assert s.iloc[0]["center_value"] == pytest.approx(num / den)


def _run(page: str, role: str, **kw) -> AppTest:
    at = sign_in(AppTest.from_file(APP, default_timeout=120), role, **kw)
    at.run()
    at.switch_page(page).run()
    return at


def test_my_team_page_renders_for_a_supervisor(demo, a_team, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_SERVING", str(demo.serving))
    team, supervisor = a_team
    at = _run("app_pages/my_team.py", "supervisor", teams=(team,), supervisor_id=supervisor)
    assert not at.exception, [e.value for e in at.exception]
    assert any("My team" in m.value for m in at.markdown)
    labels = [m.label for m in at.metric]
    assert "Approvals waiting" in labels and "Follow-ups overdue" in labels
    # every agent row shown belongs to the supervisor's team: facts follow the team of the day,
    # so an agent who moved into or out of the team during the data is legitimately shown
    with duckdb.connect(str(demo.serving), read_only=True) as c:
        team_names = {
            r[0]
            for r in c.execute(
                "select full_name from dim_agents where team_id = ? or agent_id in "
                "(select agent_id from fct_agent_days where team_id = ?)",
                [team, team],
            ).fetchall()
        }
        others = {
            r[0]
            for r in c.execute(
                "select full_name from dim_agents where team_id <> ?", [team]
            ).fetchall()
        } - team_names
    shown = set()
    for df in at.dataframe:
        v = df.value
        for col in ("agent_name", "Agent", "full_name"):
            if col in v.columns:
                shown |= set(v[col].dropna())
    assert shown, "no agent rows rendered"
    assert not (shown & others)


def test_workforce_page_renders_for_a_director(demo, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_SERVING", str(demo.serving))
    at = _run("app_pages/workforce.py", "director")
    assert not at.exception, [e.value for e in at.exception]
    labels = [m.label for m in at.metric]
    assert "Headcount (latest day)" in labels and "Attrition (annualized)" in labels
    assert len(at.dataframe) >= 4
    # the pending-leave table in display names, the agent by name (not its id)
    import json

    leave = next(df.value for df in at.dataframe if "Request" in df.value.columns)
    assert len(leave) > 0 and leave["Agent"].notna().all()
    assert {"Agent", "Type", "Starts", "Ends", "Days waiting", "Team queue time lost"} <= set(leave.columns)
    assert not {"agent_id", "supervisor_id", "request_id", "starts_on"} & set(leave.columns)
    # no Plotly toolbar over the charts (apps.components.charts.PLOTLY_CONFIG, as on every page)
    charts = at.get("plotly_chart")
    assert charts and all(json.loads(c.proto.config).get("displayModeBar") is False for c in charts)
    # the team tables have the toolbar of every page's tables: their metrics' definitions and a
    # CSV of the rows shown (they were half-page wide, their last columns cut off, and only one
    # had a CSV button)
    bars = {help_text.split("“")[1].split("”")[0]: metrics for help_text, metrics in toolbars(at)}
    assert {"attrition_rate", "leavers", "headcount"} <= bars["attrition and tenure by team"]
    assert bars["overtime and weekly hours by team"] == {"agent_timesheet_paid_seconds_metric"}
    titles = [m.value for m in at.markdown if m.value.startswith("**Attrition and tenure by team**")]
    assert len(titles) == 1 and "current roster" in titles[0]
    # shares in percent with one decimal, the same values as the query's fractions
    f = at.session_state["service_filters"]
    with duckdb.connect(str(demo.serving), read_only=True) as con:
        expected = sv.attrition_by_team(con, AccessContext.director(), f.start_date, f.end_date)
    shown = next(df for df in at.dataframe if "Attrition (ann.)" in df.value.columns)
    assert json.loads(shown.proto.columns)["Attrition (ann.)"]["type_config"]["format"] == "%.1f%%"
    by_team = dict(zip(shown.value["Team"], shown.value["Attrition (ann.)"], strict=True))
    for team, rate in zip(expected["team_name"], expected["annualized_attrition"], strict=True):
        assert by_team[team] == pytest.approx(rate * 100, nan_ok=True)


@pytest.mark.parametrize("page", ["app_pages/my_team.py", "app_pages/workforce.py"])
def test_the_people_pages_show_display_names_and_team_names_not_ids(demo, monkeypatch, page):
    """Every table of My team and Workforce (all tabs and expanders render in AppTest) has
    display names (apps.components.tables), teams by name; every chart has the shared Plotly
    config; the new-hire ramp's QA axis has round ticks of its own (Plotly otherwise lines them
    up with the AHT axis's grid: 55.2, 66.2, ...)."""
    import json
    import re

    monkeypatch.setenv("SWITCHBOARD_SERVING", str(demo.serving))
    at = _run(page, "director")
    assert not at.exception, [e.value for e in at.exception]
    with duckdb.connect(str(demo.serving), read_only=True) as c:
        team_ids = {r[0] for r in c.execute("select team_id from dim_teams").fetchall()}
    raw = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
    assert len(at.dataframe) >= 6
    for df in at.dataframe:
        v = df.value
        config = json.loads(df.proto.columns or "{}")  # st.column_config: a label may rename
        shown = [config.get(str(c), {}).get("label") or str(c) for c in v.columns]
        assert not [c for c in shown if raw.match(c)], shown
        if "Team" in v.columns:
            assert not set(v["Team"].dropna()) & team_ids, list(v.columns)
    charts = at.get("plotly_chart")
    assert charts and all(json.loads(c.proto.config).get("displayModeBar") is False for c in charts)
    if page.endswith("workforce.py"):
        ramp = [json.loads(c.proto.spec) for c in charts if "yaxis2" in json.loads(c.proto.spec)["layout"]]
        assert ramp and ramp[0]["layout"]["yaxis2"]["dtick"] == 10
