"""AppTest of the Quality page against the fixture snapshot.

Expected values: plain SQL on the fixture's fct_qa_evaluations / fct_qa_evaluation_sections
(qa_score, default method mean_of_evaluations: sum(score_pct) / count(scored evaluations);
critical-failure rate = evaluations with a failed critical question / evaluations).
"""

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
PAGE = "app_pages/quality.py"
SUMS = """
    sum(coalesce(score_pct, 0)) / nullif(count(*) filter (where is_scored), 0),
    count(*),
    count(*) filter (where has_critical_failure),
    count(*) filter (where has_critical_failure) / count(*)
"""


def _query(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _open(role="director", **kw):
    at = sign_in(AppTest.from_file(APP, default_timeout=120), role, **kw)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def test_tiles_sections_and_teams_equal_plain_sql(serving_env):
    at = _open()
    end = serving_env.last_day
    start = end - timedelta(days=6)
    score, n, crit, rate = _query(
        serving_env.path,
        f"select {SUMS} from fct_qa_evaluations where activity_date between ? and ?",
        [start, end],
    )[0]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["QA score"] == f"{score:.1f}%"
    assert tiles["Evaluations"] == f"{n:,}"
    assert tiles["Critical failures"] == f"{crit:,}"
    assert tiles["Critical-failure rate"] == f"{rate * 100:.1f}%"
    # By team (first table).
    teams = at.dataframe[0].value.set_index("Team")
    for name, t_score, t_n, t_crit, _r in _query(
        serving_env.path,
        f"select t.team_name, {SUMS} from fct_qa_evaluations e join dim_teams t using (team_id) "
        "where activity_date between ? and ? group by t.team_name",
        [start, end],
    ):
        assert teams.loc[name, "QA %"] == pytest.approx(t_score)
        assert teams.loc[name, "Evaluations"] == t_n
        assert teams.loc[name, "Critical failures"] == t_crit
    # By form section (horizontal bar chart): mean section score per section.
    sections = dict(
        _query(
            serving_env.path,
            "select form_id || ' · ' || section, avg(score_pct) from fct_qa_evaluation_sections "
            "where activity_date between ? and ? group by 1",
            [start, end],
        )
    )
    bar = at.get("plotly_chart")[1].proto.spec
    for label in sections:
        assert label in bar
    # Critical failures list: exactly the period's failed evaluations.
    assert len(at.dataframe[1].value) == crit


def test_a_supervisor_sees_only_their_teams_agents(serving_env):
    at = _open("supervisor", teams=("t2",))
    at.segmented_control(key="quality_by").set_value("Agent").run()
    assert not at.exception
    agents = at.dataframe[0].value
    assert set(agents["Agent"]) == {"Grace Hopper"}
    failures = at.dataframe[1].value
    assert set(failures["Team"]) <= {"Care New York"}
