"""AppTest of the Customer voice page against the fixture snapshot.

Expected values: plain SQL on the fixture's fct_survey_responses (the catalog's formulas:
CSAT = sum(csat)/count(csat), NPS = 100 x (promoters - detractors) / count(nps), survey FCR =
count(is_resolved = true) / count(is_resolved), response rate = responded / sent), not through
apps.queries. A supervisor of team t1 sees only t1's agents, comments and worst contacts.
"""

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
PAGE = "app_pages/customer_voice.py"

SUMS = """
    sum(csat) / count(csat),
    count(csat),
    100.0 * (count(*) filter (where nps >= 9) - count(*) filter (where nps <= 6))
        / nullif(count(nps), 0),
    count(*) filter (where is_resolved) / nullif(count(is_resolved), 0),
    count(*) filter (where is_responded) / count(*),
    count(*) filter (where is_csat_top2box) / nullif(count(csat), 0)
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


def _period(fx):
    return fx.last_day - timedelta(days=6), fx.last_day


def test_tiles_equal_plain_sql(serving_env):
    at = _open()
    start, end = _period(serving_env)
    csat, n, nps, fcr, rate, top2 = _query(
        serving_env.path,
        f"select {SUMS} from fct_survey_responses where sent_date between ? and ?",
        [start, end],
    )[0]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["CSAT"] == f"{csat:.2f}"
    assert tiles["NPS"] == f"{nps:+.1f}"
    assert tiles["FCR (survey)"] == f"{fcr * 100:.1f}%"
    assert tiles["Response rate"] == f"{rate * 100:.1f}%"
    assert tiles["CSAT top-2-box"] == f"{top2 * 100:.1f}%"
    assert f"{n} responses" in " ".join(c.value for c in at.caption)


def test_by_queue_team_and_agent_tables(serving_env):
    at = _open()
    start, end = _period(serving_env)
    table = at.dataframe[0].value.set_index("Queue")
    names = {q["queue_id"]: q["queue_name"] for q in serving_env.queues}
    rows = _query(
        serving_env.path,
        f"select queue_id, {SUMS} from fct_survey_responses where sent_date between ? and ? "
        "group by queue_id",
        [start, end],
    )
    assert len(rows) == len(table)
    for qid, csat, n, nps, fcr, _rate, _top2 in rows:
        row = table.loc[names[qid]]
        assert row["CSAT"] == pytest.approx(csat)
        assert row["NPS"] == pytest.approx(nps)
        assert row["FCR %"] == pytest.approx(fcr * 100)
        assert row["Responses"] == n
    at.segmented_control(key="voice_by").set_value("Agent").run()
    assert not at.exception
    agents = at.dataframe[0].value
    rows = _query(
        serving_env.path,
        f"select a.full_name, {SUMS} from fct_survey_responses s join dim_agents a using (agent_id) "
        "where sent_date between ? and ? group by a.full_name order by 1",
        [start, end],
    )
    assert agents["Agent"].tolist() == [r[0] for r in rows]
    assert agents["CSAT"].tolist() == pytest.approx([r[1] for r in rows])


def test_comments_filter_by_score_and_worst_contacts(serving_env):
    at = _open()
    start, end = _period(serving_env)
    comments = at.dataframe[1].value
    n = _query(
        serving_env.path,
        "select count(*) from fct_survey_responses where sent_date between ? and ? "
        "and comment is not null",
        [start, end],
    )[0][0]
    assert len(comments) == n > 0
    at.pills(key="voice_scores").set_value([1, 2]).run()
    assert not at.exception
    low = at.dataframe[1].value
    assert set(low["CSAT"]) <= {1, 2} and len(low) > 0
    worst = at.dataframe[2].value
    expected = _query(
        serving_env.path,
        """select s.csat, s.nps, w.wait
           from fct_survey_responses s
           join (select contact_id, sum(wait_seconds) as wait from fct_contact_segments
                 group by contact_id) w using (contact_id)
           where sent_date between ? and ? and is_responded and (csat <= 2 or is_detractor)
           order by csat, nps, responded_at desc, response_id limit 50""",
        [start, end],
    )
    assert worst["CSAT"].tolist() == [r[0] for r in expected]
    assert worst["Wait"].tolist() == [f"{r[2] // 60}:{r[2] % 60:02d}" for r in expected]


def test_a_supervisor_sees_only_their_teams_agents_and_comments(serving_env):
    at = _open("supervisor", teams=("t1",))
    at.segmented_control(key="voice_by").set_value("Agent").run()
    assert not at.exception
    agents = at.dataframe[0].value
    assert set(agents["Agent"]) == {"Ada Lovelace", "Alan Turing"}  # team t1 only
    assert set(agents["Team"]) == {"t1"}
    start, end = _period(serving_env)
    t1_comments = _query(
        serving_env.path,
        "select count(*) from fct_survey_responses where sent_date between ? and ? "
        "and comment is not null and team_id = 't1'",
        [start, end],
    )[0][0]
    comments = at.dataframe[1].value
    assert len(comments) == t1_comments
    assert "Grace Hopper" not in set(comments["Agent"]) | set(at.dataframe[2].value["Agent"])
    # Center-level tiles stay center-wide for a supervisor.
    csat = _query(
        serving_env.path,
        "select sum(csat) / count(csat) from fct_survey_responses where sent_date between ? and ?",
        [start, end],
    )[0][0]
    assert {m.label: m.value for m in at.metric}["CSAT"] == f"{csat:.2f}"
