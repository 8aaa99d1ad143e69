"""Switchboard's Streamlit entrypoint: page config, shared sidebar filters, navigation.

Run from the repository root: ``uv run streamlit run apps/streamlit_app.py``.
Pages live in ``app_pages/`` and hold layout only; numbers come from ``apps.queries.api``.
"""

import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
# Streamlit puts the script's folder on sys.path, not the repository root; the app imports
# ``apps.*`` and ``orchestration.settings`` as packages, so add the root once.
if str(APP_DIR.parent) not in sys.path:
    sys.path.insert(0, str(APP_DIR.parent))

import duckdb  # noqa: E402
import streamlit as st  # noqa: E402

from apps.auth.session import current_user, render_user_box, require_user  # noqa: E402
from apps.components.filters import render_sidebar_filters  # noqa: E402
from apps.queries import api  # noqa: E402
from apps.queries.connection import serving_path  # noqa: E402
from apps.queries.semantic import SemanticManifestMissingError, find_manifest  # noqa: E402

st.set_page_config(
    page_title="Switchboard",
    page_icon=":material/headset_mic:",
    layout="wide",
    initial_sidebar_state="expanded",
)

# Streamlit's default top padding (6rem) pushes the KPI tiles down; leadership pages must show
# their headline at 1440x900 without scrolling, so tighten it. A style-only st.html takes no space.
st.html("<style>[data-testid='stMainBlockContainer']{padding:3rem 2.5rem 2rem 2.5rem}</style>")

# Pages grouped by audience; later issues add Queues, Agents, Customer voice, Quality and
# Data health to these groups. Only pages that work are listed.
PAGES = {
    "Service": [
        st.Page(
            APP_DIR / "app_pages" / "overview.py",
            title="Overview",
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            APP_DIR / "app_pages" / "queues.py",
            title="Queues",
            icon=":material/call_split:",
            url_path="queues",
        ),
        st.Page(
            APP_DIR / "app_pages" / "customer_voice.py",
            title="Customer voice",
            icon=":material/reviews:",
            url_path="customer-voice",
        ),
    ],
    "Planning": [
        st.Page(
            APP_DIR / "app_pages" / "staffing.py",
            title="Staffing",
            icon=":material/groups:",
            url_path="staffing",
        ),
    ],
    "People": [
        st.Page(
            APP_DIR / "app_pages" / "agents.py",
            title="Agents",
            icon=":material/support_agent:",
            url_path="agents",
        ),
        st.Page(
            APP_DIR / "app_pages" / "quality.py",
            title="Quality",
            icon=":material/fact_check:",
            url_path="quality",
        ),
        st.Page(
            APP_DIR / "app_pages" / "my_team.py",
            title="My team",
            icon=":material/diversity_3:",
            url_path="my-team",
        ),
        st.Page(
            APP_DIR / "app_pages" / "workforce.py",
            title="Workforce",
            icon=":material/badge:",
            url_path="workforce",
        ),
    ],
    "Reference": [
        st.Page(
            APP_DIR / "app_pages" / "metric_catalog.py",
            title="Metric catalog",
            icon=":material/menu_book:",
            url_path="metric-catalog",
        ),
        st.Page(
            APP_DIR / "app_pages" / "data_health.py",
            title="Data health",
            icon=":material/monitor_heart:",
            url_path="data-health",
        ),
    ],
}


def _stop_with(message: str) -> None:
    st.title("Switchboard")
    st.info(message, icon=":material/info:")
    st.stop()


# Sign-in comes before anything else: without a signed-in user this shows the form and stops.
# The navigation is declared first (hidden until sign-in) so a deep link such as /agents opens
# that page once the user has signed in.
page = st.navigation(PAGES, position="sidebar" if current_user() else "hidden")
user = require_user()

if not api.snapshot_exists():
    _stop_with(
        f"No published data yet: the serving snapshot `{serving_path()}` does not exist.\n\n"
        "Run `make demo` to generate demo exports, build the warehouse and publish it, or "
        "`make build` to build from your own files in the landing folder. Then reload this page."
    )

try:
    semantic_manifest = find_manifest()
except SemanticManifestMissingError as exc:
    _stop_with(f"The semantic layer is not parsed yet: {exc}")

try:
    options = api.filter_options()
except duckdb.Error as exc:
    _stop_with(
        f"The serving snapshot `{serving_path()}` cannot be read ({type(exc).__name__}: "
        f"{str(exc).splitlines()[0]}). Run `make build` to publish a complete snapshot."
    )

# The access context (role and, for supervisors, the teams whose agents they may see) is what
# the data-access layer enforces; pages read it from session state through api.current_access().
access = api.access_for(user)
st.session_state[api.KEY_ACCESS] = access
render_user_box(
    user,
    "all agents"
    if access.agent_team_ids is None
    else "agents of " + (", ".join(access.agent_team_ids) or "no team"),
)
render_sidebar_filters(options, api.team_options())
page.run()
