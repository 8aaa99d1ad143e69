"""Typed access to the landing contract (landing.yml), the one definition of every export column."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from orchestration.settings import CONTRACT_PATH

# Contract type -> DuckDB type the loader casts to in the raw schema.
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "boolean": "BOOLEAN",
    "yesno": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",  # naive UTC: the loader converts the offset to UTC
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    description: str
    unit: str | None = None
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    pii: bool = False

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    family: str
    name: str
    description: str
    grain: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    version_column: str | None = None
    event_time: str | None = None
    freshness_hours: int | None = None
    family_description: str = ""
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str]:
        """Asset key parts and dbt source name: (family, table)."""
        return (self.family, self.name)

    @property
    def raw_schema(self) -> str:
        return f"raw_{self.family}"

    @property
    def raw_relation(self) -> str:
        return f"{self.raw_schema}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns a delivered file must have in its header (non-nullable ones)."""
        return tuple(c.name for c in self.columns if not c.nullable)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.family}/{self.name} has no column {name!r}")


def _column(raw: dict) -> Column:
    allowed = raw.get("allowed")
    return Column(
        name=raw["name"],
        type=raw["type"],
        nullable=bool(raw["nullable"]),
        description=str(raw["description"]),
        unit=raw.get("unit"),
        allowed=tuple(allowed) if allowed else None,
        min=raw.get("min"),
        max=raw.get("max"),
        pii=bool(raw.get("pii", False)),
    )


def parse_contract(text: str) -> tuple[Table, ...]:
    doc = yaml.safe_load(text)
    tables = []
    for family, fam in doc["families"].items():
        for name, t in fam["tables"].items():
            cols = tuple(_column(c) for c in t["columns"])
            for c in cols:
                if c.type not in DUCKDB_TYPES:
                    raise ValueError(f"{family}/{name}.{c.name}: unknown type {c.type!r}")
            tables.append(
                Table(
                    family=family,
                    name=name,
                    description=t["description"],
                    grain=t["grain"],
                    primary_key=tuple(t["primary_key"]),
                    columns=cols,
                    version_column=t.get("version_column"),
                    event_time=t.get("event_time"),
                    freshness_hours=t.get("freshness_hours"),
                    family_description=fam.get("description", ""),
                )
            )
    return tuple(tables)


@lru_cache(maxsize=4)
def load_contract(path: Path = CONTRACT_PATH) -> tuple[Table, ...]:
    return parse_contract(Path(path).read_text(encoding="utf-8"))


def get_table(family: str, name: str) -> Table:
    for t in load_contract():
        if t.family == family and t.name == name:
            return t
    raise KeyError(f"no landing table {family}/{name} in the contract")
