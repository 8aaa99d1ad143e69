"""Typed filter values shared by the sidebar (apps.components.filters) and every query.

An empty tuple means "no restriction" (all sites / queues / lines of business / teams).
``team_ids`` narrows agent-level views (agents, quality, customer voice by agent); queue
metrics have no team, so queue pages ignore it. It is a choice, not an access rule: what a user
may see is enforced by the access context (apps.queries.access).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta


@dataclass(frozen=True)
class ServiceFilters:
    start_date: date  # inclusive, site-local calendar date
    end_date: date  # inclusive
    site_ids: tuple[str, ...] = ()
    queue_ids: tuple[str, ...] = ()
    lines_of_business: tuple[str, ...] = ()
    team_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def previous_period(self) -> ServiceFilters:
        """The period of equal length that ends the day before this one starts."""
        end = self.start_date - timedelta(days=1)
        return replace(self, start_date=end - timedelta(days=self.days - 1), end_date=end)

    def for_day(self, day: date) -> ServiceFilters:
        return replace(self, start_date=day, end_date=day)


def sql_in(column: str, values: Iterable[str]) -> tuple[str, list]:
    """``column in (?, ...)`` with parameters; an empty list matches nothing."""
    values = list(values)
    if not values:
        return "false", []
    return f"{column} in ({', '.join('?' for _ in values)})", values
