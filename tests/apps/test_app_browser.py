"""The app served on localhost, rendered by headless Chromium at 1440x900, shows no error.

The screenshot is kept at artifacts/screenshots/overview_1440x900.png (git-ignored) so a
person can look at the layout.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from orchestration.lib.browser import (
    STREAMLIT_READY_JS,
    chromium_available,
    free_port,
    screenshot,
    wait_for_http,
)
from tests.apps.auth_helpers import sign_in_js, write_users_file

REPO = Path(__file__).resolve().parents[2]
SHOT = REPO / "artifacts" / "screenshots" / "overview_1440x900.png"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(),
        reason="Chromium is not installed at /usr/bin/chromium (.ci/run installs it)",
    ),
]

KPI_TILES_JS = "document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 6"
PLOT_JS = "!!document.querySelector('.js-plotly-plot')"
KPI_TEXT_JS = (
    "Array.from(document.querySelectorAll('[data-testid=\"stMetric\"]')).map(m => ["
    "m.querySelector('[data-testid=\"stMetricLabel\"]').innerText.trim(),"
    "m.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim()])"
)


@pytest.fixture
def served_app(serving_fixture, tmp_path):
    port = free_port()
    users = write_users_file(tmp_path / "users.toml")
    env = {
        **os.environ,
        "SWITCHBOARD_SERVING": str(serving_fixture.path),
        "SWITCHBOARD_USERS": str(users),
    }
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "apps/streamlit_app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", timeout=60)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_overview_renders_its_kpi_tiles_in_headless_chromium(served_app, serving_fixture, expected):
    result = screenshot(
        served_app,
        SHOT,
        width=1440,
        height=900,
        wait_js=sign_in_js(f"({STREAMLIT_READY_JS}) && {KPI_TILES_JS} && {PLOT_JS}"),
        collect_js=KPI_TEXT_JS,
        timeout=90,
    )
    assert SHOT.stat().st_size > 10_000
    assert result.exceptions == []
    assert result.ready, f"page did not finish rendering; see {SHOT}"
    shown = dict(result.collected)
    end = serving_fixture.last_day
    exp = expected(serving_fixture, end - timedelta(days=6), end)
    assert shown["Offered"] == f"{exp['offered']:,}"
    assert shown["Service level"] == f"{exp['service_level'] * 100:.1f}%"


AGENTS_SHOT = REPO / "artifacts" / "screenshots" / "agents_1440x900.png"
TABLE_JS = "!!document.querySelector('[data-testid=\"stDataFrame\"]')"


def test_agents_page_renders_for_a_signed_in_supervisor(served_app):
    result = screenshot(
        served_app + "agents",
        AGENTS_SHOT,
        width=1440,
        height=900,
        wait_js=sign_in_js(
            f"({STREAMLIT_READY_JS}) && {KPI_TILES_JS} && {TABLE_JS}", role="supervisor"
        ),
        collect_js="document.body.innerText",
        timeout=90,
    )
    assert result.exceptions == []
    assert result.ready, f"page did not finish rendering; see {AGENTS_SHOT}"
    assert "Agents" in result.collected and "Test supervisor" in result.collected
