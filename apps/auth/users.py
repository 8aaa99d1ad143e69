"""The app's users and roles, read from a TOML file (``settings.users_path``).

File shape (one table per user, keyed by user name; passwords only as hashes)::

    [users.sup-lon-1]
    name = "London team 1 supervisor"
    role = "supervisor"
    supervisor_id = "SUP-LON-1"      # optional: the roster's supervisor id
    teams = ["T-LON-1"]              # optional: team ids supervised (added to supervisor_id's)
    password_hash = "pbkdf2_sha256$600000$...$..."

Roles:
- ``director``: everything.
- ``supervisor``: center-level aggregates, and agent-level rows for their own team(s) only: the
  ``teams`` listed plus the teams whose agents report to ``supervisor_id`` in the roster.
- ``analyst``: everything except customer identifiers.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from apps.auth.passwords import is_password_hash, verify_password

ROLES = ("director", "supervisor", "analyst")
ROLE_LABELS = {"director": "Director", "supervisor": "Supervisor", "analyst": "Analyst"}


class UsersFileError(ValueError):
    """The users file is malformed (unknown role, plain-text password, ...)."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    password_hash: str = field(repr=False, default="")
    teams: tuple[str, ...] = ()
    supervisor_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise UsersFileError(f"user {self.username!r}: unknown role {self.role!r} ({ROLES})")
        if not is_password_hash(self.password_hash):
            raise UsersFileError(
                f"user {self.username!r}: password_hash is not a pbkdf2_sha256 hash "
                "(store hashes only: `uv run python -m apps.auth hash-password`)"
            )


def parse_users(text: str) -> dict[str, User]:
    data = tomllib.loads(text)
    users = {}
    for username, entry in (data.get("users") or {}).items():
        unknown = set(entry) - {"name", "role", "password_hash", "teams", "supervisor_id"}
        if "password" in entry:
            raise UsersFileError(f"user {username!r}: plain `password` is not allowed; hash it")
        if unknown:
            raise UsersFileError(f"user {username!r}: unknown keys {sorted(unknown)}")
        users[username] = User(
            username=username,
            name=str(entry.get("name") or username),
            role=str(entry.get("role", "")),
            password_hash=str(entry.get("password_hash", "")),
            teams=tuple(str(t) for t in entry.get("teams", ())),
            supervisor_id=(str(entry["supervisor_id"]) if entry.get("supervisor_id") else None),
        )
    return users


def load_users(path: Path | str) -> dict[str, User]:
    p = Path(path)
    if not p.is_file():
        raise UsersFileError(
            f"users file {p} not found (set SWITCHBOARD_USERS or add users with "
            "`uv run python -m apps.auth add-user`)"
        )
    return parse_users(p.read_text(encoding="utf-8"))


def authenticate(users: dict[str, User], username: str, password: str) -> User | None:
    """The user when the password matches its hash, else None (same answer for unknown names)."""
    user = users.get(username.strip())
    if user is None:
        # Spend the same time as a real check, so the answer does not reveal which names exist.
        verify_password(password or "x", _DUMMY_HASH)
        return None
    return user if verify_password(password, user.password_hash) else None


_DUMMY_HASH = (
    "pbkdf2_sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)

HEADER = """\
# Switchboard app users (see docs/README_app_section.md, "Users and roles").
# Passwords are stored only as salted PBKDF2-SHA256 hashes; add or change a user with
#   uv run python -m apps.auth add-user <name> --role director|supervisor|analyst [...]
# Point the app at another file with SWITCHBOARD_USERS=/path/to/users.toml.
"""


def _q(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes).
    return json.dumps(value, ensure_ascii=False)


def render_users(users: dict[str, User], header: str = HEADER) -> str:
    out = [header]
    for u in users.values():
        out.append(f"\n[users.{_q(u.username)}]")
        out.append(f"name = {_q(u.name)}")
        out.append(f"role = {_q(u.role)}")
        if u.supervisor_id:
            out.append(f"supervisor_id = {_q(u.supervisor_id)}")
        if u.teams:
            out.append("teams = [" + ", ".join(_q(t) for t in u.teams) + "]")
        out.append(f"password_hash = {_q(u.password_hash)}")
    return "\n".join(out) + "\n"


def save_users(path: Path | str, users: dict[str, User]) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text(render_users(users), encoding="utf-8")
    tmp.replace(p)
