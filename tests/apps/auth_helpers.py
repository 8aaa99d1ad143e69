"""Sign-in helpers for the app's tests.

- :func:`sign_in` (AppTest): puts a signed-in user of the given role into the session before
  the next run, the same state the sign-in form leaves (the form itself is tested in
  test_app_auth.py). Supervisors default to team ``t1`` of the fixture.
- :func:`sign_in_js` (headless Chromium): a JavaScript expression for
  ``orchestration.lib.browser.screenshot(wait_js=...)`` that fills and submits the sign-in form
  when it is shown and is true once ``ready_js`` is; use it with :func:`write_users_file` and
  ``SWITCHBOARD_USERS`` for the served app.
"""

from __future__ import annotations

import json
from pathlib import Path

from apps.auth.passwords import hash_password
from apps.auth.users import User, save_users

# Test users: fewer PBKDF2 iterations than production (the minimum accepted), same format.
TEST_ITERATIONS = 100_000
TEST_PASSWORDS = {
    "director": "director-test-pw",
    "analyst": "analyst-test-pw",
    "supervisor": "supervisor-test-pw",
}
SUPERVISOR_TEAMS = ("t1",)


def test_user(
    role: str,
    *,
    teams: tuple[str, ...] = SUPERVISOR_TEAMS,
    username: str | None = None,
    supervisor_id: str | None = None,
) -> User:
    return User(
        username=username or f"test-{role}",
        name=f"Test {role}",
        role=role,
        password_hash=hash_password(TEST_PASSWORDS[role], iterations=TEST_ITERATIONS),
        teams=teams if role == "supervisor" else (),
        supervisor_id=supervisor_id if role == "supervisor" else None,
    )


def sign_in(at, role: str = "director", **kwargs):
    """Sign an AppTest session in as ``role`` (call before ``at.run()``); returns ``at``."""
    at.session_state["auth_user"] = test_user(role, **kwargs)
    return at


def write_users_file(path: Path, roles=("director", "analyst", "supervisor")) -> Path:
    users = {u.username: u for u in (test_user(r) for r in roles)}
    save_users(path, users)
    return path


def sign_in_js(
    ready_js: str,
    role: str = "director",
    *,
    username: str | None = None,
    password: str | None = None,
) -> str:
    """A wait_js expression: submit the sign-in form once if it shows; true when ready."""
    username = json.dumps(username or f"test-{role}")
    password = json.dumps(password or TEST_PASSWORDS[role])
    return f"""(() => {{
  const form = document.querySelector('[data-testid="stForm"]');
  const inputs = form ? form.querySelectorAll('input') : [];
  if (form && inputs.length >= 2 && !window.__sbSignedIn) {{
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const fill = (el, v) => {{
      el.focus(); setter.call(el, v);
      el.dispatchEvent(new Event('input', {{bubbles: true}}));
      el.dispatchEvent(new Event('change', {{bubbles: true}}));
      el.blur();
    }};
    fill(inputs[0], {username});
    fill(inputs[1], {password});
    const button = form.querySelector('[data-testid="stFormSubmitButton"] button');
    if (button) {{ window.__sbSignedIn = true; setTimeout(() => button.click(), 300); }}
    return false;
  }}
  return !form && ({ready_js});
}})()"""
