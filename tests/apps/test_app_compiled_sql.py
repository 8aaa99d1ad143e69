"""The compiled-SQL cache is keyed on a request's shape (apps.queries.semantic.parametrize): the
filters' dates, queue, site and team ids are placeholders when MetricFlow compiles, and are put
back afterwards. Every request the app's pages make must get exactly the SQL MetricFlow compiles
for that request itself; and the pages' requests must need far fewer compiles than requests."""

from __future__ import annotations

from datetime import date

import pytest

from apps.bench_pages import APP, navigation_pages
from apps.queries import semantic
from apps.queries.agents import _metric_names as agent_metric_names
from apps.queries.agents import agent_where, scorecard_request
from apps.queries.filters import ServiceFilters
from apps.queries.quality import (
    BREAKDOWNS,
    QA_METRICS,
    SECTION,
    SECTION_FORM,
    SECTION_METRICS,
    qa_where,
    section_where,
)
from apps.queries.semantic import (
    OVERVIEW_KPI_METRICS,
    MetricQuery,
    SemanticLayer,
    find_manifest,
    parametrize,
    service_filters_where,
)
from apps.queries.voice import VOICE_METRICS, voice_where
from tests.apps.auth_helpers import sign_in

# Pages that read their marts with plain SQL only (no semantic-layer request), on tables this
# fixture snapshot does not have (the supervision marts; tests/apps/test_app_my_team.py).
SQL_ONLY_PAGES = {"my-team", "workforce"}


@pytest.fixture(scope="module")
def app_requests(open_window_snapshot, tmp_path_factory) -> set[MetricQuery]:
    """Every semantic-layer request the pages make with their default filters, signed in as a
    director and as a supervisor (whose agent requests carry the team filter), on the fixture
    snapshot as a morning's run leaves it (the last 7 days' repeat windows open, so the Agents
    page also asks for the latest days whose windows have closed)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    seen: set[MetricQuery] = set()
    original = SemanticLayer.compile

    def recording(self, q):
        seen.add(q)
        return original(self, q)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SWITCHBOARD_SERVING", str(open_window_snapshot))
        mp.setenv("SWITCHBOARD_SQL_CACHE_DIR", str(tmp_path_factory.mktemp("sql_cache")))
        mp.setattr(SemanticLayer, "compile", recording)
        for role in ("director", "supervisor"):
            st.cache_data.clear()
            st.cache_resource.clear()
            semantic._layer_for.cache_clear()
            at = sign_in(AppTest.from_file(str(APP), default_timeout=120), role).run()
            assert not at.exception
            for script, url in navigation_pages():
                if url in SQL_ONLY_PAGES:
                    continue
                at.switch_page(script).run()
                assert not at.exception, (role, url)
        semantic._layer_for.cache_clear()
    return seen


def _filters_with_every_list() -> ServiceFilters:
    return ServiceFilters(
        date(2024, 3, 4), date(2024, 3, 10),
        site_ids=("LON", "NYC"), queue_ids=("q1", "o'brien"), lines_of_business=("care",),
        team_ids=("t1", "t2"),
    )


def _requests_with_every_filter() -> list[MetricQuery]:
    """Requests built as the data-access layer builds them, with every sidebar list set (the
    pages' defaults set only the dates), one queue id with a quote in it."""
    f = _filters_with_every_list()
    return [
        MetricQuery(metrics=OVERVIEW_KPI_METRICS, where=service_filters_where(f)),
        MetricQuery(metrics=("service_level",), group_by=("metric_time__day", "queue"),
                    where=service_filters_where(f), order_by=("metric_time__day",)),
        scorecard_request(f),
        MetricQuery(metrics=agent_metric_names(), group_by=("team", "team__team_name"), where=agent_where(f)),
        MetricQuery(metrics=QA_METRICS, group_by=BREAKDOWNS["agent"], where=qa_where(f)),
        MetricQuery(metrics=SECTION_METRICS, group_by=(SECTION_FORM, SECTION), where=section_where(f)),
        MetricQuery(metrics=VOICE_METRICS, group_by=("metric_time__day",), where=voice_where(f)),
        MetricQuery(saved_query="daily_service_summary", where=service_filters_where(f), limit=50),
    ]


def test_every_request_of_the_pages_gets_the_sql_metricflow_compiles_for_it(
    serving_fixture, app_requests
):
    layer = SemanticLayer(find_manifest(serving_fixture.path), sql_cache_dir=False)
    requests = sorted(app_requests | set(_requests_with_every_filter()), key=repr)
    with_literals = [q for q in requests if parametrize(q)[1]]
    assert len(app_requests) >= 20 and len(with_literals) >= len(requests) - 5
    for q in requests:
        assert layer.compile(q) == layer._compile_with_engine(q), q
    # one compile per shape (a request without literals is its own shape), however many
    # requests share it
    shapes = {parametrize(q)[0] for q in requests}
    assert layer.compile_cache_info().misses == len(shapes)
    for q in requests:
        layer.compile(q)
    assert layer.compile_cache_info().misses == len(shapes)
    print(f"{len(requests)} requests, {len(with_literals)} with literals, {len(shapes)} shapes")


def test_the_shapes_a_publish_compiles_are_the_shapes_the_pages_make(app_requests):
    """apps/queries/request_shapes.json (compiled by every publish that finds them missing, so a
    fresh install's first visitor reads SQL from disk) lists exactly the shapes of the pages'
    requests. After a change of a page's requests, rewrite it with
    SWITCHBOARD_WRITE_REQUEST_SHAPES=1 uv run pytest -n 0 tests/apps/test_app_compiled_sql.py"""
    import json
    import os
    from dataclasses import asdict

    shapes = sorted({parametrize(q)[0] for q in app_requests}, key=lambda s: json.dumps(asdict(s), sort_keys=True))
    if os.environ.get("SWITCHBOARD_WRITE_REQUEST_SHAPES"):
        semantic.KNOWN_SHAPES_FILE.write_text(json.dumps([asdict(s) for s in shapes], indent=1, sort_keys=True) + "\n")
    known = semantic.known_request_shapes()
    assert len(known) == len(set(known))
    assert set(known) == set(shapes), (
        f"not listed: {sorted(map(repr, set(shapes) - set(known)))}; "
        f"no page makes: {sorted(map(repr, set(known) - set(shapes)))}"
    )


def test_the_where_builders_hand_over_every_literal(serving_fixture):
    """A literal the placeholder pass missed would stay in the shape: then two requests that
    differ only in it would share SQL. Each list value must come out as its own literal."""
    for q in _requests_with_every_filter():
        shape, literals = parametrize(q)
        assert "'2024-03-04'" in literals and "'2024-03-10'" in literals
        for clause in shape.where:
            assert "2024-03" not in clause and "q1" not in clause and "LON" not in clause
        if any("Entity('queue')" in w for w in q.where):
            assert "'o''brien'" in literals

