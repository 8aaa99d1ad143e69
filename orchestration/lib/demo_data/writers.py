"""CSV output into the landing layout. Rows arrive as pre-formatted lines (the fast path)."""

from __future__ import annotations

from pathlib import Path

from orchestration.contracts import get_table


def esc(value: str) -> str:
    """Quote a free-text value if it needs it (names, comments)."""
    if "," in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


class LandingWriter:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.counts: dict[str, int] = {}
        self.files = 0
        self._headers: dict[tuple[str, str], str] = {}

    def header(self, family: str, table: str) -> str:
        h = self._headers.get((family, table))
        if h is None:
            h = self._headers[(family, table)] = ",".join(get_table(family, table).column_names)
        return h

    def write(self, family: str, table: str, filename: str, lines: list[str]) -> None:
        folder = self.out_dir / family / table
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / filename, "w", encoding="utf-8", newline="") as f:
            f.write(self.header(family, table))
            f.write("\n")
            if lines:
                f.write("\n".join(lines))
                f.write("\n")
        key = f"{family}/{table}"
        self.counts[key] = self.counts.get(key, 0) + len(lines)
        self.files += 1

    def daily(self, family: str, table: str, day_iso: str, lines: list[str]) -> None:
        self.write(family, table, f"{table}_{day_iso}.csv", lines)
