"""AppTest of the entrypoint and the Overview page against the fixture snapshot.

Two oracles for the numbers the page shows (tiles, daily trend, interval chart, queue table,
what changed), neither of them the page's own request builders or formatting helpers:

- the semantic layer: requests written out here (``MetricQuery`` with the sidebar filters as
  ``service_filters_where``) and run through ``SemanticLayer.query`` on the same snapshot;
- the fixture's raw rows: plain Python sums (``expected``, from conftest.py).

Values are formatted here with plain f-strings.
"""

import math
from datetime import date, timedelta
from pathlib import Path

import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from apps.queries.filters import ServiceFilters
from apps.queries.semantic import MetricQuery, SemanticLayer, find_manifest, service_filters_where
from tests.apps.apptest_helpers import plain
from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
LABELS = ["Offered", "Service level", "Abandon rate", "ASA", "AHT", "CSAT"]
TILE_METRICS = (
    "offered_contacts",
    "answered_contacts",
    "abandoned_contacts",
    "handled_contacts",
    "service_level",
    "service_level_target",
    "abandonment_rate",
    "average_speed_of_answer",
    "average_handle_time",
)
SURVEY_METRICS = ("csat_score", "csat_responses_metric")


def _pct(x):
    return f"{x * 100:.1f}%"


def _mmss(seconds):
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def _shown(exp: dict) -> list[str]:
    return [
        f"{exp['offered']:,}",
        _pct(exp["service_level"]),
        _pct(exp["abandonment_rate"]),
        _mmss(exp["asa_seconds"]),
        _mmss(exp["aht_seconds"]),
        f"{exp['csat']:.2f}",
    ]


@pytest.fixture(scope="module")
def layer(serving_fixture):
    return SemanticLayer(find_manifest(serving_fixture.path))


def _sem(layer, fx, f: ServiceFilters, metrics, group_by=(), order_by=()):
    """One semantic-layer request with the sidebar filters ``f``."""
    q = MetricQuery(
        metrics=tuple(metrics),
        group_by=tuple(group_by),
        where=service_filters_where(f),
        order_by=tuple(order_by),
    )
    return layer.query(q, fx.path)


def _sem_tiles(layer, fx, f: ServiceFilters) -> dict:
    """The tiles' metrics for ``f`` in the keys of ``expected`` (semantic layer)."""
    queue = _sem(layer, fx, f, TILE_METRICS).iloc[0]
    survey = _sem(layer, fx, f, SURVEY_METRICS).iloc[0]

    def value(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    return {
        "offered": int(queue["offered_contacts"]),
        "answered": int(queue["answered_contacts"]),
        "abandoned": int(queue["abandoned_contacts"]),
        "handled": int(queue["handled_contacts"]),
        "service_level": value(queue["service_level"]),
        "sl_target": value(queue["service_level_target"]),
        "abandonment_rate": value(queue["abandonment_rate"]),
        "asa_seconds": value(queue["average_speed_of_answer"]),
        "aht_seconds": value(queue["average_handle_time"]),
        "csat": value(survey["csat_score"]),
        "csat_responses": int(survey["csat_responses_metric"]),
    }


@pytest.fixture
def app(serving_env):
    return sign_in(AppTest.from_file(APP, default_timeout=60))


def _metrics(at: AppTest) -> dict[str, object]:
    return {m.label: m for m in at.metric}


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)




def _figure(at: AppTest, key: str) -> dict:
    """The figure of the chart with the widget key ``key``."""
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert len(charts) == 1, [c.proto.id for c in at.get("plotly_chart")]
    return plain(pio.from_json(charts[0].proto.spec, skip_invalid=True).to_dict())


def _default_period(fx) -> ServiceFilters:
    return ServiceFilters(fx.last_day - timedelta(days=6), fx.last_day)


# --- tiles ----------------------------------------------------------------------------------


def test_overview_tiles_equal_the_semantic_layer_and_the_fixture_rows(
    app, serving_env, layer, expected
):
    at = app.run()
    assert not at.exception
    f = _default_period(serving_env)
    prev_f = f.previous_period()
    sem, prev = _sem_tiles(layer, serving_env, f), _sem_tiles(layer, serving_env, prev_f)
    exp = expected(serving_env, f.start_date, f.end_date)
    metrics = _metrics(at)
    assert list(metrics) == LABELS
    shown = [metrics[label].value for label in LABELS]
    assert shown == _shown(sem)
    assert shown == _shown(exp)  # the plain-Python oracle agrees
    assert metrics["Offered"].delta == f"{sem['offered'] - prev['offered']:+,}"
    sl_delta = (sem["service_level"] - prev["service_level"]) * 100
    assert metrics["Service level"].delta == f"{sl_delta:+.1f} pp"
    ab_delta = (sem["abandonment_rate"] - prev["abandonment_rate"]) * 100
    assert metrics["Abandon rate"].delta == f"{ab_delta:+.1f} pp"
    assert metrics["CSAT"].delta == f"{sem['csat'] - prev['csat']:+.2f}"
    # The tile shows the offered-weighted target, its gap and the response count beside CSAT.
    captions = " ".join(c.value for c in at.caption)
    assert f"Target {_pct(sem['sl_target'])}" in captions
    assert sem["sl_target"] == pytest.approx(exp["sl_target"])
    gap = (sem["service_level"] - sem["sl_target"]) * 100
    assert f"{abs(gap):.1f} pp {'above' if gap >= 0 else 'below'}" in captions
    assert f"{sem['csat_responses']} responses" in captions
    assert f"{sem['answered']:,} answered" in captions
    assert f"Over {sem['handled']:,} handled" in captions
    assert f"Data through **{f.end_date:%a %d %b %Y}**" in _text(at)


def test_good_when_down_metrics_use_inverse_delta_colours(app):
    from streamlit.proto.Metric_pb2 import Metric

    at = app.run()
    good, bad = Metric.MetricColor.Value("GREEN"), Metric.MetricColor.Value("RED")
    metrics = _metrics(at)
    for label, good_when_down in [
        ("Service level", False),
        ("CSAT", False),
        ("Abandon rate", True),
        ("ASA", True),
        ("AHT", True),
    ]:
        m = metrics[label]
        if m.delta and m.delta.strip("+-0:. p") != "":
            went_down = m.delta.startswith("-")
            assert m.proto.color == (good if went_down == good_when_down else bad), label
    assert metrics["Offered"].proto.color == Metric.MetricColor.Value("GRAY")


def test_filters_change_the_numbers_to_the_filtered_semantic_results(
    app, serving_env, layer, expected
):
    at = app.run()
    at.selectbox(key="date_preset").set_value("Last 30 days")
    at.multiselect(key="site").set_value(["NYC"])
    at.run()
    assert not at.exception
    end = serving_env.last_day
    f = ServiceFilters(end - timedelta(days=29), end, site_ids=("NYC",))
    metrics = _metrics(at)
    shown = [metrics[label].value for label in LABELS]
    assert shown == _shown(_sem_tiles(layer, serving_env, f))
    assert shown == _shown(expected(serving_env, f.start_date, end, sites=("NYC",)))
    # The queue picker now only offers that site's queues.
    assert set(at.multiselect(key="queue").options) == {"Tech support", "Quiet queue"}


def test_custom_range_and_queue_filter(app, serving_env, layer, expected):
    at = app.run()
    at.selectbox(key="date_preset").set_value("Custom")
    at.run()
    at.date_input(key="date_range").set_value((date(2024, 3, 4), date(2024, 3, 17)))
    at.multiselect(key="queue").set_value(["q_billing", "q_sales"])
    at.run()
    assert not at.exception
    f = ServiceFilters(date(2024, 3, 4), date(2024, 3, 17), queue_ids=("q_billing", "q_sales"))
    metrics = _metrics(at)
    shown = [metrics[label].value for label in LABELS]
    assert shown == _shown(_sem_tiles(layer, serving_env, f))
    assert shown == _shown(
        expected(serving_env, f.start_date, f.end_date, queues=("q_billing", "q_sales"))
    )


# --- daily trend ----------------------------------------------------------------------------


def test_daily_trend_values_equal_the_semantic_layer_per_day(app, serving_env, layer, expected):
    at = app.run()
    assert not at.exception
    f = _default_period(serving_env)
    sem = _sem(
        layer,
        serving_env,
        f,
        (
            "offered_contacts",
            "service_level",
            "average_speed_of_answer",
            "abandonment_rate",
            "service_level_target",
        ),
        group_by=("metric_time__day",),
        order_by=("metric_time__day",),
    )
    days = [d.date().isoformat() for d in sem["metric_time__day"]]
    assert len(days) == 7
    for key, column, scale in [
        ("overview_trend_service_level", "service_level", 100),
        ("overview_trend_average_speed_of_answer", "average_speed_of_answer", 1),
        ("overview_trend_abandonment_rate", "abandonment_rate", 100),
        ("overview_trend_offered_contacts", "offered_contacts", 1),
    ]:
        fig = _figure(at, key)
        (trace,) = [t for t in fig["data"] if t.get("mode") == "lines+markers"]
        assert [str(x)[:10] for x in trace["x"]] == days, key
        assert trace["y"] == pytest.approx((sem[column] * scale).tolist()), key
        # Units on the y axis.
        title = fig["layout"]["yaxis"]["title"]["text"]
        assert title.endswith(
            {
                "service_level": "(%)",
                "abandonment_rate": "(%)",
                "average_speed_of_answer": "(m:ss)",
                "offered_contacts": "(contacts)",
            }[column]
        ), title
    # Per day, the raw rows agree (second oracle).
    sl = _figure(at, "overview_trend_service_level")
    for x, y in zip(sl["data"][0]["x"], sl["data"][0]["y"], strict=True):
        day = date.fromisoformat(str(x)[:10])
        assert y == pytest.approx(expected(serving_env, day, day)["service_level"] * 100)
    # The service-level panel carries the period's target as a dashed line; ASA is in m:ss.
    (line,) = sl["layout"]["shapes"]
    period_target = _sem_tiles(layer, serving_env, f)["sl_target"]
    assert line["y0"] == pytest.approx(period_target * 100)
    assert line["line"]["dash"] == "dash"
    asa = _figure(at, "overview_trend_average_speed_of_answer")
    assert all(":" in t for t in asa["layout"]["yaxis"]["ticktext"])


def test_one_day_has_no_trend_but_says_why(app):
    at = app.run()
    at.selectbox(key="date_preset").set_value("Latest day").run()
    assert not at.exception
    assert not [c for c in at.get("plotly_chart") if "overview_trend_" in c.proto.id]
    assert any("two or more days" in c.value for c in at.caption)


# --- interval chart -------------------------------------------------------------------------


def _interval_bars(fig: dict) -> dict[str, tuple[float, list]]:
    """label -> (service level % shown, [offered, answered, abandoned] in the hover)."""
    out = {}
    for trace in fig["data"]:
        if trace.get("type") != "bar":
            continue
        for x, y, custom in zip(trace["x"], trace["y"], trace["customdata"], strict=True):
            out[x] = (y, custom)
    return out


def _check_interval_chart(at, fx, layer, f: ServiceFilters, day: date) -> None:
    sem = _sem(
        layer,
        fx,
        f.for_day(day),
        (
            "offered_contacts",
            "answered_contacts",
            "abandoned_contacts",
            "service_level",
            "service_level_target",
        ),
        group_by=("metric_time__minute",),
        order_by=("metric_time__minute",),
    )
    active = sem.index[sem["offered_contacts"] > 0]
    span = sem.loc[active[0] : active[-1]]  # the chart spans the day's first to last contact
    sem = span[span["offered_contacts"] > 0]
    fig = _figure(at, "overview_interval_chart")
    bars = _interval_bars(fig)
    labels = [f"{t:%H:%M}" for t in sem["metric_time__minute"]]
    assert sorted(bars) == labels
    assert fig["layout"]["xaxis"]["categoryarray"] == [  # in time order
        f"{t:%H:%M}" for t in span["metric_time__minute"]
    ]
    for row in sem.itertuples():
        y, (offered, answered, abandoned) = bars[f"{row.metric_time__minute:%H:%M}"]
        assert y == pytest.approx(row.service_level * 100)
        assert (offered, answered, abandoned) == (
            row.offered_contacts,
            row.answered_contacts,
            row.abandoned_contacts,
        )
        # Raw rows of that local interval, all queues (second oracle).
        mine = [
            r
            for r in fx.intervals
            if r["interval_start_local"] == row.metric_time__minute.to_pydatetime()
        ]
        assert offered == sum(r["offered"] for r in mine)
        assert y == pytest.approx(
            100 * sum(r["sl_numerator"] for r in mine) / sum(r["sl_denominator"] for r in mine)
        )
    day_target = _sem(layer, fx, f.for_day(day), ("service_level_target",)).iloc[0, 0]
    (line,) = fig["layout"]["shapes"]
    assert line["y0"] == pytest.approx(day_target * 100)
    assert fig["layout"]["yaxis"]["title"]["text"] == "Service level (%)"


def test_interval_chart_equals_the_semantic_layer_for_the_chosen_day(app, serving_env, layer):
    at = app.run()
    f = _default_period(serving_env)
    day = at.selectbox(key="overview_day")
    assert day.value == serving_env.last_day
    _check_interval_chart(at, serving_env, layer, f, serving_env.last_day)
    other = serving_env.last_day - timedelta(days=3)
    day.set_value(other).run()
    assert not at.exception
    _check_interval_chart(at, serving_env, layer, f, other)
    day_sl = _sem(layer, serving_env, f.for_day(other), ("service_level",)).iloc[0, 0]
    assert any(f"Day total {_pct(day_sl)}" in c.value for c in at.caption)


# --- queue table ----------------------------------------------------------------------------


def test_queue_table_rows_equal_the_semantic_layer_and_the_fixture(
    app, serving_env, layer, expected
):
    at = app.run()
    table = at.dataframe[0].value.set_index("Queue")
    f = _default_period(serving_env)
    sem = _sem(
        layer, serving_env, f, TILE_METRICS, group_by=("queue", "queue__line_of_business")
    ).set_index("queue")
    survey = _sem(layer, serving_env, f, SURVEY_METRICS, group_by=("queue",)).set_index("queue")
    # Every queue the filters allow has a row, the one without contacts too.
    assert sorted(table.index) == sorted(q["queue_name"] for q in serving_env.queues)
    for q in serving_env.queues:
        row = table.loc[q["queue_name"]]
        exp = expected(serving_env, f.start_date, f.end_date, queues=(q["queue_id"],))
        assert row["Line of business"] == q["line_of_business"]
        if q["queue_id"] not in sem.index:
            assert exp["offered"] == 0
            assert (row["Offered"], row["Answered"], row["Abandoned"]) == (0, 0, 0)
            assert row["ASA"] == row["AHT"] == "–" and row["SL %"] != row["SL %"]  # NaN
            continue
        s, v = sem.loc[q["queue_id"]], survey.loc[q["queue_id"]]
        assert row["Line of business"] == s["queue__line_of_business"]
        for column, metric, oracle in [
            ("Offered", "offered_contacts", "offered"),
            ("Answered", "answered_contacts", "answered"),
            ("Abandoned", "abandoned_contacts", "abandoned"),
        ]:
            assert row[column] == s[metric] == exp[oracle], (q["queue_id"], column)
        assert row["Responses"] == v["csat_responses_metric"] == exp["csat_responses"]
        assert row["SL %"] == pytest.approx(s["service_level"] * 100)
        assert row["SL %"] == pytest.approx(exp["service_level"] * 100)
        assert row["SL target %"] == pytest.approx(s["service_level_target"] * 100)
        assert row["SL target %"] == pytest.approx(q["sl_target_pct"])
        assert row["SL vs target"] == pytest.approx(
            (s["service_level"] - s["service_level_target"]) * 100
        )
        assert row["Abandon %"] == pytest.approx(s["abandonment_rate"] * 100)
        assert row["ASA"] == _mmss(s["average_speed_of_answer"]) == _mmss(exp["asa_seconds"])
        assert row["AHT"] == _mmss(s["average_handle_time"]) == _mmss(exp["aht_seconds"])
        assert row["CSAT"] == pytest.approx(v["csat_score"])
        assert row["CSAT"] == pytest.approx(exp["csat"])


def test_queue_table_follows_the_site_filter(app, serving_env):
    at = app.run()
    at.multiselect(key="site").set_value(["LON"]).run()
    assert not at.exception
    assert sorted(at.dataframe[0].value["Queue"]) == ["Billing", "Sales"]


# --- what changed ---------------------------------------------------------------------------


def test_what_changed_names_the_queues_that_moved_most(app, serving_env, layer):
    at = app.run()
    assert not at.exception
    f = _default_period(serving_env)
    metrics = ("offered_contacts", "service_level")
    cur = _sem(layer, serving_env, f, metrics, group_by=("queue", "queue__queue_name"))
    prev = _sem(layer, serving_env, f.previous_period(), metrics, group_by=("queue",))
    both = cur.merge(prev, on="queue", suffixes=("", "_prev"))
    both["sl_change"] = both["service_level"] - both["service_level_prev"]
    both["volume_change"] = both["offered_contacts"] - both["offered_contacts_prev"]
    names = tuple(f"- **{q['queue_name']}**: " for q in serving_env.queues)
    lines = [line for line in _text(at).splitlines() if line.startswith(names)]
    sl_lines = [line for line in lines if "service level" in line]
    volume_lines = [line for line in lines if "offered" in line]
    moved = both[both["sl_change"].abs() >= 0.01].sort_values("sl_change", key=abs, ascending=False)
    still = both[both["sl_change"].abs() < 0.01]
    assert len(moved) >= 1 and len(still) >= 1  # the fixture has both kinds
    assert len(sl_lines) == min(len(moved), 3)
    for line, r in zip(sl_lines, moved.itertuples(), strict=False):
        assert line.startswith(f"- **{r.queue__queue_name}**: service level ")
        assert ("rose" if r.sl_change > 0 else "fell") in line
        line = line.replace("\u00a0", " ")  # the page keeps numbers and units together
        assert f"{abs(r.sl_change) * 100:.1f} pp" in line
        assert f"{_pct(r.service_level_prev)} → {_pct(r.service_level)}" in line
    for r in still.itertuples():
        assert not any(line.startswith(f"- **{r.queue__queue_name}**:") for line in sl_lines)
    share = both["volume_change"] / both["offered_contacts_prev"]
    vol = both[share.abs() >= 0.05].sort_values("volume_change", key=abs, ascending=False)
    assert len(volume_lines) == min(len(vol), 3) >= 1
    for line, r in zip(volume_lines, vol.itertuples(), strict=False):
        line = line.replace("\u00a0", " ")
        assert line.startswith(f"- **{r.queue__queue_name}**: offered ")
        assert ("up" if r.volume_change > 0 else "down") in line
        assert f"{abs(r.volume_change / r.offered_contacts_prev) * 100:.0f}%" in line
        assert f"{r.offered_contacts_prev:,} → {r.offered_contacts:,}" in line


# --- definitions and downloads ----------------------------------------------------------------


def test_every_chart_and_table_offers_definitions_and_a_csv_and_tiles_explain_themselves(app):
    at = app.run()
    downloads = {b.proto.id.rsplit("-", 1)[-1]: b.proto for b in at.get("download_button")}
    assert set(downloads) == {
        "overview_trend_csv",
        "overview_intervals_csv",
        "overview_changes_csv",
        "overview_queues_csv",
    }
    assert "(7 rows)" in downloads["overview_trend_csv"].help
    assert "(4 rows)" in downloads["overview_queues_csv"].help  # every queue, one row each
    assert len(at.get("popover")) == 4
    text = _text(at)
    # Catalog entries (formulas) in the Definitions popovers.
    for formula in (
        "sum(sl_numerator) / sum(sl_denominator)",
        "sum(answered_wait_seconds) / sum(answered)",
        "sum(abandoned) / sum(offered)",
    ):
        assert formula in text
    # Each tile's `?` is the metric's catalog entry.
    helps = {m.label: m.proto.help for m in at.metric}
    for label, name in [
        ("Offered", "offered_contacts"),
        ("Service level", "service_level"),
        ("Abandon rate", "abandonment_rate"),
        ("ASA", "average_speed_of_answer"),
        ("AHT", "average_handle_time"),
        ("CSAT", "csat_score"),
    ]:
        assert f"(`{name}`)" in helps[label] and "Formula:" in helps[label], label


# --- entrypoint behaviour -----------------------------------------------------------------------


def test_filters_persist_in_global_session_state_keys(app):
    at = app.run()
    at.multiselect(key="line_of_business").set_value(["Care"]).run()
    assert at.session_state["line_of_business"] == ["Care"]
    assert at.session_state["service_filters"].lines_of_business == ("Care",)


def test_without_a_snapshot_the_app_says_how_to_build_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_SERVING", str(tmp_path / "missing" / "warehouse.duckdb"))
    at = sign_in(AppTest.from_file(APP, default_timeout=60)).run()
    assert not at.exception
    assert not at.metric
    text = " ".join(i.value for i in at.info)
    assert "make demo" in text and "make build" in text


def test_a_selection_without_traffic_shows_dashes_not_errors(app):
    at = app.run()
    at.multiselect(key="queue").set_value(["q_quiet"]).run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Offered"] == "0"
    assert values["Service level"] == values["ASA"] == values["CSAT"] == "–"
    assert any("No contacts" in i.value for i in at.info)
    assert "No contacts in the previous period" in _text(at)
