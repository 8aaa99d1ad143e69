"""AppTest of the Metric catalog page against the fixture snapshot (semantic layer end to end)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")


@pytest.fixture
def app(serving_env):
    return sign_in(AppTest.from_file(APP, default_timeout=90))


def test_metric_catalog_page_lists_the_headline_metrics_and_runs_a_saved_query(
    app, serving_env, expected
):
    at = app.run()
    at.switch_page("app_pages/metric_catalog.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    names = [n.removeprefix("★ ") for n in table["Metric"]]
    assert {"service_level", "average_handle_time", "csat_score", "attrition_rate"} <= set(names)
    # The saved query "daily_service_summary" runs on the fixture: its offered total over the
    # default period equals the fixture's own sum.
    summary = at.dataframe[1].value
    start, end = (
        serving_env.last_day.replace(day=serving_env.last_day.day - 6),
        serving_env.last_day,
    )
    exp = expected(serving_env, start, end)
    assert int(summary["offered_contacts"].sum()) == exp["offered"]
    assert not at.warning


def test_metric_catalog_page_shows_a_metric_definition(app, serving_env):
    at = app.run()
    at.switch_page("app_pages/metric_catalog.py").run()
    at.selectbox(key="metric_catalog_metric").set_value("service_level").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "sum(sl_numerator) / sum(sl_denominator)" in text
