"""User administration for the app.

    uv run python -m apps.auth add-user NAME --role supervisor --team T-LON-1 [--supervisor-id ID]
    uv run python -m apps.auth hash-password            # prints a hash for a password you type
    uv run python -m apps.auth list-users
    uv run python -m apps.auth list-demo-users          # demo users and passwords (make demo)
    uv run python -m apps.auth write-demo-users         # regenerate the committed demo file

Passwords are read with getpass (or one line from stdin with --password-stdin), never from the
command line, and only their salted PBKDF2-SHA256 hashes are written. The file is
``SWITCHBOARD_USERS`` (default apps/auth/users.toml) unless ``--file`` is given.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from apps.auth.demo import DEMO_USERS
from apps.auth.passwords import hash_password, verify_password
from apps.auth.users import ROLES, User, UsersFileError, load_users, save_users


def _users_file(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    from orchestration.settings import get_settings

    return get_settings().users_path


def _read_password(from_stdin: bool, *, confirm: bool = True) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Repeat password: ") != password:
            raise SystemExit("passwords differ")
    if len(password) < 8:
        raise SystemExit("password too short (8 characters at least)")
    return password


def cmd_add_user(args) -> int:
    path = _users_file(args.file)
    users = load_users(path) if path.is_file() else {}
    if args.username in users and not args.replace:
        print(
            f"user {args.username!r} exists in {path}; use --replace to change it", file=sys.stderr
        )
        return 1
    if args.role == "supervisor" and not (args.team or args.supervisor_id):
        print("a supervisor needs --team and/or --supervisor-id", file=sys.stderr)
        return 1
    password = _read_password(args.password_stdin)
    users[args.username] = User(
        username=args.username,
        name=args.name or args.username,
        role=args.role,
        password_hash=hash_password(password),
        teams=tuple(args.team or ()),
        supervisor_id=args.supervisor_id,
    )
    save_users(path, users)
    print(f"{'updated' if args.replace else 'added'} {args.username} ({args.role}) in {path}")
    return 0


def cmd_remove_user(args) -> int:
    path = _users_file(args.file)
    users = load_users(path)
    if users.pop(args.username, None) is None:
        print(f"no user {args.username!r} in {path}", file=sys.stderr)
        return 1
    save_users(path, users)
    print(f"removed {args.username} from {path}")
    return 0


def cmd_hash_password(args) -> int:
    print(hash_password(_read_password(args.password_stdin)))
    return 0


def cmd_list_users(args) -> int:
    path = _users_file(args.file)
    for u in load_users(path).values():
        scope = f" teams={','.join(u.teams)}" if u.teams else ""
        scope += f" supervisor_id={u.supervisor_id}" if u.supervisor_id else ""
        print(f"{u.username:<12} {u.role:<10} {u.name}{scope}")
    return 0


def cmd_list_demo_users(args) -> int:
    """Print the demo users whose demo password still matches the users file."""
    path = _users_file(args.file)
    try:
        users = load_users(path)
    except UsersFileError as exc:
        print(f"[switchboard] {exc}", file=sys.stderr)
        return 1
    rows = [
        d
        for d in DEMO_USERS
        if d.username in users and verify_password(d.password, users[d.username].password_hash)
    ]
    if not rows:
        print(f"[switchboard] no demo users in {path} (it holds your own users)")
        return 0
    print(f"[switchboard] Sign in to the app with one of these demo users ({path}):")
    print(f"  {'user':<12} {'password':<18} {'role':<11} sees")
    for d in rows:
        sees = {
            "director": "everything",
            "analyst": "everything except customer identifiers",
            "supervisor": f"center totals + agents of team {', '.join(d.teams)}",
        }[d.role]
        print(f"  {d.username:<12} {d.password:<18} {d.role:<11} {sees}")
    return 0


def cmd_write_demo_users(args) -> int:
    path = Path(args.file) if args.file else Path(__file__).resolve().parent / "users.toml"
    users = {
        d.username: User(
            username=d.username,
            name=d.name,
            role=d.role,
            password_hash=hash_password(d.password),
            teams=d.teams,
            supervisor_id=d.supervisor_id,
        )
        for d in DEMO_USERS
    }
    save_users(path, users)
    print(f"wrote {len(users)} demo users to {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apps.auth", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--file", help="users file (default: SWITCHBOARD_USERS or apps/auth/users.toml)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("add-user", help="add (or --replace) a user; asks for the password")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--name", help="display name (default: the user name)")
    p.add_argument("--team", action="append", help="team id a supervisor sees (repeatable)")
    p.add_argument("--supervisor-id", help="the supervisor's id in the HR roster")
    p.add_argument("--replace", action="store_true", help="replace an existing user")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_add_user)

    p = sub.add_parser("remove-user", help="remove a user")
    p.add_argument("username")
    p.set_defaults(func=cmd_remove_user)

    p = sub.add_parser("hash-password", help="print the hash of a password (for hand-edited files)")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_hash_password)

    sub.add_parser("list-users", help="list users and roles").set_defaults(func=cmd_list_users)
    sub.add_parser("list-demo-users", help="print the demo users and their passwords").set_defaults(
        func=cmd_list_demo_users
    )
    sub.add_parser(
        "write-demo-users", help="regenerate the demo users file (apps/auth/users.toml)"
    ).set_defaults(func=cmd_write_demo_users)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
