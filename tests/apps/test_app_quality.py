"""AppTest of the Quality page against the fixture snapshot.

Every number shown (tiles, table cells, chart values) is checked twice:

- against the semantic layer: the same metrics requested in the test from
  ``SemanticLayer(manifest).query(MetricQuery(...))`` with the page's filters, on the manifest
  the fixture parsed from the working tree (the definitions in dbt_project/models/semantic);
- against plain SQL on the fixture's fct_qa_evaluations / fct_qa_evaluation_sections (qa_score,
  default method mean_of_evaluations: sum(score_pct) / count(scored evaluations); the section
  score with the same method over the sections' scores; critical-failure rate = evaluations
  with a failed critical question / evaluations), independent of apps.queries.
"""

from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from apps.queries.semantic import MetricQuery, SemanticLayer, find_manifest, service_filters_where
from tests.apps.apptest_helpers import copy_snapshot, toolbars, traces
from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
PAGE = "app_pages/quality.py"
SUMS = """
    sum(coalesce(score_pct, 0)) / nullif(count(*) filter (where is_scored), 0),
    count(*),
    count(*) filter (where has_critical_failure),
    count(*) filter (where has_critical_failure) / count(*)
"""
QA = ("qa_score", "qa_evaluations", "qa_critical_failures_metric", "qa_critical_failure_rate")
SECTIONS = ("qa_section_score", "qa_section_evaluations", "qa_section_critical_failures_metric")
SECTION_KEYS = ("evaluation_section__form_id", "evaluation_section__section")


@pytest.fixture(scope="module")
def layer(serving_fixture) -> SemanticLayer:
    # The manifest conftest's fixture wrote next to the snapshot (where the app finds it too).
    return SemanticLayer(find_manifest(serving_fixture.path))


def _semantic(layer, fx, metrics, group_by=(), *, f, where=()) -> pd.DataFrame:
    """The semantic layer's numbers for the page's filters (plus ``where``)."""
    return layer.query(
        MetricQuery(
            metrics=tuple(metrics),
            group_by=tuple(group_by),
            where=(*service_filters_where(f), *where),
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


def _filters(at):
    return at.session_state["service_filters"]




def test_tiles_and_teams_equal_the_semantic_layer_and_plain_sql(serving_env, layer):
    at = _open()
    f = _filters(at)
    end = serving_env.last_day
    start = end - timedelta(days=6)
    assert (f.start_date, f.end_date) == (start, end)
    tiles = {m.label: m.value for m in at.metric}
    # The semantic layer, same filters.
    sem = _semantic(layer, serving_env, QA, f=f).iloc[0]  # one row (a float Series)
    assert tiles["QA score"] == f"{sem['qa_score']:.1f}%"
    assert tiles["Evaluations"] == f"{int(sem['qa_evaluations']):,}"
    assert tiles["Critical failures"] == f"{int(sem['qa_critical_failures_metric']):,}"
    assert tiles["Critical-failure rate"] == f"{sem['qa_critical_failure_rate'] * 100:.1f}%"
    # Plain SQL.
    score, n, crit, rate = _query(
        serving_env.path,
        f"select {SUMS} from fct_qa_evaluations where activity_date between ? and ?",
        [start, end],
    )[0]
    assert n > 0 and crit > 0
    assert tiles["QA score"] == f"{score:.1f}%"
    assert tiles["Evaluations"] == f"{n:,}"
    assert tiles["Critical failures"] == f"{crit:,}"
    assert tiles["Critical-failure rate"] == f"{rate * 100:.1f}%"
    # By team (first table): the semantic layer per team, then plain SQL.
    teams = at.dataframe[0].value.set_index("Team")
    by_team = _semantic(layer, serving_env, QA, ("team__team_name",), f=f)
    assert sorted(teams.index) == sorted(by_team["team__team_name"])
    for r in by_team.itertuples():
        row = teams.loc[r.team__team_name]
        assert row["QA %"] == pytest.approx(r.qa_score)
        assert row["Evaluations"] == r.qa_evaluations
        assert row["Critical failures"] == r.qa_critical_failures_metric
        assert row["Critical %"] == pytest.approx(r.qa_critical_failure_rate * 100)
    rows = _query(
        serving_env.path,
        f"select t.team_name, {SUMS} from fct_qa_evaluations e join dim_teams t using (team_id) "
        "where activity_date between ? and ? group by t.team_name",
        [start, end],
    )
    assert len(rows) == len(teams) == 2
    for name, t_score, t_n, t_crit, t_rate in rows:
        assert teams.loc[name, "QA %"] == pytest.approx(t_score)
        assert teams.loc[name, "Evaluations"] == t_n
        assert teams.loc[name, "Critical failures"] == t_crit
        assert teams.loc[name, "Critical %"] == pytest.approx(t_rate * 100)
    # Critical failures list: exactly the period's failed evaluations, with their own values.
    failures = at.dataframe[1].value
    assert len(failures) == crit
    expected = _query(
        serving_env.path,
        "select critical_failure_count, score_pct_before_critical from fct_qa_evaluations "
        "where activity_date between ? and ? and has_critical_failure "
        "order by activity_date desc, evaluated_at desc, evaluation_id",
        [start, end],
    )
    assert failures["Critical"].tolist() == [r[0] for r in expected]
    assert failures["Score before %"].tolist() == pytest.approx([r[1] for r in expected])


def test_trend_chart_equals_the_semantic_layer_and_plain_sql(serving_env, layer):
    at = _open()
    f = _filters(at)
    chart = traces(at, 0)
    bars = next(t for t in chart if t["type"] == "bar")
    line = next(t for t in chart if t["type"] == "scatter")
    sem = _semantic(layer, serving_env, QA, ("metric_time__day",), f=f)
    sem_by_day = {
        f"{pd.Timestamp(d):%a %d %b}": (n, s)
        for d, n, s in zip(
            sem["metric_time__day"], sem["qa_evaluations"], sem["qa_score"], strict=True
        )
    }
    sql_by_day = {
        f"{d:%a %d %b}": (n, s)
        for d, s, n, _c, _r in _query(
            serving_env.path,
            f"select activity_date, {SUMS} from fct_qa_evaluations "
            "where activity_date between ? and ? group by activity_date",
            [f.start_date, f.end_date],
        )
    }
    assert len(bars["x"]) == len(sem_by_day) == len(sql_by_day) == f.days
    for x, n in zip(bars["x"], bars["y"], strict=True):
        assert n == sem_by_day[x][0] == sql_by_day[x][0]
    for x, score in zip(line["x"], line["y"], strict=True):
        assert score == pytest.approx(sem_by_day[x][1])
        assert score == pytest.approx(sql_by_day[x][1])


def test_section_chart_equals_the_semantic_layer_and_plain_sql(serving_env, layer):
    at = _open()
    f = _filters(at)
    bar = traces(at, 1)[0]
    assert bar["type"] == "bar" and bar["orientation"] == "h"
    shown = dict(zip(bar["y"], bar["x"], strict=True))
    sem = _semantic(layer, serving_env, SECTIONS, SECTION_KEYS, f=f)
    semantic = {
        f"{form} · {section}": score
        for form, section, score in zip(
            sem["evaluation_section__form_id"],
            sem["evaluation_section__section"],
            sem["qa_section_score"],
            strict=True,
        )
    }
    # Mean of the evaluations' section scores (qa_agent_score_method's default).
    plain = dict(
        _query(
            serving_env.path,
            "select form_id || ' · ' || section, "
            "sum(coalesce(score_pct, 0)) / count(score_pct) from fct_qa_evaluation_sections "
            "where activity_date between ? and ? group by 1",
            [f.start_date, f.end_date],
        )
    )
    assert set(shown) == set(semantic) == set(plain) and len(shown) == 3
    for label, value in shown.items():
        assert value == pytest.approx(semantic[label])
        assert value == pytest.approx(plain[label])
    # Lowest score first (the bars read top-down).
    assert list(bar["x"]) == sorted(bar["x"])
    # The section counts (in the CSV) against plain SQL.
    counts = {
        (form, section): (n, crit)
        for form, section, n, crit in _query(
            serving_env.path,
            "select form_id, section, count(*), count(*) filter (where has_critical_failure) "
            "from fct_qa_evaluation_sections where activity_date between ? and ? group by 1, 2",
            [f.start_date, f.end_date],
        )
    }
    for r in sem.itertuples():
        key = (r.evaluation_section__form_id, r.evaluation_section__section)
        assert (r.qa_section_evaluations, r.qa_section_critical_failures_metric) == counts[key]


def test_the_site_filter_reaches_the_sections_through_the_evaluation(serving_env, layer):
    """Sections have no site column: the page filters them by the evaluation's site."""
    at = _open()
    at.multiselect(key="site").set_value(["NYC"]).run()
    assert not at.exception
    f = _filters(at)
    assert f.site_ids == ("NYC",)
    shown = dict(zip(traces(at, 1)[0]["y"], traces(at, 1)[0]["x"], strict=True))
    sem = layer.query(
        MetricQuery(
            metrics=("qa_section_score",),
            group_by=SECTION_KEYS,
            where=(
                service_filters_where(f)[0],  # the date range (queue site does not apply)
                "{{ Entity('evaluation__site') }} in ('NYC')",
            ),
        ),
        serving_env.path,
    )
    plain = dict(
        _query(
            serving_env.path,
            "select s.form_id || ' · ' || s.section, avg(s.score_pct) "
            "from fct_qa_evaluation_sections s join fct_qa_evaluations e using (evaluation_id) "
            "where s.activity_date between ? and ? and e.site_id = 'NYC' group by 1",
            [f.start_date, f.end_date],
        )
    )
    everyone = dict(
        _query(
            serving_env.path,
            "select form_id || ' · ' || section, avg(score_pct) from fct_qa_evaluation_sections "
            "where activity_date between ? and ? group by 1",
            [f.start_date, f.end_date],
        )
    )
    assert plain != pytest.approx(everyone)  # the filter changes the numbers
    for form, section, score in zip(
        sem["evaluation_section__form_id"],
        sem["evaluation_section__section"],
        sem["qa_section_score"],
        strict=True,
    ):
        label = f"{form} · {section}"
        assert shown[label] == pytest.approx(score) == pytest.approx(plain[label])
    # The tiles follow the site too (QA's site is the evaluation's, not a queue's).
    n = _query(
        serving_env.path,
        "select count(*) from fct_qa_evaluations where activity_date between ? and ? "
        "and site_id = 'NYC'",
        [f.start_date, f.end_date],
    )[0][0]
    assert {m.label: m.value for m in at.metric}["Evaluations"] == f"{n:,}"




def test_every_chart_and_table_offers_definitions_and_a_csv(serving_env):
    at = _open()
    f = _filters(at)
    crit = _query(
        serving_env.path,
        "select count(*) from fct_qa_evaluations where activity_date between ? and ? "
        "and has_critical_failure",
        [f.start_date, f.end_date],
    )[0][0]
    # Trend, sections, by team, critical failures: a CSV of what is shown and the catalog
    # entries of its metrics.
    assert toolbars(at) == [
        (f"Download the data of “quality trend by day” as CSV ({f.days} rows)", set(QA)),
        ("Download the data of “quality by form section” as CSV (3 rows)", set(SECTIONS)),
        ("Download the data of “quality by Team” as CSV (2 rows)", set(QA)),
        (
            f"Download the data of “quality critical failures” as CSV ({crit} rows)",
            {"qa_critical_failures_metric", "qa_score"},
        ),
    ]
    text = " ".join(m.value for m in at.markdown)
    # The catalog's formulas of the QA score and of the section score.
    assert "sum(score_pct) / count(scored evaluations)" in text
    assert "sum(section score_pct) / count(scored sections)" in text


def test_a_supervisor_sees_only_their_teams_agents(serving_env, layer):
    # Team t1: the fixture's last 7 days hold critical failures of t1 (none of t2), so the
    # failure list below cannot pass empty.
    at = _open("supervisor", teams=("t1",))
    at.segmented_control(key="quality_by").set_value("Agent").run()
    assert not at.exception
    agents = at.dataframe[0].value.set_index("Agent")
    assert set(agents.index) == {"Ada Lovelace", "Alan Turing"}
    assert set(agents["Team"]) == {"t1"}
    # Their numbers: the semantic layer per agent of team t1.
    f = _filters(at)
    sem = _semantic(
        layer, serving_env, QA, ("agent__full_name",), f=f, where=("{{ Entity('team') }} = 't1'",)
    )
    assert len(sem) == 2
    for r in sem.itertuples():
        assert agents.loc[r.agent__full_name, "QA %"] == pytest.approx(r.qa_score)
        assert agents.loc[r.agent__full_name, "Evaluations"] == r.qa_evaluations
        assert agents.loc[r.agent__full_name, "Critical failures"] == (
            r.qa_critical_failures_metric
        )
    failures = at.dataframe[1].value
    t1_failures = _query(
        serving_env.path,
        "select count(*) from fct_qa_evaluations where activity_date between ? and ? "
        "and has_critical_failure and team_id = 't1'",
        [f.start_date, f.end_date],
    )[0][0]
    assert t1_failures > 0
    assert len(failures) == t1_failures
    assert set(failures["Team"]) == {"Care London"}
    assert set(failures["Agent"]) <= {"Ada Lovelace", "Alan Turing"}


def test_still_being_evaluated_names_only_the_trailing_thin_periods():
    from apps.queries.quality import still_being_evaluated

    def thin(counts):
        rows, median = still_being_evaluated(
            pd.DataFrame({"period": range(len(counts)), "qa_evaluations": counts})
        )
        return list(rows["qa_evaluations"]), median

    assert thin([50, 48, 52, 47, 10, 3]) == ([10, 3], 47.5)
    assert thin([50, 3, 50, 49]) == ([], 49.5)  # a thin day inside the period is not "so far"
    assert thin([50, 48, 40]) == ([], 48.0)
    assert thin([0, 0, 0, 5]) == ([], 5.0)  # the median of the periods with evaluations
    assert thin([50, 48, 52, 10, 0]) == ([10, 0], 49.0)  # none yet is the thinnest
    assert thin([0, 0, 0])[0] == []
    assert thin([50, 2])[0] == []  # too few periods to call one typical


def test_the_trend_has_every_day_or_week_of_the_period():
    """A day QA has not reached yet is a row with 0 evaluations and no score (the chart showed
    the period's days up to the last one with an evaluation, and a 7-day period as 6 days)."""
    from datetime import date

    from apps.queries.filters import ServiceFilters
    from apps.queries.quality import every_period

    got = pd.DataFrame(
        {
            "period": [date(2026, 11, 24), date(2026, 11, 26)],
            "qa_score": [81.0, 84.0],
            "qa_evaluations": [40, 38],
            "qa_critical_failures_metric": [1, 0],
            "qa_critical_failure_rate": [0.025, 0.0],
        }
    )
    days = every_period(got, ServiceFilters(date(2026, 11, 24), date(2026, 11, 27)), "day")
    assert [d.date() for d in days["period"]] == [date(2026, 11, d) for d in (24, 25, 26, 27)]
    assert list(days["qa_evaluations"]) == [40, 0, 38, 0]
    assert list(days["qa_critical_failures_metric"]) == [1, 0, 0, 0]
    assert days["qa_score"].isna().tolist() == [False, True, False, True]
    # weeks start on Monday, the week of the first day included
    weeks = every_period(
        got.assign(period=[date(2026, 11, 9), date(2026, 11, 23)]),
        ServiceFilters(date(2026, 11, 11), date(2026, 11, 30)),
        "week",
    )
    assert [d.date() for d in weeks["period"]] == [date(2026, 11, d) for d in (9, 16, 23, 30)]
    assert list(weeks["qa_evaluations"]) == [40, 0, 38, 0]


@pytest.fixture(scope="module")
def late_evaluations_snapshot(serving_fixture, tmp_path_factory) -> Path:
    """The fixture snapshot as a morning's run leaves it when QA is behind: the last day's
    contacts have one evaluation so far."""
    dropped = (
        "select e.evaluation_id from fct_qa_evaluations as e inner join kept "
        "on e.activity_date = kept.activity_date and e.evaluation_id <> kept.evaluation_id"
    )
    return copy_snapshot(
        serving_fixture,
        tmp_path_factory.mktemp("late_evaluations"),
        "create temp table kept as select max(activity_date) as activity_date, "
        "min(evaluation_id) as evaluation_id from fct_qa_evaluations "
        "where activity_date = (select max(activity_date) from fct_qa_evaluations)",
        f"delete from fct_qa_evaluation_sections where evaluation_id in ({dropped})",
        f"delete from fct_qa_evaluations where evaluation_id in ({dropped})",
    )


def test_the_trend_names_the_days_still_being_evaluated(late_evaluations_snapshot, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_SERVING", str(late_evaluations_snapshot))
    at = _open()
    f = _filters(at)
    counts = dict(
        _query(
            late_evaluations_snapshot,
            "select activity_date, count(*) from fct_qa_evaluations "
            "where activity_date between ? and ? group by 1",
            [f.start_date, f.end_date],
        )
    )
    median = pd.Series(list(counts.values()))  # the days with an evaluation, as the chart
    assert counts[f.end_date] == 1 and median.median() >= 3.5  # one, against a typical day
    notes = [c.value for c in at.caption if c.value.startswith("Still being evaluated")]
    assert notes == [
        f"Still being evaluated: {f.end_date:%a %d %b} (1 evaluation so far), against "
        f"{median.median():,.0f} in the median day. QA reviews a contact some days after it and "
        "counts it on the contact's day, so the latest days' scores rest on few evaluations."
    ]


@pytest.fixture(scope="module")
def no_evaluations_yet_snapshot(serving_fixture, tmp_path_factory) -> Path:
    """The fixture snapshot with no evaluation yet of the last day's contacts."""
    last = "(select max(activity_date) from fct_qa_evaluations)"
    return copy_snapshot(
        serving_fixture,
        tmp_path_factory.mktemp("no_evaluations_yet"),
        "delete from fct_qa_evaluation_sections where evaluation_id in (select evaluation_id "
        f"from fct_qa_evaluations where activity_date = {last})",
        f"delete from fct_qa_evaluations where activity_date = {last}",
    )


def test_a_last_day_without_evaluations_shows_on_the_chart_and_in_the_note(
    no_evaluations_yet_snapshot, monkeypatch
):
    monkeypatch.setenv("SWITCHBOARD_SERVING", str(no_evaluations_yet_snapshot))
    at = _open()
    f = _filters(at)
    assert not _query(
        no_evaluations_yet_snapshot,
        "select count(*) from fct_qa_evaluations where activity_date = ?",
        [f.end_date],
    )[0][0]
    bars, line = traces(at, 0)
    assert bars["x"][-1] == line["x"][-1] == f"{f.end_date:%a %d %b}"
    assert len(bars["x"]) == f.days
    assert bars["y"][-1] == 0 and line["y"][-1] is None
    notes = [c.value for c in at.caption if c.value.startswith("Still being evaluated")]
    assert len(notes) == 1 and notes[0].startswith(
        f"Still being evaluated: {f.end_date:%a %d %b} (none yet), against "
    )


def test_no_still_being_evaluated_note_when_the_last_days_are_complete(serving_env):
    at = _open()
    assert not [c.value for c in at.caption if c.value.startswith("Still being evaluated")]


def _failure_forms(path, f) -> set[str]:
    return {
        r[0]
        for r in _query(
            path,
            "select distinct form_id from fct_qa_evaluations "
            "where activity_date between ? and ? and has_critical_failure",
            [f.start_date, f.end_date],
        )
    }


def test_the_failure_list_names_its_one_form_in_the_heading(serving_env):
    at = _open()
    forms = _failure_forms(serving_env.path, _filters(at))
    assert len(forms) == 1
    assert "Form" not in at.dataframe[1].value.columns
    headings = [m.value for m in at.markdown if m.value.startswith("**Latest critical failures**")]
    assert headings == [f"**Latest critical failures** · form {forms.pop()}"]


@pytest.fixture(scope="module")
def two_forms_snapshot(serving_fixture, tmp_path_factory) -> Path:
    """The fixture snapshot with one critically failed evaluation on another form."""
    return copy_snapshot(
        serving_fixture,
        tmp_path_factory.mktemp("two_forms"),
        "update fct_qa_evaluations set form_id = 'QA-CHAT-TEST' where evaluation_id = "
        "(select evaluation_id from fct_qa_evaluations where has_critical_failure "
        "order by activity_date desc, evaluation_id limit 1)",
    )


def test_the_failure_list_shows_the_form_column_when_it_holds_several(
    two_forms_snapshot, monkeypatch
):
    monkeypatch.setenv("SWITCHBOARD_SERVING", str(two_forms_snapshot))
    at = _open()
    forms = _failure_forms(two_forms_snapshot, _filters(at))
    assert len(forms) == 2
    assert set(at.dataframe[1].value["Form"]) == forms
    headings = [m.value for m in at.markdown if m.value.startswith("**Latest critical failures**")]
    assert headings == ["**Latest critical failures**"]
