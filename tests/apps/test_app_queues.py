"""AppTest of the Queues page against the fixture snapshot.

Expected numbers are computed independently with plain SQL on the fixture's
fct_queue_intervals (the semantic layer's definitions: ratios of sums, service level =
sum(sl_numerator) / sum(sl_denominator), the target = offered-weighted sl_target_pct), not
through apps.queries; the page's numbers come from MetricFlow-compiled SQL.
"""

import base64
import math
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
PAGE = "app_pages/queues.py"


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
    return _plain(fig.to_dict())


def _plain(value):
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        # plotly's typed-array encoding of a numpy array
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if value.get("shape"):
            arr = arr.reshape([int(n) for n in str(value["shape"]).split(",")])
        return _plain(arr)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def test_tiles_equal_plain_sql_for_the_default_last_7_days(at, serving_env):
    end = serving_env.last_day
    start = end - timedelta(days=6)
    offered, _answered, abandoned, sl, asa, aband, target = _sums(serving_env.path, start, end)[0]
    tiles = _tiles(at)
    assert tiles["Offered"] == f"{offered:,}"
    assert tiles["Service level"] == _pct(sl)
    assert tiles["ASA"] == _mmss(asa)
    assert tiles["Abandonment"] == _pct(aband)
    captions = " ".join(c.value for c in at.caption)
    assert f"Target {_pct(target)}" in captions
    assert f"{abandoned:,} abandoned" in captions


def test_one_queue_with_its_own_service_level_policy(at, serving_env):
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


def test_heat_map_cells_equal_sql_per_day_and_interval(at, serving_env):
    end = serving_env.last_day
    start = end - timedelta(days=6)
    rows = _sums(
        serving_env.path, start, end,
        group="interval_date, strftime(interval_start_local, '%H:%M')",
    )
    expected = {(f"{d:%a %d %b}", t): sl for d, t, _o, _a, _b, sl, *_ in rows}
    fig = _figure(at, 0)
    heat = fig["data"][0]
    assert heat["type"] == "heatmap"
    seen = 0
    for y, zrow in zip(heat["y"], heat["z"], strict=True):
        for x, z in zip(heat["x"], zrow, strict=True):
            exp = expected.get((y, x))
            if exp is None:
                assert z is None
            else:
                assert z == pytest.approx(exp * 100)
                seen += 1
    assert seen == len([v for v in expected.values() if v is not None])
    # The weekday view aggregates the same cells by day of week.
    at.segmented_control(key="queues_heat_rows").set_value("Weekday").run()
    assert not at.exception
    weekdays = _figure(at, 0)["data"][0]["y"]
    assert weekdays == sorted(weekdays) and weekdays[0] in ("1-Mon", "2-Tue", "3-Wed", "4-Thu")


def test_lines_have_one_series_per_queue_and_the_target(at, serving_env):
    fig = _figure(at, 1)
    names = {t["name"] for t in fig["data"]}
    assert names == {"Billing", "Sales", "Tech support"}  # the quiet queue has no traffic
    shapes = fig["layout"].get("shapes", [])
    assert any(s.get("line", {}).get("dash") == "dash" for s in shapes)  # target line


def test_drill_into_a_day_shows_that_days_intervals(at, serving_env):
    day = serving_env.last_day - timedelta(days=2)
    at.selectbox(key="queues_day").set_value(day).run()
    assert not at.exception
    rows = _sums(serving_env.path, day, day, group="strftime(interval_start_local, '%H:%M')")
    expected = {t: (o, sl) for t, o, _a, _b, sl, *_ in rows}
    fig = _figure(at, 2)
    bars = next(t for t in fig["data"] if t["type"] == "bar")
    line = next(t for t in fig["data"] if t["type"] == "scatter")
    for x, offered in zip(bars["x"], bars["y"], strict=True):
        assert offered == expected[x][0]
    for x, y in zip(line["x"], line["y"], strict=True):
        assert y == pytest.approx(expected[x][1] * 100)
    assert any(f"{day:%a %d %b %Y}" in m.value for m in at.markdown)


def test_metric_switch_and_per_queue_table(at, serving_env):
    at.segmented_control(key="queues_metric").set_value("ASA").run()
    assert not at.exception
    assert _figure(at, 0)["data"][0]["colorbar"]["title"]["text"] == "ASA (m:ss)"
    end = serving_env.last_day
    rows = _sums(serving_env.path, end - timedelta(days=6), end, group="queue_id")
    names = {q["queue_id"]: q["queue_name"] for q in serving_env.queues}
    table = at.dataframe[-1].value.set_index("Queue")
    for qid, offered, answered, abandoned, sl, asa, aband, target in rows:
        row = table.loc[names[qid]]
        assert row["Offered"] == offered and row["Answered"] == answered
        assert row["Abandoned"] == abandoned
        assert row["SL %"] == pytest.approx(sl * 100)
        assert row["SL target %"] == pytest.approx(target * 100)
        assert row["ASA"] == _mmss(asa)
        assert row["Abandon %"] == pytest.approx(aband * 100)
