"""One row per thing that must hold, and the table they are printed as."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Row:
    number: str  # the scenario number, e.g. "1a"
    what: str  # what must hold
    figure: str  # what was measured
    goal: str
    holds: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(rows: list[Row]) -> str:
    lines = ["| # | what must hold | figure | goal | holds |", "|---|---|---|---|---|"]
    for row in rows:
        cells = [row.number, row.what, row.figure, row.goal, "yes" if row.holds else "**no**"]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines)


def progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)
