"""apps.queries.semantic: compile only, cache, run read-only, cast counts, catalog handling."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from apps.queries import semantic
from apps.queries.filters import ServiceFilters
from apps.queries.semantic import MetricQuery


def _tiny_snapshot(path):
    """Two queues, two 30-minute intervals: just the columns the queue metrics read."""
    con = duckdb.connect(str(path))
    con.execute(
        """
        create table dim_queues as
        select * from (values ('q1', 'Billing', 'care', 'LON', 'Europe/London', true),
                              ('q2', 'Sales', 'sales', 'NYC', 'America/New_York', true))
            as t(queue_id, queue_name, line_of_business, site_id, site_timezone, is_configured)
        """
    )
    con.execute(
        """
        create table fct_queue_intervals as
        select * from (values
            ('q1', 'LON', timestamp '2024-03-01 08:00', date '2024-03-01', 10, 8, 2, 1, 6, 9, 80.0, 120, 8, 2400, 50),
            ('q1', 'LON', timestamp '2024-03-01 08:30', date '2024-03-01', 4, 4, 0, 0, 4, 4, 80.0, 60, 4, 800, 30),
            ('q2', 'NYC', timestamp '2024-03-02 09:00', date '2024-03-02', 5, 3, 2, 0, 1, 5, 70.0, 300, 3, 900, 200)
        ) as t(queue_id, site_id, interval_start_local, interval_date, offered, answered, abandoned,
               short_abandoned, sl_numerator, sl_denominator, sl_target_pct, answered_wait_seconds,
               handled, handle_seconds, max_wait_seconds)
        """
    )
    con.execute(
        """
        create table fct_survey_responses as
        select * from (values ('s1', 'q1', date '2024-03-01', 5), ('s2', 'q1', date '2024-03-01', 2),
                              ('s3', 'q1', date '2024-03-01', null), ('s4', 'q2', date '2024-03-02', 4))
            as t(response_id, queue_id, sent_date, csat)
        """
    )
    con.close()


@pytest.fixture
def snapshot(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    _tiny_snapshot(path)
    return path


def test_compiled_sql_is_cached_per_request(layer):
    q = MetricQuery(metrics=("service_level",), group_by=("metric_time__day",))
    before = layer.compile_cache_info().hits
    sql = layer.compile(q)
    assert '"warehouse"."main"."fct_queue_intervals"' in sql
    assert (
        layer.compile(MetricQuery(metrics=("service_level",), group_by=("metric_time__day",)))
        == sql
    )
    assert layer.compile_cache_info().hits == before + 1


def test_every_metric_and_saved_query_compiles(layer):
    for name in layer.metric_names():
        assert layer.compile(MetricQuery(metrics=(name,), group_by=("metric_time__day",)))
    for name in layer.saved_query_names():
        assert layer.compile(MetricQuery(saved_query=name, limit=5))


def test_query_runs_read_only_and_returns_integer_counts(layer, snapshot):
    df = layer.query(
        MetricQuery(
            metrics=("offered_contacts", "service_level", "average_speed_of_answer"),
            group_by=("queue", "metric_time__day"),
            order_by=("queue",),
        ),
        snapshot,
    )
    assert df["offered_contacts"].dtype == "int64"
    rows = {r.queue: r for r in df.itertuples()}
    assert rows["q1"].offered_contacts == 14
    assert rows["q1"].service_level == pytest.approx(10 / 13)
    assert rows["q1"].average_speed_of_answer == pytest.approx(180 / 12)
    assert rows["q2"].service_level == pytest.approx(1 / 5)


def test_overview_kpis_apply_the_sidebar_filters(layer, snapshot):
    f = ServiceFilters(date(2024, 3, 1), date(2024, 3, 2), lines_of_business=("care",))
    k = semantic.overview_kpis(layer, f, snapshot)
    assert (k.offered, k.answered, k.abandoned, k.handled) == (14, 12, 2, 12)
    assert k.service_level == pytest.approx(10 / 13)
    assert k.sl_target == pytest.approx(0.8)
    assert k.aht_seconds == pytest.approx(3200 / 12)
    assert (k.csat, k.csat_responses) == (pytest.approx(3.5), 2)
    f = ServiceFilters(date(2024, 3, 2), date(2024, 3, 2), site_ids=("NYC",), queue_ids=("q2",))
    k = semantic.overview_kpis(layer, f, snapshot)
    assert k.offered == 5 and k.abandonment_rate == pytest.approx(0.4)
    assert (k.csat, k.csat_responses) == (pytest.approx(4.0), 1)


def test_a_snapshot_with_another_file_name_is_attached_as_the_manifest_catalog(layer, tmp_path):
    other = tmp_path / "snapshot_copy.duckdb"
    _tiny_snapshot(other)
    df = layer.query(MetricQuery(metrics=("offered_contacts",)), other)
    assert int(df["offered_contacts"].iloc[0]) == 19


def test_filters_quote_literals():
    f = ServiceFilters(date(2024, 3, 1), date(2024, 3, 7), queue_ids=("o'neil",))
    where = semantic.service_filters_where(f)
    assert where[0] == (
        "{{ TimeDimension('metric_time', 'day') }} between '2024-03-01' and '2024-03-07'"
    )
    assert where[1] == "{{ Entity('queue') }} in ('o''neil')"


def test_saved_query_narrowed_by_a_date_filter(layer, snapshot):
    sql = layer.compile(
        MetricQuery(
            saved_query="daily_service_summary",
            where=(semantic.date_range_filter(date(2024, 3, 1), date(2024, 3, 1)),),
        )
    )
    with duckdb.connect(str(snapshot), read_only=True) as con:
        df = semantic.run_sql(con, sql)
    assert list(df["queue"]) == ["q1"]
    assert df["offered_contacts"].iloc[0] == 14
    assert df["longest_wait"].iloc[0] == 50
    assert df["queue__queue_name"].iloc[0] == "Billing"


# --- compiled SQL kept on disk between processes -----------------------------------------------


def _request():
    from apps.queries.semantic import MetricQuery

    return MetricQuery(metrics=("offered_contacts", "service_level"), group_by=("metric_time__day",))


def test_a_new_layer_reuses_compiled_sql_from_disk_without_building_the_engine(
    manifest_path, tmp_path
):
    from apps.queries.semantic import SemanticLayer

    first = SemanticLayer(manifest_path, sql_cache_dir=tmp_path)
    sql = first.compile(_request())
    assert first.engine_built
    assert len(list(tmp_path.rglob("*.sql"))) == 1

    second = SemanticLayer(manifest_path, sql_cache_dir=tmp_path)  # a new server process
    assert second.compile(_request()) == sql
    assert not second.engine_built
    # a request no process compiled yet builds the engine
    from apps.queries.semantic import MetricQuery

    other = second.compile(MetricQuery(metrics=("abandonment_rate",)))
    assert second.engine_built and other != sql


def test_a_changed_manifest_does_not_reuse_sql_compiled_for_another(manifest_path, tmp_path):
    from apps.queries.semantic import SemanticLayer

    original = SemanticLayer(manifest_path, sql_cache_dir=tmp_path)
    original.compile(_request())
    changed = tmp_path / "changed" / "semantic_manifest.json"
    changed.parent.mkdir()
    changed.write_text(manifest_path.read_text() + "\n")  # another file content: another digest
    layer = SemanticLayer(changed, sql_cache_dir=tmp_path)
    assert layer.manifest_digest != original.manifest_digest
    layer.compile(_request())
    assert layer.engine_built  # nothing on disk for this manifest: compiled afresh
    assert len(list(tmp_path.rglob("*.sql"))) == 2


def test_an_unwritable_sql_cache_still_compiles(manifest_path, tmp_path):
    from apps.queries.semantic import SemanticLayer

    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")  # the cache "directory" is a file: every write fails
    layer = SemanticLayer(manifest_path, sql_cache_dir=blocked)
    assert "select" in layer.compile(_request()).lower()
    memory_only = SemanticLayer(manifest_path, sql_cache_dir=False)
    assert memory_only.compile(_request()) == layer.compile(_request())


def test_the_catalog_dimensions_come_from_disk_in_a_new_process(manifest_path, tmp_path):
    from apps.queries.semantic import SemanticLayer
    from orchestration.lib.metric_catalog import build_catalog

    first = SemanticLayer(manifest_path, sql_cache_dir=tmp_path)
    items = first.group_by_items()
    assert first.engine_built
    assert "metric_time__day" in items["service_level"][0]
    second = SemanticLayer(manifest_path, sql_cache_dir=tmp_path)
    assert second.group_by_items() == items
    assert not second.engine_built
    text = manifest_path.read_text()
    assert build_catalog(text, second.group_by_items()) == build_catalog(text)


def test_the_sql_cache_drops_other_manifests_and_old_requests_it_no_longer_needs(tmp_path):
    import os
    import time

    from apps.queries.semantic import prune_sql_cache

    now = time.time()
    current, recent, old = tmp_path / "current", tmp_path / "recent", tmp_path / "old"
    for d in (current, recent, old):
        d.mkdir()
    (old / "a.sql").write_text("select 1")
    os.utime(old, (now - 8 * 86400, now - 8 * 86400))  # another manifest, unused for 8 days
    (current / "fresh.sql").write_text("select 2")
    stale = current / "stale.sql"
    stale.write_text("select 3")
    os.utime(stale, (now - 31 * 86400, now - 31 * 86400))
    assert prune_sql_cache(current, now=now) == 2
    assert not old.exists() and recent.exists()
    assert (current / "fresh.sql").exists() and not stale.exists()


def _kpis_for(start: date, end: date, queues: tuple[str, ...] = ()):
    return MetricQuery(
        metrics=semantic.OVERVIEW_KPI_METRICS,
        where=semantic.service_filters_where(ServiceFilters(start, end, queue_ids=queues)),
    )


def test_a_new_day_and_another_queue_reuse_the_sql_compiled_for_the_request_shape(
    manifest_path, tmp_path, monkeypatch
):
    """The morning's "Last 7 days" moved by a day: no compile, and no engine in a new process."""
    from apps.queries.semantic import SemanticLayer

    layer = SemanticLayer(manifest_path, sql_cache_dir=tmp_path)
    compiled = []
    engine_compile = layer._compile_with_engine
    monkeypatch.setattr(layer, "_compile_with_engine", lambda q: compiled.append(q) or engine_compile(q))
    monday = layer.compile(_kpis_for(date(2024, 3, 1), date(2024, 3, 7), ("q1",)))
    tuesday = layer.compile(_kpis_for(date(2024, 3, 2), date(2024, 3, 8), ("q2",)))
    assert len(compiled) == 1
    assert "'2024-03-02'" in tuesday and "'2024-03-01'" not in tuesday and "'q2'" in tuesday
    assert tuesday == engine_compile(_kpis_for(date(2024, 3, 2), date(2024, 3, 8), ("q2",)))
    assert monday != tuesday

    wednesday = SemanticLayer(manifest_path, sql_cache_dir=tmp_path)  # a new server process
    sql = wednesday.compile(_kpis_for(date(2024, 3, 3), date(2024, 3, 9), ("q1",)))
    assert not wednesday.engine_built
    assert sql == engine_compile(_kpis_for(date(2024, 3, 3), date(2024, 3, 9), ("q1",)))
    # another shape (two queues instead of one) is another compile
    layer.compile(_kpis_for(date(2024, 3, 3), date(2024, 3, 9), ("q1", "q2")))
    assert len(compiled) == 2


def test_a_literal_that_looks_like_a_placeholder_is_compiled_as_it_is(manifest_path):
    from apps.queries.semantic import SemanticLayer, fill_literals

    layer = SemanticLayer(manifest_path, sql_cache_dir=False)
    tricky = _kpis_for(date(2024, 3, 1), date(2024, 3, 7), ("__switchboard_literal_0__", "q'1"))
    assert layer.compile(tricky) == layer._compile_with_engine(tricky)
    assert "'__switchboard_literal_0__'" in layer.compile(tricky)
    # SQL that lost a placeholder is not filled in (the caller compiles the request itself)
    assert fill_literals("select '__switchboard_literal_0__'", ["'a'", "'b'"]) is None
    assert fill_literals("select '__switchboard_literal_1__', '__switchboard_literal_0__'", ["'a'", "'b'"]) == (
        "select 'b', 'a'"
    )


def test_sql_read_from_disk_counts_as_used_for_the_pruning(manifest_path, tmp_path):
    import os
    import time

    from apps.queries.semantic import SemanticLayer, prune_sql_cache

    SemanticLayer(manifest_path, sql_cache_dir=tmp_path).compile(_request())
    (path,) = tmp_path.rglob("*.sql")
    month_ago = time.time() - 40 * 86400
    os.utime(path, (month_ago, month_ago))
    SemanticLayer(manifest_path, sql_cache_dir=tmp_path).compile(_request())  # read from disk
    assert prune_sql_cache(path.parent) == 0 and path.exists()


def test_a_new_manifest_is_warmed_with_the_shapes_used_under_the_previous_one(
    manifest_path, tmp_path, monkeypatch
):
    """After a change of the dbt project the publish compiles the app's request shapes for the
    new manifest, so the first visitor reads SQL from disk (no engine); a shape the new manifest
    rejects is skipped, and not tried again."""
    import json
    from dataclasses import asdict

    from apps.queries.semantic import REQUEST_SUFFIX, SemanticLayer, warm_sql_cache

    cache = tmp_path / "cache"
    before = SemanticLayer(manifest_path, sql_cache_dir=cache)
    before.compile(_kpis_for(date(2024, 3, 1), date(2024, 3, 7), ("q1",)))
    before.compile(MetricQuery(saved_query="daily_service_summary", limit=5))
    gone = MetricQuery(metrics=("a_metric_the_new_project_dropped",))
    (before._disk / f"gone{REQUEST_SUFFIX}").write_text(json.dumps(asdict(gone)))

    changed = tmp_path / "new_project" / "semantic_manifest.json"
    changed.parent.mkdir()
    changed.write_text(manifest_path.read_text() + "\n")  # another digest: another cache folder
    result = warm_sql_cache(changed, sql_cache_dir=cache, known=())
    assert (result.compiled, result.failed) == (2, 1)

    visitor = SemanticLayer(changed, sql_cache_dir=cache)  # the app after the publish
    sql = visitor.compile(_kpis_for(date(2024, 3, 8), date(2024, 3, 14), ("q2",)))
    assert visitor.compile(MetricQuery(saved_query="daily_service_summary", limit=5))
    assert not visitor.engine_built
    assert sql == before._compile_with_engine(_kpis_for(date(2024, 3, 8), date(2024, 3, 14), ("q2",)))
    assert visitor.group_by_items() and not visitor.engine_built  # the catalog's lists too

    # the next publish (nothing new): no compile, no engine, the rejected shape not retried
    calls = []
    monkeypatch.setattr(SemanticLayer, "_compile_with_engine", lambda self, q: calls.append(q))
    again = warm_sql_cache(changed, sql_cache_dir=cache, known=())
    assert (again.compiled, again.failed, calls) == (0, 0, [])


def test_a_fresh_installs_first_publish_compiles_the_shapes_the_pages_make(
    manifest_path, tmp_path, monkeypatch
):
    """No compiled SQL anywhere (a fresh install): the publish compiles the pages' request shapes
    (apps/queries/request_shapes.json), every one valid for the project's manifest, so the first
    visitor reads SQL from disk and builds no engine; the next publish compiles nothing."""
    from apps.queries.semantic import SemanticLayer, known_request_shapes, warm_sql_cache

    known = known_request_shapes()
    assert len(known) >= 20
    cache = tmp_path / "cache"
    result = warm_sql_cache(manifest_path, sql_cache_dir=cache)
    assert (result.compiled, result.failed) == (len(known), 0)

    visitor = SemanticLayer(manifest_path, sql_cache_dir=cache)  # a new server process
    overview = _kpis_for(date(2026, 11, 24), date(2026, 11, 30))  # the Overview's KPI tiles
    assert visitor.compile(overview) == visitor._compile_with_engine(overview)
    visitor = SemanticLayer(manifest_path, sql_cache_dir=cache)
    visitor.compile(overview)
    assert not visitor.engine_built

    calls = []
    monkeypatch.setattr(SemanticLayer, "_compile_with_engine", lambda self, q: calls.append(q))
    again = warm_sql_cache(manifest_path, sql_cache_dir=cache)
    assert (again.compiled, again.failed, calls) == (0, 0, [])


def test_the_publish_step_warms_the_apps_sql_and_never_fails_on_it(manifest_path, tmp_path, monkeypatch):
    import shutil
    from types import SimpleNamespace

    from apps.queries.semantic import SemanticLayer, known_request_shapes, parametrize
    from orchestration.defs.serving.publish import warm_app_sql

    cache = tmp_path / "cache"
    monkeypatch.setenv("SWITCHBOARD_SQL_CACHE_DIR", str(cache))
    SemanticLayer(manifest_path).compile(_request())
    serving = tmp_path / "serving"
    serving.mkdir()
    (serving / "semantic_manifest.json").write_text(manifest_path.read_text() + "\n")
    logged = []
    context = SimpleNamespace(log=SimpleNamespace(info=logged.append, warning=logged.append))
    # the shape used under the previous manifest, and the pages' shapes (a set: one may be both)
    shapes = {parametrize(_request())[0], *known_request_shapes()}
    assert warm_app_sql(context, serving / "warehouse.duckdb") == len(shapes)
    assert f"compiled {len(shapes)} request shape(s)" in logged[-1]

    # a broken shapes file is logged, not skipped quietly, and never fails the publish
    broken = tmp_path / "request_shapes.json"
    broken.write_text("[{not json")
    with monkeypatch.context() as m:
        m.setattr(semantic, "KNOWN_SHAPES_FILE", broken)
        (serving / "semantic_manifest.json").write_text(manifest_path.read_text() + "\n\n")
        assert warm_app_sql(context, serving / "warehouse.duckdb") == 0
        assert "not warmed" in logged[-1]

    shutil.rmtree(cache)
    (serving / "semantic_manifest.json").write_text("{not json")
    SemanticLayer(manifest_path).compile(_request())
    assert warm_app_sql(context, serving / "warehouse.duckdb") == 0
    assert "not warmed" in logged[-1]
