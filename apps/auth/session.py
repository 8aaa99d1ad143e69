"""The sign-in gate and the signed-in user's box in the sidebar (Streamlit).

The entrypoint calls :func:`require_user` before any page: without a signed-in user it shows
the sign-in form and stops the run. The user lives in ``st.session_state`` (server side, per
browser session); :func:`render_user_box` shows who is signed in with a sign-out button. The
access context the queries take is derived from the user by ``apps.queries.api.current_access``.
"""

from __future__ import annotations

import streamlit as st

from apps.auth.users import ROLE_LABELS, User, UsersFileError, authenticate, load_users
from orchestration.settings import get_settings

KEY_USER = "auth_user"
KEY_ERROR = "auth_error"


def current_user() -> User | None:
    return st.session_state.get(KEY_USER)


def _sign_in(users: dict[str, User]) -> None:
    user = authenticate(
        users, st.session_state.get("auth_username", ""), st.session_state.get("auth_password", "")
    )
    if user is None:
        st.session_state[KEY_ERROR] = "Wrong user name or password."
    else:
        st.session_state.pop(KEY_ERROR, None)
        st.session_state[KEY_USER] = user
    # Never keep the typed password in the session.
    st.session_state["auth_password"] = ""


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        # Drop the user and every page's remembered choices; the next user starts clean.
        del st.session_state[key]


def require_user() -> User:
    """The signed-in user; otherwise render the sign-in form and stop this run."""
    user = current_user()
    if user is not None:
        return user
    path = get_settings().users_path
    try:
        users = load_users(path)
    except UsersFileError as exc:
        st.title("Switchboard")
        st.error(f"Sign-in is not configured: {exc}", icon=":material/lock:")
        st.stop()
    _, middle, _ = st.columns([1, 1.2, 1])
    with middle:
        st.markdown("## Switchboard")
        st.caption("Contact-center analytics · sign in to continue")
        with st.form("auth_form", border=True):
            st.text_input("User name", key="auth_username", autocomplete="username")
            st.text_input(
                "Password", type="password", key="auth_password", autocomplete="current-password"
            )
            st.form_submit_button(
                "Sign in", type="primary", on_click=_sign_in, args=(users,), width="stretch"
            )
        if st.session_state.get(KEY_ERROR):
            st.error(st.session_state[KEY_ERROR], icon=":material/error:")
        st.caption(
            "Demo data? `uv run python -m apps.auth list-demo-users` prints the demo users. "
            "Administrators add users with `uv run python -m apps.auth add-user`."
        )
    st.stop()


def render_user_box(user: User, scope: str) -> None:
    """Sidebar: who is signed in, their role and scope, and a sign-out button."""
    with st.sidebar:
        with st.container(border=True):
            st.markdown(
                f":material/account_circle: **{user.name}**  \n"
                f":gray[{ROLE_LABELS[user.role]} · {scope}]"
            )
            st.button(
                "Sign out",
                key="auth_sign_out",
                on_click=sign_out,
                icon=":material/logout:",
                width="stretch",
            )
