"""Every page of the app, signed in, rendered by headless Chromium at 1440x900, shows no error.

The pages are read from the entrypoint's navigation (every ``url_path=`` in
apps/streamlit_app.py), so a page added later is visited too. Each visit opens a fresh browser
session, signs in through the form (tests/apps/auth_helpers.sign_in_js) as a director, clicks
the page's link in the sidebar navigation and waits until Streamlit has finished running it.
Each page's headline (its first KPI tile, ``stMetric``, or its title when it has no tiles) must
lie inside the 900 px viewport without scrolling (issue #6: "no page needs scrolling to see its
headline"). Screenshots: artifacts/screenshots/page_<url_path>_1440x900.png (git-ignored) for a
person to look at the layout. The snapshot is the six-week demo built through the real pipeline
(tests/supervision_demo.py, cached in pytest's cache directory; the first run builds it, 2-3
minutes).

On the small hand-written snapshot of conftest.py, whose numbers are known, two more checks:
the Overview's KPI tiles and chart render and show the fixture's Offered and Service level
(artifacts/screenshots/overview_1440x900.png), and the Agents page renders for a signed-in
supervisor (agents_1440x900.png).
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
from tests.supervision_demo import build_demo

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(),
        reason="Chromium is not installed at /usr/bin/chromium (.ci/run installs it)",
    ),
]


def _pages() -> list[tuple[str, bool]]:
    """(url_path, is_default) of every page in the entrypoint's navigation."""
    text = (REPO / "apps" / "streamlit_app.py").read_text()
    pages = []
    for block in re.findall(r"st\.Page\((.*?)\n\s*\)", text, flags=re.S):
        m = re.search(r'url_path="([^"]+)"', block)
        if m:
            pages.append((m.group(1), "default=True" in block))
    return pages


PAGES = _pages()


def _nav_js(url_path: str, is_default: bool) -> str:
    """Click the page's sidebar link once; true when that page has rendered."""
    ends = f"location.pathname.endsWith('/{url_path}')"
    path_ok = f"(location.pathname === '/' || {ends})" if is_default else ends
    return (
        "(() => {"
        f" if (!{path_ok}) {{"
        "  const link = document.querySelector("
        f"   '[data-testid=\"stSidebarNav\"] a[href$=\"/{url_path}\"]');"
        "  if (link && !window.__sbNav) { window.__sbNav = true; link.click(); }"
        "  return false; }"
        f" return {STREAMLIT_READY_JS}; }})()"
    )


@contextmanager
def _serve(serving: Path, folder: Path) -> Iterator[str]:
    """``streamlit run apps/streamlit_app.py`` on a free port over ``serving``, with the test
    users of auth_helpers; yields the base URL (no trailing slash)."""
    users = write_users_file(folder / "users.toml")
    port = free_port()
    env = {
        **os.environ,
        "SWITCHBOARD_SERVING": str(serving),
        "SWITCHBOARD_USERS": str(users),
    }
    log = (folder / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "apps/streamlit_app.py",
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def served_app(request, tmp_path_factory):
    # The demo built through the real pipeline (cached across sessions by
    # tests/supervision_demo.py): every mart every page reads exists in it, unlike the small
    # hand-written fixture of conftest.py.
    demo = build_demo(Path(request.config.cache.mkdir("supervision_demo")))
    with _serve(demo.serving, tmp_path_factory.mktemp("browser_all")) as url:
        yield url


@pytest.fixture(scope="module")
def served_fixture_app(serving_fixture, tmp_path_factory):
    """The app over conftest.py's small snapshot, whose KPIs are known (``expected``)."""
    with _serve(serving_fixture.path, tmp_path_factory.mktemp("browser_fixture")) as url:
        yield url


def test_the_navigation_lists_the_issue_pages():
    paths = {p for p, _ in PAGES}
    assert {"overview", "queues", "customer-voice", "quality", "data-health"} <= paths


VIEWPORT = (1440, 900)

# The page's headline: the first visible KPI tile in the main area, else the page title (the
# first visible heading). Visible = has a box (tiles in a hidden tab have none).
HEADLINE_JS = """(() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return null;
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const tile = Array.from(main.querySelectorAll('[data-testid="stMetric"]')).find(shown);
  const title = Array.from(main.querySelectorAll('h1, h2')).find(shown);
  const el = tile || title;
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {kind: tile ? 'metric' : 'title', text: el.innerText.trim().slice(0, 60),
          top: r.top, bottom: r.bottom};
})()"""
# How far any scroll container has scrolled (0 when the page is seen as it opens).
SCROLLED_JS = (
    "Math.max(window.scrollY, ...Array.from(document.querySelectorAll("
    '\'[data-testid="stMain"], [data-testid="stAppViewContainer"], '
    '[data-testid="stAppScrollToBottomContainer"], section.main\'))'
    ".map(e => e.scrollTop))"
)
# Ready: rendered, and the headline exists (tiles or title drawn, not a skeleton).
HEADLINE_READY_JS = f"!!({HEADLINE_JS})"
# Every table's drawn height and its grid's row count (the header is a row of aria-rowcount).
TABLES_JS = """Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).map(e => {
  const grid = e.querySelector('[aria-rowcount]');
  return {height: e.getBoundingClientRect().height,
          rows: grid ? Number(grid.getAttribute('aria-rowcount')) - 1 : null};
})"""
PAGE_STATE_JS = (
    "({errors: Array.from(document.querySelectorAll('[data-testid=\"stAlertContentError\"]'))"
    f".map(e => e.innerText), headline: {HEADLINE_JS}, scrolled: {SCROLLED_JS}, "
    f"viewport: window.innerHeight, tables: {TABLES_JS}}})"
)
# st.dataframe's rows are 35 px under a 38 px header (apps.components.tables.fitted_height).
ROW_PX, HEADER_PX = 35, 40


def _assert_headline_in_view(state: dict, page: str, shot: Path) -> None:
    headline = state["headline"]
    assert headline is not None, f"{page}: no KPI tile and no title found; see {shot}"
    assert state["viewport"] == VIEWPORT[1]
    assert state["scrolled"] == 0, f"{page}: the page was scrolled ({state['scrolled']} px)"
    assert 0 <= headline["top"] and headline["bottom"] <= VIEWPORT[1], (
        f"{page}: headline {headline['kind']} {headline['text']!r} spans "
        f"{headline['top']:.0f}-{headline['bottom']:.0f} px, outside the {VIEWPORT[1]} px "
        f"viewport; see {shot}"
    )


@pytest.mark.parametrize(("url_path", "is_default"), PAGES, ids=[p for p, _ in PAGES])
def test_page_renders_signed_in_without_an_exception_and_shows_its_headline(
    served_app, url_path, is_default
):
    out = SHOTS / f"page_{url_path}_1440x900.png"
    result = screenshot(
        f"{served_app}/",
        out,
        width=VIEWPORT[0],
        height=VIEWPORT[1],
        wait_js=sign_in_js(f"{_nav_js(url_path, is_default)} && {HEADLINE_READY_JS}"),
        timeout=120,
        settle=1.5,
        collect_js=PAGE_STATE_JS,
    )
    assert result.ready, f"{url_path} did not finish rendering; see {out}"
    assert result.exceptions == [], result.exceptions
    state = result.collected
    assert state["errors"] == [], f"error boxes on {url_path}: {state['errors']}"
    _assert_headline_in_view(state, url_path, out)
    # No table is taller than its rows: a fixed height left empty rows under a short table.
    # (a table in a hidden tab has no box, and one whose grid is not drawn yet no row count)
    for table in (t for t in state["tables"] if t["height"] > 0 and t["rows"] is not None):
        assert table["height"] <= HEADER_PX + ROW_PX * max(table["rows"], 1) + 2, (
            f"{url_path}: a table of {table['rows']} rows is {table['height']:.0f} px tall "
            f"(empty rows under it); see {out}"
        )
    if url_path == "overview":
        assert state["headline"]["kind"] == "metric", state["headline"]
    assert out.stat().st_size > 10_000


KPI_TILES_JS = "document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 6"
PLOT_JS = "!!document.querySelector('.js-plotly-plot')"
TABLE_JS = "!!document.querySelector('[data-testid=\"stDataFrame\"]')"
KPI_TEXT_JS = (
    "Array.from(document.querySelectorAll('[data-testid=\"stMetric\"]')).map(m => ["
    "m.querySelector('[data-testid=\"stMetricLabel\"]').innerText.trim(),"
    "m.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim()])"
)


def test_overview_kpi_tiles_show_the_fixture_numbers(served_fixture_app, serving_fixture, expected):
    out = SHOTS / "overview_1440x900.png"
    result = screenshot(
        f"{served_fixture_app}/",
        out,
        width=1440,
        height=900,
        wait_js=sign_in_js(f"({STREAMLIT_READY_JS}) && {KPI_TILES_JS} && {PLOT_JS}"),
        collect_js=(
            f"({{kpis: {KPI_TEXT_JS}, state: {PAGE_STATE_JS}, tile_bottoms: "
            "Array.from(document.querySelectorAll('[data-testid=\"stMetric\"]'))"
            ".map(m => m.getBoundingClientRect().bottom)})"
        ),
        timeout=90,
        settle=1.5,
    )
    assert out.stat().st_size > 10_000
    assert result.exceptions == []
    assert result.ready, f"page did not finish rendering; see {out}"
    state = result.collected["state"]
    assert state["errors"] == []
    _assert_headline_in_view(state, "overview (fixture)", out)
    # All six tiles, not only the first, are in view at 1440x900.
    bottoms = result.collected["tile_bottoms"]
    assert len(bottoms) == 6 and max(bottoms) <= VIEWPORT[1], bottoms
    shown = dict(result.collected["kpis"])
    end = serving_fixture.last_day
    exp = expected(serving_fixture, end - timedelta(days=6), end)
    assert shown["Offered"] == f"{exp['offered']:,}"
    assert shown["Service level"] == f"{exp['service_level'] * 100:.1f}%"


def test_agents_page_renders_for_a_signed_in_supervisor(served_fixture_app):
    out = SHOTS / "agents_1440x900.png"
    result = screenshot(
        f"{served_fixture_app}/agents",
        out,
        width=1440,
        height=900,
        wait_js=sign_in_js(
            f"({STREAMLIT_READY_JS}) && {KPI_TILES_JS} && {TABLE_JS}", role="supervisor"
        ),
        collect_js="document.body.innerText",
        timeout=90,
    )
    assert result.exceptions == []
    assert result.ready, f"page did not finish rendering; see {out}"
    assert "Agents" in result.collected and "Test supervisor" in result.collected
