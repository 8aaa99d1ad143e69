"""The demo users of ``apps/auth/users.toml``, for the generated demo data only.

The demo passwords are public on purpose (README, and printed by ``make demo`` through
``python -m apps.auth list-demo-users``); the committed users file holds only their hashes.
Demo teams follow the generator: ``T-<site>-<n>`` supervised by ``SUP-<site>-<n>``; a default
demo (60 agents) has teams 1-2 per site, larger demos (40+ agents at a site) a team 3.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    password: str
    teams: tuple[str, ...] = ()
    supervisor_id: str | None = None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("director", "Demo director", "director", "director-demo"),
    DemoUser("analyst", "Demo analyst", "analyst", "analyst-demo"),
    *(
        DemoUser(
            f"sup-{site.lower()}-{n}",
            f"Supervisor {site} team {n}",
            "supervisor",
            f"sup-{site.lower()}-{n}-demo",
            teams=(f"T-{site}-{n}",),
            supervisor_id=f"SUP-{site}-{n}",
        )
        for site in ("LON", "NYC")
        for n in (1, 2, 3)
    ),
)
