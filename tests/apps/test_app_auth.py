"""Sign-in: password hashing, the users file, the admin CLI and the sign-in form (AppTest)."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apps.auth import __main__ as cli
from apps.auth.demo import DEMO_USERS
from apps.auth.passwords import hash_password, is_password_hash, verify_password
from apps.auth.users import UsersFileError, authenticate, load_users, parse_users
from orchestration.settings import DEFAULT_USERS_PATH, get_settings
from tests.apps.auth_helpers import TEST_PASSWORDS, write_users_file

APP = str(Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py")
FAST = 100_000  # the minimum accepted iteration count, to keep the tests quick


def test_hash_verification_accepts_the_password_and_rejects_others():
    stored = hash_password("correct horse", iterations=FAST)
    assert is_password_hash(stored) and stored.startswith("pbkdf2_sha256$100000$")
    assert verify_password("correct horse", stored)
    assert not verify_password("correct hors", stored)
    assert not verify_password("", stored)
    # Salted: the same password hashes differently each time, and both verify.
    again = hash_password("correct horse", iterations=FAST)
    assert again != stored and verify_password("correct horse", again)


def test_malformed_or_weak_hashes_never_verify():
    good = hash_password("pw-123456", iterations=FAST)
    _, n, salt, digest = good.split("$")
    assert not verify_password("pw-123456", "pw-123456")  # a plain password is not a hash
    assert not verify_password("pw-123456", f"md5${n}${salt}${digest}")
    assert not verify_password("pw-123456", f"pbkdf2_sha256$1000${salt}${digest}")
    assert not verify_password("pw-123456", f"pbkdf2_sha256${n}$!!${digest}")


def test_the_committed_users_file_has_only_hashes_and_the_demo_users():
    text = DEFAULT_USERS_PATH.read_text()
    data = tomllib.loads(text)
    users = load_users(DEFAULT_USERS_PATH)
    assert {d.username for d in DEMO_USERS} == set(users)
    for entry in data["users"].values():
        assert set(entry) <= {"name", "role", "teams", "supervisor_id", "password_hash"}
        assert is_password_hash(entry["password_hash"])
        assert int(entry["password_hash"].split("$")[1]) >= 600_000
    for demo in DEMO_USERS:
        assert demo.password not in text  # no plain password anywhere in the file
    roles = [u.role for u in users.values()]
    assert roles.count("director") == 1 and roles.count("analyst") == 1
    assert {t for u in users.values() for t in u.teams} >= {
        "T-LON-1",
        "T-LON-2",
        "T-NYC-1",
        "T-NYC-2",
    }


def test_demo_passwords_match_their_hashes():
    users = load_users(DEFAULT_USERS_PATH)
    demo = {d.username: d for d in DEMO_USERS}
    # One of each role (each check costs ~0.5 s at 600,000 iterations).
    for name in ("director", "analyst", "sup-lon-1"):
        assert authenticate(users, name, demo[name].password) == users[name]
        assert authenticate(users, name, demo[name].password + "x") is None
    assert authenticate(users, "nobody", "director-demo") is None


def test_a_plain_password_or_unknown_role_in_the_file_is_rejected():
    with pytest.raises(UsersFileError, match="plain"):
        parse_users('[users.x]\nrole = "director"\npassword = "secret"\n')
    with pytest.raises(UsersFileError, match="not a pbkdf2"):
        parse_users('[users.x]\nrole = "director"\npassword_hash = "secret"\n')
    with pytest.raises(UsersFileError, match="role"):
        parse_users(
            f'[users.x]\nrole = "admin"\npassword_hash = "{hash_password("p", iterations=FAST)}"\n'
        )


def test_the_users_file_location_comes_from_settings(tmp_path):
    assert get_settings({}).users_path == DEFAULT_USERS_PATH
    other = tmp_path / "users.toml"
    assert get_settings({"SWITCHBOARD_USERS": str(other)}).users_path == other


def test_cli_adds_a_user_with_a_hashed_password(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert (
        cli.main(
            [
                "--file",
                str(path),
                "add-user",
                "maria",
                "--role",
                "supervisor",
                "--team",
                "T-LON-1",
                "--name",
                "Maria",
                "--password-stdin",
            ]
        )
        == 0
    )
    text = path.read_text()
    assert "a-long-password" not in text
    user = load_users(path)["maria"]
    assert user.role == "supervisor" and user.teams == ("T-LON-1",)
    assert verify_password("a-long-password", user.password_hash)
    # Adding the same name again needs --replace; a supervisor needs a team.
    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert (
        cli.main(
            ["--file", str(path), "add-user", "maria", "--role", "analyst", "--password-stdin"]
        )
        == 1
    )
    assert (
        cli.main(
            ["--file", str(path), "add-user", "bob", "--role", "supervisor", "--password-stdin"]
        )
        == 1
    )
    assert cli.main(["--file", str(path), "list-users"]) == 0
    assert "maria" in capsys.readouterr().out


def test_cli_lists_the_demo_users_with_their_passwords(capsys):
    assert cli.main(["--file", str(DEFAULT_USERS_PATH), "list-demo-users"]) == 0
    out = capsys.readouterr().out
    for demo in DEMO_USERS:
        assert demo.username in out and demo.password in out


# --- The sign-in form ------------------------------------------------------------------------


@pytest.fixture
def users_file(tmp_path, monkeypatch, serving_env):
    path = write_users_file(tmp_path / "users.toml")
    monkeypatch.setenv("SWITCHBOARD_USERS", str(path))
    return path


def _sign_in_with_form(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="auth_username").input(username)
    at.text_input(key="auth_password").input(password)
    at.button[0].click().run()
    return at


def test_the_sign_in_form_comes_before_any_page(users_file):
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert at.text_input(key="auth_username") is not None
    assert not at.metric and not at.dataframe  # no page content before sign-in
    assert "auth_user" not in at.session_state


def test_a_wrong_password_is_rejected(users_file):
    at = AppTest.from_file(APP, default_timeout=90).run()
    _sign_in_with_form(at, "test-director", "wrong-password")
    assert not at.exception
    assert "auth_user" not in at.session_state
    assert any("Wrong user name or password" in e.value for e in at.error)
    assert not at.metric
    # An unknown user gets the same answer.
    _sign_in_with_form(at, "nobody", TEST_PASSWORDS["director"])
    assert "auth_user" not in at.session_state


def test_signing_in_shows_the_app_and_who_is_signed_in_and_signing_out_returns(users_file):
    at = AppTest.from_file(APP, default_timeout=90).run()
    _sign_in_with_form(at, "test-supervisor", TEST_PASSWORDS["supervisor"])
    assert not at.exception
    assert at.session_state["auth_user"].role == "supervisor"
    assert at.metric  # the Overview tiles
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert "Test supervisor" in sidebar and "Supervisor" in sidebar and "t1" in sidebar
    # The typed password is not kept in the session.
    assert at.session_state["auth_password"] == ""
    at.button(key="auth_sign_out").click().run()
    assert "auth_user" not in at.session_state
    assert not at.metric


def test_a_missing_users_file_explains_how_to_add_users(tmp_path, monkeypatch, serving_env):
    monkeypatch.setenv("SWITCHBOARD_USERS", str(tmp_path / "none.toml"))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert any("add-user" in e.value for e in at.error)
