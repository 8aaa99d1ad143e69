"""AppTest of the Customer voice page against the fixture snapshot.

Every number shown (tiles, table cells, trend values) is checked twice:

- against the semantic layer: the same metrics requested in the test from
  ``SemanticLayer(manifest).query(MetricQuery(...))`` with the page's filters
  (``service_filters_where``), on the manifest the fixture parsed from the working tree;
- against plain SQL on the fixture's fct_survey_responses (the catalog's formulas: CSAT =
  sum(csat)/count(csat), NPS = 100 x (promoters - detractors) / count(nps), survey FCR =
  count(is_resolved = true) / count(is_resolved), response rate = responded / sent), not
  through apps.queries.

A supervisor of team t1 sees only t1's agents, comments and worst contacts.
"""

from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from apps.queries.semantic import MetricQuery, SemanticLayer, find_manifest, service_filters_where
from tests.apps.apptest_helpers import toolbars, traces
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
VOICE = (
    "csat_score",
    "csat_responses_metric",
    "nps",
    "first_contact_resolution_rate_survey",
    "survey_response_rate",
    "csat_top2box_rate",
)  # the order of SUMS


@pytest.fixture(scope="module")
def layer(serving_fixture) -> SemanticLayer:
    # The manifest conftest's fixture wrote next to the snapshot (where the app finds it too).
    return SemanticLayer(find_manifest(serving_fixture.path))


def _semantic(layer, fx, f, group_by=(), where=()) -> pd.DataFrame:
    """The semantic layer's survey metrics for the page's filters (plus ``where``)."""
    return layer.query(
        MetricQuery(
            metrics=VOICE, group_by=tuple(group_by), where=(*service_filters_where(f), *where)
        ),
        fx.path,
    )




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


def _filters(at):
    return at.session_state["service_filters"]


def _check_tiles(tiles, csat, n, nps, fcr, rate, top2):
    assert tiles["CSAT"] == f"{csat:.2f}"
    assert tiles["NPS"] == f"{nps:+.1f}"
    assert tiles["FCR (survey)"] == f"{fcr * 100:.1f}%"
    assert tiles["Response rate"] == f"{rate * 100:.1f}%"
    assert tiles["CSAT top-2-box"] == f"{top2 * 100:.1f}%"


def test_tiles_equal_the_semantic_layer_and_plain_sql(serving_env, layer):
    at = _open()
    start, end = _period(serving_env)
    f = _filters(at)
    assert (f.start_date, f.end_date) == (start, end)
    tiles = {m.label: m.value for m in at.metric}
    sem = _semantic(layer, serving_env, f)
    assert len(sem) == 1
    _check_tiles(tiles, *(sem[m].iloc[0] for m in VOICE))
    assert f"{int(sem['csat_responses_metric'].iloc[0])} responses" in " ".join(
        c.value for c in at.caption
    )
    csat, n, nps, fcr, rate, top2 = _query(
        serving_env.path,
        f"select {SUMS} from fct_survey_responses where sent_date between ? and ?",
        [start, end],
    )[0]
    _check_tiles(tiles, csat, n, nps, fcr, rate, top2)
    assert f"{n} responses" in " ".join(c.value for c in at.caption)


def test_by_queue_team_and_agent_tables(serving_env, layer):
    at = _open()
    start, end = _period(serving_env)
    f = _filters(at)
    table = at.dataframe[0].value.set_index("Queue")
    # The semantic layer per queue.
    sem = _semantic(layer, serving_env, f, ("queue__queue_name",))
    assert sorted(table.index) == sorted(sem["queue__queue_name"])
    for r in sem.itertuples():
        row = table.loc[r.queue__queue_name]
        assert row["CSAT"] == pytest.approx(r.csat_score)
        assert row["Top-2 %"] == pytest.approx(r.csat_top2box_rate * 100)
        assert row["NPS"] == pytest.approx(r.nps)
        assert row["FCR %"] == pytest.approx(r.first_contact_resolution_rate_survey * 100)
        assert row["Responses"] == r.csat_responses_metric
    # Plain SQL per queue.
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
    sem = _semantic(layer, serving_env, f, ("agent__full_name",)).sort_values("agent__full_name")
    assert agents["Agent"].tolist() == sem["agent__full_name"].tolist()
    assert agents["CSAT"].tolist() == pytest.approx(sem["csat_score"].tolist())
    assert agents["NPS"].tolist() == pytest.approx(sem["nps"].tolist())
    assert agents["Responses"].tolist() == sem["csat_responses_metric"].tolist()
    # each agent's team by name (the team of the surveyed contact), not its id
    team_names = dict(_query(serving_env.path, "select team_id, team_name from dim_teams", []))
    assert set(agents["Team"]) <= set(team_names.values()) and agents["Team"].notna().all()
    # By team: the semantic layer per team.
    at.segmented_control(key="voice_by").set_value("Team").run()
    assert not at.exception
    teams = at.dataframe[0].value.set_index("Team")
    sem = _semantic(layer, serving_env, f, ("team__team_name",))
    assert sorted(teams.index) == sorted(sem["team__team_name"]) == ["Care London", "Care New York"]
    for r in sem.itertuples():
        assert teams.loc[r.team__team_name, "CSAT"] == pytest.approx(r.csat_score)
        assert teams.loc[r.team__team_name, "FCR %"] == pytest.approx(
            r.first_contact_resolution_rate_survey * 100
        )


@pytest.mark.parametrize(
    ("trend", "metric", "scale", "sql"),
    [
        ("CSAT", "csat_score", 1, "sum(csat) / count(csat)"),
        (
            "NPS",
            "nps",
            1,
            "100.0 * (count(*) filter (where nps >= 9) - count(*) filter (where nps <= 6)) "
            "/ nullif(count(nps), 0)",
        ),
        (
            "FCR",
            "first_contact_resolution_rate_survey",
            100,
            "count(*) filter (where is_resolved) / nullif(count(is_resolved), 0)",
        ),
    ],
)
def test_trend_equals_the_semantic_layer_and_plain_sql(
    serving_env, layer, trend, metric, scale, sql
):
    at = _open()
    if trend != "CSAT":
        at.segmented_control(key="voice_trend").set_value(trend).run()
        assert not at.exception
    f = _filters(at)
    line = traces(at, 0)[0]
    assert line["type"] == "scatter"
    shown = dict(zip(line["x"], line["y"], strict=True))
    sem = _semantic(layer, serving_env, f, ("metric_time__day",))
    semantic = {
        f"{pd.Timestamp(d):%a %d %b}": v
        for d, v in zip(sem["metric_time__day"], sem[metric], strict=True)
    }
    plain = {
        f"{d:%a %d %b}": v
        for d, v in _query(
            serving_env.path,
            f"select sent_date, {sql} from fct_survey_responses where sent_date between ? and ? "
            "group by sent_date",
            [f.start_date, f.end_date],
        )
    }
    assert set(shown) == set(semantic) == set(plain) and len(shown) == f.days
    for day, value in shown.items():
        if semantic[day] is None or pd.isna(semantic[day]):
            assert value is None or np.isnan(value)
            assert plain[day] is None
        else:
            assert value == pytest.approx(semantic[day] * scale)
            assert value == pytest.approx(plain[day] * scale)




def test_every_chart_and_table_offers_definitions_and_a_csv(serving_env):
    at = _open()
    f = _filters(at)
    n_comments = len(at.dataframe[1].value)
    n_worst = len(at.dataframe[2].value)
    assert n_comments > 0 and n_worst > 0
    everything = {
        "csat_score",
        "csat_top2box_rate",
        "csat_responses_metric",
        "nps",
        "nps_responses_metric",
        "first_contact_resolution_rate_survey",
        "resolution_answers_metric",
        "survey_response_rate",
        "surveys_sent_metric",
    }
    rows = {"csat_score", "nps", "first_contact_resolution_rate_survey"}
    # Trend, by queue, comments, worst contacts: a CSV of what is shown and the catalog entries
    # of its metrics (the CSAT and NPS columns of the survey rows included).
    assert toolbars(at) == [
        (f"Download the data of “customer voice trend by day” as CSV ({f.days} rows)", everything),
        ("Download the data of “customer voice by Queue” as CSV (3 rows)", everything),
        (f"Download the data of “customer voice comments” as CSV ({n_comments} rows)", rows),
        (f"Download the data of “customer voice worst contacts” as CSV ({n_worst} rows)", rows),
    ]
    text = " ".join(m.value for m in at.markdown)
    assert "sum(csat) / count(csat)" in text  # csat_score's catalog formula


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
    # the customer's words come right after the scores, in view without scrolling sideways
    assert list(worst.columns[:6]) == ["Sent", "CSAT", "NPS", "Comment", "Agent", "Queue"]


def test_a_supervisor_sees_only_their_teams_agents_and_comments(serving_env):
    at = _open("supervisor", teams=("t1",))
    at.segmented_control(key="voice_by").set_value("Agent").run()
    assert not at.exception
    agents = at.dataframe[0].value
    assert set(agents["Agent"]) == {"Ada Lovelace", "Alan Turing"}  # team t1 only
    t1 = _query(serving_env.path, "select team_name from dim_teams where team_id = 't1'")[0][0]
    assert set(agents["Team"]) == {t1}  # by name
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
