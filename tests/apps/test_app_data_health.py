"""AppTest of the Data health page against the fixture's ops schema (tests/apps/fixture_pages.py):
one failed critical expectation and one drift warning in the latest evaluation (an older,
since-fixed failure must not count), three quarantined rows, one rejected file."""

from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from tests.apps.auth_helpers import sign_in

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
PAGE = "app_pages/data_health.py"


def _query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_data_health_tiles_and_tables(serving_env):
    at = sign_in(AppTest.from_file(APP, default_timeout=120))
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Failed checks"] == "1 critical"
    quarantined = _query(serving_env.path, "select count(*) from ops.quarantine")[0][0]
    assert tiles["Quarantined rows"] == f"{quarantined:,}"
    assert tiles["Accounting"] == "Balanced"
    captions = " ".join(c.value for c in at.caption)
    assert "1 warnings · 2 checks" in captions
    assert "1 file(s) rejected" in captions
    frames = [d.value for d in at.dataframe]
    fresh, checks, failed, qcounts, qrows, accounting = frames
    calls = fresh.set_index("Source").loc["acd/calls"]
    assert calls["Files"] == 2
    assert calls["Rows loaded"] == 247 and calls["Quarantined"] == 2
    assert set(failed["Expectation"]) == {
        "expect_column_values_to_be_between",
        "expect_column_mean_to_be_between",
    }
    assert set(checks["Status"]) == {"✖ critical", "▲ warning"}
    assert qcounts.set_index("Table").loc["acd/calls", "Rows"] == 2
    assert set(qrows["Line"]) == {17, 42, 9}
    assert all(qrows["Reason"].str.len() > 0)
    assert len(accounting) == 4
    assert (accounting["Read"] == accounting["Loaded"] + accounting["Quarantined"]
            + accounting["Duplicates"]).all()
