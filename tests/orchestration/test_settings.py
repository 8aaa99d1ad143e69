"""orchestration/settings.py: the environment's knobs reach dbt, and a bad value is refused by name."""

from __future__ import annotations

import os
from argparse import Namespace

import pytest

from orchestration.settings import DBT_PROJECT_DIR, get_settings


def _dbt_profile(env: dict[str, str]):
    """The profile dbt reads from dbt_project/profiles.yml under ``env`` (dbt's own renderer)."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    set_invocation_context({**os.environ, **env})
    set_from_args(Namespace(), None)
    raw = read_profile(str(DBT_PROJECT_DIR))
    return Profile.from_raw_profiles(raw, "switchboard", ProfileRenderer({}))


def _dbt_profile_threads(env: dict[str, str]) -> int:
    return _dbt_profile(env).threads


def test_dbt_threads_default_to_two_and_follow_the_variable():
    assert get_settings({}).dbt_threads == 2
    assert _dbt_profile_threads(get_settings({}).env_for_subprocesses()) == 2
    settings = get_settings({"SWITCHBOARD_DBT_THREADS": "6"})
    assert settings.dbt_threads == 6
    assert settings.env_for_subprocesses()["SWITCHBOARD_DBT_THREADS"] == "6"
    assert _dbt_profile_threads(settings.env_for_subprocesses()) == 6


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1.5"])
def test_a_bad_thread_count_is_refused_by_name(bad):
    with pytest.raises(ValueError, match=f"SWITCHBOARD_DBT_THREADS={bad!r}"):
        get_settings({"SWITCHBOARD_DBT_THREADS": bad})


def test_dbt_opens_the_warehouse_with_its_settings_once_not_per_cursor(tmp_path):
    """The DuckDB settings are database-wide options given when dbt opens the file, and none is a
    per-cursor SET (dbt-duckdb runs `settings:` on each node's cursor, where a SET waits for the
    other thread's statement)."""
    from dbt.adapters.duckdb.environments import Environment

    env = get_settings({"SWITCHBOARD_DUCKDB_MEMORY_LIMIT": "3GB"}).env_for_subprocesses()
    creds = _dbt_profile({**env, "SWITCHBOARD_WAREHOUSE": str(tmp_path / "w.duckdb")}).credentials
    assert not creds.settings
    con = Environment.initialize_db(creds, {})
    try:
        cursor = Environment.initialize_cursor(creds, con.cursor(), {})
        got = cursor.execute(
            "select current_setting('memory_limit'), current_setting('preserve_insertion_order'),"
            " current_setting('checkpoint_threshold')"
        ).fetchone()
    finally:
        con.close()
    assert got == ("2.7 GiB", False, "953.6 MiB")  # 3 GB, 1 GB in DuckDB's binary units
