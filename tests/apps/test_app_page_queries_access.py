"""The Customer voice and Quality query functions honour the access context in the data-access
layer: a supervisor's agent-level results never hold another team's rows; a director's and an
analyst's hold every team; a supervisor without a team gets no agent rows. Also: the Data health
queries on the fixture's ops schema, and SL in service.py is the policy-aware definition."""

from datetime import date

import pytest

from apps.queries import health, quality, service, voice
from apps.queries.access import AccessContext
from apps.queries.connection import connect
from apps.queries.filters import ServiceFilters
from apps.queries.semantic import SemanticLayer, find_manifest

F = ServiceFilters(date(2024, 3, 1), date(2024, 3, 28))
CONTEXTS = {
    "director": AccessContext.director(),
    "analyst": AccessContext.analyst(),
    "sup_t1": AccessContext.supervisor("s1", ["t1"]),
    "sup_t2": AccessContext.supervisor("s2", ["t2"]),
    "sup_none": AccessContext.supervisor("s0", []),
}
ALLOWED = {"director": {"t1", "t2"}, "analyst": {"t1", "t2"}, "sup_t1": {"t1"},
           "sup_t2": {"t2"}, "sup_none": set()}


@pytest.fixture(scope="module")
def layer(serving_fixture):
    return SemanticLayer(find_manifest(serving_fixture.path))


@pytest.mark.parametrize("who", list(CONTEXTS))
def test_agent_rows_stay_inside_the_allowed_teams(serving_fixture, layer, who):
    ctx, allowed = CONTEXTS[who], ALLOWED[who]
    path = serving_fixture.path
    for df in (
        voice.voice_by(layer, F, "agent", ctx, path),
        quality.qa_by(layer, F, "agent", ctx, path),
    ):
        assert set(df["team_id"]) == allowed
    with connect(path) as con:
        comments = voice.comments(con, F, access=ctx, limit=10_000)
        worst = voice.worst_contacts(con, F, access=ctx, limit=10_000)
        failures = quality.critical_failures(con, F, access=ctx, limit=10_000)
        team_of = dict(con.execute("select agent_id, team_id from dim_agents").fetchall())
    for df in (comments, worst):
        assert {team_of[a] for a in df["agent_id"]} <= allowed
        assert (len(df) > 0) == bool(allowed)
    assert set(failures["team_id"]) <= allowed
    assert (len(failures) > 0) == bool(allowed)  # not vacuous: each allowed team has failures


def test_center_level_results_do_not_depend_on_the_role(serving_fixture, layer):
    path = serving_fixture.path
    team_level = [voice.voice_by(layer, F, "team", ctx, path) for ctx in CONTEXTS.values()]
    for df in team_level[1:]:
        assert df.equals(team_level[0])


def test_health_queries_on_the_ops_schema(serving_fixture):
    with connect(serving_fixture.path) as con:
        checks = health.check_summary(con)
        failed = health.failed_expectations(con, access=CONTEXTS["director"])
        # The fixture's examples hold no PII: every role gets the same ones.
        for ctx in CONTEXTS.values():
            assert health.failed_expectations(con, access=ctx).equals(failed)
        accounting = health.load_accounting(con)
        fresh = health.freshness(con)
        run = health.last_run(con)
    # The older, since-fixed failure of acd/calls does not count: latest evaluation only.
    assert set(failed["expectation"]) == {
        "expect_column_values_to_be_between", "expect_column_mean_to_be_between"}
    calls = checks.set_index("asset_key").loc["acd/calls"]
    assert (calls["expectations"], calls["failed"], calls["failed_critical"]) == (2, 1, 1)
    assert accounting["balanced"].all()
    assert set(fresh["family"] + "/" + fresh["table_name"]) >= {"acd/calls", "hr/qa_evaluations"}
    assert run["run_id"] == "r1" and run["tables"] > 0


def test_service_level_is_sl_numerator_over_sl_denominator(serving_fixture):
    """Tech support's policy differs from the fixed default formula; service.py follows it."""
    f = ServiceFilters(date(2024, 3, 1), date(2024, 3, 28), queue_ids=("q_tech",))
    with connect(serving_fixture.path) as con:
        kpis = service.kpi_summary(con, f)
        num, den, default = con.execute(
            "select sum(sl_numerator), sum(sl_denominator), sum(answered_within_threshold) / "
            "sum(answered + abandoned - short_abandoned) from fct_queue_intervals "
            "where queue_id = 'q_tech'"
        ).fetchone()
        table = service.queue_table(con, f)
    assert kpis.service_level == pytest.approx(num / den)
    assert kpis.service_level != pytest.approx(default)
    assert table.set_index("queue_id").loc["q_tech", "service_level"] == pytest.approx(num / den)
