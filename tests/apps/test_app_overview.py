"""AppTest of the entrypoint and the Overview page against the fixture snapshot.

Expected numbers are computed from the fixture's rows by ``expected`` (plain Python sums) and
formatted here with plain f-strings, so neither the query layer nor the app's formatting
helpers are used to produce the values the page is checked against.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
LABELS = ["Offered", "Service level", "Abandon rate", "ASA", "AHT", "CSAT"]


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


@pytest.fixture
def app(serving_env):
    return sign_in(AppTest.from_file(APP, default_timeout=60))


def _metrics(at: AppTest) -> dict[str, object]:
    return {m.label: m for m in at.metric}


def test_overview_tiles_equal_the_fixture_for_the_default_last_7_days(app, serving_env, expected):
    at = app.run()
    assert not at.exception
    end = serving_env.last_day
    start = end - timedelta(days=6)
    exp = expected(serving_env, start, end)
    prev = expected(serving_env, start - timedelta(days=7), start - timedelta(days=1))
    metrics = _metrics(at)
    assert list(metrics) == LABELS
    assert [metrics[label].value for label in LABELS] == _shown(exp)
    assert metrics["Offered"].delta == f"{exp['offered'] - prev['offered']:+,}"
    sl_delta = (exp["service_level"] - prev["service_level"]) * 100
    assert metrics["Service level"].delta == f"{sl_delta:+.1f} pp"
    # The tile shows the offered-weighted target and the response count beside CSAT.
    captions = " ".join(c.value for c in at.caption)
    assert f"Target {_pct(exp['sl_target'])}" in captions
    assert f"{exp['csat_responses']} responses" in captions
    assert f"Data through **{end:%a %d %b %Y}**" in " ".join(m.value for m in at.markdown)


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


def test_filters_change_the_numbers_to_the_filtered_fixture_rows(app, serving_env, expected):
    at = app.run()
    at.selectbox(key="date_preset").set_value("Last 30 days")
    at.multiselect(key="site").set_value(["NYC"])
    at.run()
    assert not at.exception
    end = serving_env.last_day
    exp = expected(serving_env, end - timedelta(days=29), end, sites=("NYC",))
    metrics = _metrics(at)
    assert [metrics[label].value for label in LABELS] == _shown(exp)
    # The queue picker now only offers that site's queues.
    assert set(at.multiselect(key="queue").options) == {"Tech support", "Quiet queue"}


def test_custom_range_and_queue_filter(app, serving_env, expected):
    at = app.run()
    at.selectbox(key="date_preset").set_value("Custom")
    at.run()
    at.date_input(key="date_range").set_value((date(2024, 3, 4), date(2024, 3, 17)))
    at.multiselect(key="queue").set_value(["q_billing", "q_sales"])
    at.run()
    assert not at.exception
    exp = expected(
        serving_env, date(2024, 3, 4), date(2024, 3, 17), queues=("q_billing", "q_sales")
    )
    metrics = _metrics(at)
    assert [metrics[label].value for label in LABELS] == _shown(exp)


def test_queue_table_rows_equal_the_fixture(app, serving_env, expected):
    at = app.run()
    table = at.dataframe[0].value.set_index("Queue")
    end = serving_env.last_day
    start = end - timedelta(days=6)
    for q in serving_env.queues:
        exp = expected(serving_env, start, end, queues=(q["queue_id"],))
        row = table.loc[q["queue_name"]]
        assert row["Line of business"] == q["line_of_business"]
        assert row["Offered"] == exp["offered"]
        assert row["Answered"] == exp["answered"]
        assert row["Abandoned"] == exp["abandoned"]
        assert row["Responses"] == exp["csat_responses"]
        if exp["offered"]:
            assert row["SL %"] == pytest.approx(exp["service_level"] * 100)
            assert row["SL target %"] == pytest.approx(q["sl_target_pct"])
            assert row["Abandon %"] == pytest.approx(exp["abandonment_rate"] * 100)
            assert row["ASA"] == _mmss(exp["asa_seconds"])
            assert row["AHT"] == _mmss(exp["aht_seconds"])
            assert row["CSAT"] == pytest.approx(exp["csat"])
        else:
            assert row["ASA"] == "–" and row["SL target %"] == pytest.approx(q["sl_target_pct"])


def test_interval_chart_is_drawn_for_the_chosen_day(app, serving_env):
    at = app.run()
    assert len(at.get("plotly_chart")) == 1
    day = at.selectbox(key="overview_day")
    assert day.value == serving_env.last_day
    day.set_value(serving_env.last_day - timedelta(days=3)).run()
    assert not at.exception
    assert any(
        f"{serving_env.last_day - timedelta(days=3):%a %d %b %Y}" in m.value for m in at.markdown
    )


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
