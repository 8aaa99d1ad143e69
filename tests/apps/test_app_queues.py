"""AppTest of the Queues page against the fixture snapshot.

Every number shown (tiles, heat-map cells, line and bar values, table cells) is checked twice:

- against the semantic layer: the same metrics requested in the test from
  ``SemanticLayer(manifest).query(MetricQuery(...))`` with the page's filters
  (``service_filters_where``), on the manifest the fixture parsed from the working tree;
- against plain SQL on the fixture's fct_queue_intervals (the definitions written out: ratios
  of sums, service level = sum(sl_numerator) / sum(sl_denominator), the target =
  offered-weighted sl_target_pct), not through apps.queries.
"""

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from apps.queries.semantic import MetricQuery, SemanticLayer, find_manifest, service_filters_where
from tests.apps.apptest_helpers import plain
from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
PAGE = "app_pages/queues.py"
METRICS = (
    "offered_contacts",
    "answered_contacts",
    "abandoned_contacts",
    "service_level",
    "average_speed_of_answer",
    "abandonment_rate",
    "service_level_target",
)  # the order of _sums
INTERVAL = "queue_interval__interval_of_day"


@pytest.fixture(scope="module")
def layer(serving_fixture) -> SemanticLayer:
    # The manifest conftest's fixture wrote next to the snapshot (where the app finds it too).
    return SemanticLayer(find_manifest(serving_fixture.path))


def _semantic(layer, fx, f, group_by=()) -> pd.DataFrame:
    """The semantic layer's queue metrics for the filters ``f``, columns in METRICS order."""
    df = layer.query(
        MetricQuery(metrics=METRICS, group_by=tuple(group_by), where=service_filters_where(f)),
        fx.path,
    )
    return df[[*group_by, *METRICS]]


def _rows(df: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in df.itertuples(index=False)]


def _pct(x):
    return f"{x * 100:.1f}%"


def _mmss(seconds):
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def _sums(path, start, end, queues=(), group=""):
    qfilter = f"and queue_id in ({', '.join(repr(q) for q in queues)})" if queues else ""
    select_group = f"{group}," if group else ""
    group_by = f"group by {group} order by {group}" if group else ""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            f"""
            select {select_group}
                   sum(offered), sum(answered), sum(abandoned),
                   sum(sl_numerator) / nullif(sum(sl_denominator), 0),
                   sum(answered_wait_seconds) / nullif(sum(answered), 0),
                   sum(abandoned) / nullif(sum(offered), 0),
                   sum(sl_target_pct * offered) / 100 / nullif(sum(offered), 0)
            from fct_queue_intervals
            where interval_date between ? and ? {qfilter}
            {group_by}
            """,
            [start, end],
        ).fetchall()


@pytest.fixture
def at(serving_env):
    return _open_queues()


def _open_queues():
    at = sign_in(AppTest.from_file(APP, default_timeout=120))
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def _tiles(at):
    return {m.label: m.value for m in at.metric}


def _figure(at, index):
    """The chart's figure as plain lists (plotly encodes numpy arrays as typed arrays)."""
    fig = pio.from_json(at.get("plotly_chart")[index].proto.spec, skip_invalid=True)
    return plain(fig.to_dict())




def _filters(at):
    return at.session_state["service_filters"]


def _check_tiles(tiles, captions, offered, _answered, abandoned, sl, asa, aband, target):
    assert tiles["Offered"] == f"{offered:,}"
    assert tiles["Service level"] == _pct(sl)
    assert tiles["ASA"] == _mmss(asa)
    assert tiles["Abandonment"] == _pct(aband)
    assert f"Target {_pct(target)}" in captions
    assert f"{abandoned:,} abandoned" in captions


def test_tiles_equal_the_semantic_layer_and_plain_sql_for_the_default_last_7_days(
    at, serving_env, layer
):
    end = serving_env.last_day
    start = end - timedelta(days=6)
    f = _filters(at)
    assert (f.start_date, f.end_date) == (start, end)
    tiles = _tiles(at)
    captions = " ".join(c.value for c in at.caption)
    semantic = _rows(_semantic(layer, serving_env, f))
    assert len(semantic) == 1
    _check_tiles(tiles, captions, *semantic[0])
    _check_tiles(tiles, captions, *_sums(serving_env.path, start, end)[0])
    # Intervals on target: the share of day x interval cells with contacts whose service level
    # met the period's target.
    cells = _semantic(layer, serving_env, f, ("metric_time__day", INTERVAL))
    cells = cells[cells["offered_contacts"] > 0]
    target = semantic[0][-1]
    share = (cells["service_level"].fillna(0) >= target).mean()
    plain = _sums(
        serving_env.path,
        start,
        end,
        group="interval_date, strftime(interval_start_local, '%H:%M')",
    )
    plain = [r for r in plain if r[2] > 0]
    assert len(plain) == len(cells)
    assert sum((r[5] or 0) >= target for r in plain) / len(plain) == pytest.approx(share)
    assert tiles["Intervals on target"] == _pct(share)
    assert f"of {len(cells):,} intervals with contacts" in captions


def test_one_queue_with_its_own_service_level_policy(at, serving_env, layer):
    """Tech support's policy counts short abandons: SL must be its sl_numerator/denominator."""
    at.selectbox(key="queues_queue").set_value("q_tech").run()
    assert not at.exception
    end = serving_env.last_day
    start = end - timedelta(days=6)
    offered, _a, _b, sl, asa, aband, _t = _sums(serving_env.path, start, end, ("q_tech",))[0]
    with duckdb.connect(str(serving_env.path), read_only=True) as con:
        default = con.execute(
            "select sum(answered_within_threshold) / sum(answered + abandoned - short_abandoned) "
            "from fct_queue_intervals where queue_id = 'q_tech' and interval_date between ? and ?",
            [start, end],
        ).fetchone()[0]
    assert _pct(default) != _pct(sl)  # the fixture makes the two definitions differ
    tiles = _tiles(at)
    assert tiles["Offered"] == f"{offered:,}"
    assert tiles["Service level"] == _pct(sl)
    assert tiles["ASA"] == _mmss(asa)
    assert tiles["Abandonment"] == _pct(aband)
    # The semantic layer for the page's filters narrowed to the chosen queue.
    f = replace(_filters(at), queue_ids=("q_tech",))
    _check_tiles(
        tiles, " ".join(c.value for c in at.caption), *_rows(_semantic(layer, serving_env, f))[0]
    )


def test_heat_map_cells_equal_the_semantic_layer_and_sql_per_day_and_interval(
    at, serving_env, layer
):
    end = serving_env.last_day
    start = end - timedelta(days=6)
    rows = _sums(
        serving_env.path,
        start,
        end,
        group="interval_date, strftime(interval_start_local, '%H:%M')",
    )
    expected = {(f"{d:%a %d %b}", t): sl for d, t, _o, _a, _b, sl, *_ in rows}
    semantic = {
        (f"{pd.Timestamp(d):%a %d %b}", t): sl
        for d, t, _o, _a, _b, sl, *_ in _rows(
            _semantic(layer, serving_env, _filters(at), ("metric_time__day", INTERVAL))
        )
    }
    assert semantic.keys() == expected.keys()
    fig = _figure(at, 0)
    heat = fig["data"][0]
    assert heat["type"] == "heatmap"
    seen = 0
    for y, zrow in zip(heat["y"], heat["z"], strict=True):
        for x, z in zip(heat["x"], zrow, strict=True):
            exp = expected.get((y, x))
            if exp is None:
                assert z is None and semantic.get((y, x)) is None
            else:
                assert z == pytest.approx(exp * 100)
                assert z == pytest.approx(semantic[(y, x)] * 100)
                seen += 1
    assert seen == len([v for v in expected.values() if v is not None]) > 0
    # The weekday view aggregates the same cells by day of week.
    at.segmented_control(key="queues_heat_rows").set_value("Weekday").run()
    assert not at.exception
    heat = _figure(at, 0)["data"][0]
    weekdays = heat["y"]
    assert weekdays == sorted(weekdays) and weekdays[0] in ("1-Mon", "2-Tue", "3-Wed", "4-Thu")
    by_weekday = {
        (w, t): sl
        for w, t, _o, _a, _b, sl, *_ in _rows(
            _semantic(layer, serving_env, _filters(at), ("queue_interval__day_of_week", INTERVAL))
        )
    }
    plain = {
        (w, t): sl
        for w, t, _o, _a, _b, sl, *_ in _sums(
            serving_env.path,
            start,
            end,
            group="cast(isodow(interval_date) as varchar) || '-' || strftime(interval_date, '%a'),"
            " strftime(interval_start_local, '%H:%M')",
        )
    }
    checked = 0
    for y, zrow in zip(heat["y"], heat["z"], strict=True):
        for x, z in zip(heat["x"], zrow, strict=True):
            if z is not None:
                assert z == pytest.approx(by_weekday[(y, x)] * 100)
                assert z == pytest.approx(plain[(y, x)] * 100)
                checked += 1
    assert checked > 0


def test_lines_equal_the_semantic_layer_and_sql_per_queue_with_the_target(at, serving_env, layer):
    fig = _figure(at, 1)
    # the target is the legend's last entry, a line with no points (charts.reference_line)
    *queues, target_entry = fig["data"]
    assert target_entry["name"].startswith("Target ") and target_entry["x"] == [None]
    names = {t["name"] for t in queues}
    assert names == {"Billing", "Sales", "Tech support"}  # the quiet queue has no traffic
    f = _filters(at)
    semantic = {
        (q, t): sl
        for q, t, _o, _a, _b, sl, *_ in _rows(
            _semantic(layer, serving_env, f, ("queue__queue_name", INTERVAL))
        )
    }
    queue_names = {q["queue_id"]: q["queue_name"] for q in serving_env.queues}
    plain = {
        (queue_names[q], t): sl
        for q, t, _o, _a, _b, sl, *_ in _sums(
            serving_env.path,
            f.start_date,
            f.end_date,
            group="queue_id, strftime(interval_start_local, '%H:%M')",
        )
    }
    checked = 0
    for trace in queues:
        for x, y in zip(trace["x"], trace["y"], strict=True):
            if y is None:
                assert semantic.get((trace["name"], x)) is None
                continue
            assert y == pytest.approx(semantic[(trace["name"], x)] * 100)
            assert y == pytest.approx(plain[(trace["name"], x)] * 100)
            checked += 1
    assert checked > 0
    # The target: the period's offered-weighted target, as a dashed line.
    target = _rows(_semantic(layer, serving_env, f))[0][-1]
    shapes = fig["layout"].get("shapes", [])
    dashed = [s for s in shapes if s.get("line", {}).get("dash") == "dash"]
    assert len(dashed) == 1
    assert dashed[0]["y0"] == pytest.approx(target * 100)
    assert target == pytest.approx(_sums(serving_env.path, f.start_date, f.end_date)[0][-1])
    assert target_entry["name"] == f"Target {target * 100:.1f}%"


def test_drill_into_a_day_shows_that_days_intervals(at, serving_env, layer):
    day = serving_env.last_day - timedelta(days=2)
    at.selectbox(key="queues_day").set_value(day).run()
    assert not at.exception
    rows = _sums(serving_env.path, day, day, group="strftime(interval_start_local, '%H:%M')")
    expected = {t: (o, sl) for t, o, _a, _b, sl, *_ in rows}
    semantic = {
        f"{pd.Timestamp(t):%H:%M}": (o, sl)
        for t, o, _a, _b, sl, *_ in _rows(
            _semantic(layer, serving_env, _filters(at).for_day(day), ("metric_time__minute",))
        )
    }
    fig = _figure(at, 2)
    bars = next(t for t in fig["data"] if t["type"] == "bar")
    line = next(t for t in fig["data"] if t["type"] == "scatter")
    assert len(bars["x"]) > 0
    for x, offered in zip(bars["x"], bars["y"], strict=True):
        assert offered == expected[x][0] == semantic[x][0]
    for x, y in zip(line["x"], line["y"], strict=True):
        assert y == pytest.approx(expected[x][1] * 100)
        assert y == pytest.approx(semantic[x][1] * 100)
    assert any(f"{day:%a %d %b %Y}" in m.value for m in at.markdown)


def _check_table_row(row, offered, answered, abandoned, sl, asa, aband, target):
    assert row["Offered"] == offered and row["Answered"] == answered
    assert row["Abandoned"] == abandoned
    assert row["SL %"] == pytest.approx(sl * 100)
    assert row["SL target %"] == pytest.approx(target * 100)
    assert row["ASA"] == _mmss(asa)
    assert row["Abandon %"] == pytest.approx(aband * 100)


def test_metric_switch_and_per_queue_table(at, serving_env, layer):
    at.segmented_control(key="queues_metric").set_value("ASA").run()
    assert not at.exception
    assert _figure(at, 0)["data"][0]["colorbar"]["title"]["text"] == "ASA (m:ss)"
    end = serving_env.last_day
    rows = _sums(serving_env.path, end - timedelta(days=6), end, group="queue_id")
    names = {q["queue_id"]: q["queue_name"] for q in serving_env.queues}
    table = at.dataframe[-1].value.set_index("Queue")
    assert len(table) == len(rows) == 3
    for qid, *values in rows:
        _check_table_row(table.loc[names[qid]], *values)
    semantic = _rows(_semantic(layer, serving_env, _filters(at), ("queue__queue_name",)))
    assert sorted(r[0] for r in semantic) == sorted(table.index)
    for name, *values in semantic:
        _check_table_row(table.loc[name], *values)


def _toolbars(at) -> list[tuple[str, list[str]]]:
    """Per chart/table toolbar, in page order: the CSV button's help text and the metric names
    whose catalog entries its Definitions popover shows, in order."""
    buttons, popovers = at.get("download_button"), at.get("popover")
    assert len(buttons) == len(popovers)
    return [
        (b.proto.help, re.findall(r"· `(\w+)` \(", " ".join(m.value for m in p.markdown)))
        for b, p in zip(buttons, popovers, strict=True)
    ]


def test_every_chart_and_table_offers_definitions_and_a_csv(at, serving_env):
    toolbars = _toolbars(at)
    # Heat map, lines, the day's intervals, the queue table.
    assert len(toolbars) == 4
    names = [help_text.split("“")[1].split("”")[0] for help_text, _ in toolbars]
    day = serving_env.last_day
    assert names == [
        "queues heat map Day Service level",
        "queues interval profile Service level",
        f"queues {day} intervals",
        "queues by queue",
    ]
    assert "(3 rows)" in toolbars[3][0]  # one per queue with traffic
    for _, metrics in toolbars:
        assert set(metrics) == set(METRICS)
    # The chart's metric comes first; it follows the metric switch.
    assert [m[0] for _, m in toolbars[:3]] == ["service_level"] * 3
    at.segmented_control(key="queues_metric").set_value("Abandonment").run()
    assert [m[0] for _, m in _toolbars(at)[:3]] == ["abandonment_rate"] * 3
    text = " ".join(m.value for m in at.markdown)
    assert "sum(sl_numerator) / sum(sl_denominator)" in text  # service_level's catalog formula


def test_thin_points_are_left_out_of_the_lines_and_named():
    from apps.queries.queues import thin_points_note, without_thin_points

    profile = pd.DataFrame(
        {
            "queue_name": ["A", "A", "B", "B", "C"],
            "interval": ["19:30", "20:00", "19:30", "20:00", "20:00"],
            "offered_contacts": [377, 6, 348, 1, 0],
            "answered_contacts": [349, 0, 343, 0, 0],
            "service_level": [0.59, 0.0, 0.89, 0.0, None],
            "average_speed_of_answer": [12.0, None, 8.0, None, None],
        }
    )
    drawn, thin = without_thin_points(profile, "service_level")
    assert drawn["service_level"].isna().tolist() == [False, True, False, True, True]
    assert list(thin["queue_name"]) == ["A", "B"]  # C had nothing to draw
    assert thin_points_note(thin, "service_level").startswith(
        "Not drawn: 20:00 (2 queues, 1–6 offered). A rate over fewer than 10 contacts"
    )
    # ASA is a rate over answered contacts; a count is never left out
    assert without_thin_points(profile, "average_speed_of_answer")[1].empty
    assert without_thin_points(profile, "offered_contacts")[0] is profile


def test_the_lines_leave_out_points_on_few_contacts(serving_env, layer, monkeypatch):
    """With the minimum raised above some of the fixture's queue x interval counts, exactly
    those points are not drawn, and the caption names their intervals."""
    import apps.queries.queues as queues

    f_at = _open_queues()
    f = _filters(f_at)
    sem = _semantic(layer, serving_env, f, ("queue__queue_name", INTERVAL))
    offered = {(q, t): o for q, t, o, *_ in _rows(sem)}
    with_sl = {(q, t) for q, t, _o, _a, _b, sl, *_ in _rows(sem) if sl is not None}
    minimum = sorted(offered.values())[len(offered) // 4]  # a quarter of the points are thin
    monkeypatch.setattr(queues, "MIN_PROFILE_CONTACTS", minimum)
    at = _open_queues()
    fig = _figure(at, 1)
    thin = set()
    for trace in fig["data"]:
        for x, y in zip(trace["x"], trace["y"], strict=True):
            if offered.get((trace["name"], x), 0) < minimum:
                assert y is None
                if (trace["name"], x) in with_sl:
                    thin.add(x)
            else:
                assert y is not None
    assert thin
    notes = [c.value for c in at.caption if c.value.startswith("Not drawn: ")]
    assert len(notes) == 1 and f"fewer than {minimum} contacts" in notes[0]
    assert all(x in notes[0] for x in sorted(thin)[:4])
