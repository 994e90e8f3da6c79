"""What an export is asked for and the plain data it is rendered from.

Nothing here touches the database: the view turns query parameters into `ExportOptions`,
the selector gathers an `ExportContext`, and the renderer reads both as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SECTIONS = ("cover", "personas", "map", "emotions", "friction", "analysis", "content", "features")
Paper = Literal["a4", "a3"]
# How many stages of the grid fit across one landscape page before it splits.
STAGES_PER_PAGE: dict[str, int] = {"a4": 6, "a3": 9}


class OptionsRejected(ValueError):
    """A query parameter of an export that cannot be honoured."""

    def __init__(self, field_name: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field_name
        self.detail = detail


@dataclass(frozen=True)
class ExportOptions:
    personas: tuple[str, ...] | None = None  # None: every persona the map names
    sections: tuple[str, ...] = SECTIONS
    paper: Paper = "a4"

    @property
    def stages_per_page(self) -> int:
        return STAGES_PER_PAGE[self.paper]


@dataclass(frozen=True)
class ExportContext:
    """Everything beside the map document that the report shows, as plain data."""

    workspace_name: str
    generated_on: str
    personas: list[dict[str, Any]] = field(default_factory=list)
    features: list[dict[str, Any]] = field(default_factory=list)
    analysis: dict[str, Any] | None = None
    analysis_note: str = ""


def parse_options(
    *, personas: str | None, sections: str | None, paper: str | None
) -> ExportOptions:
    """`personas=<id,…>`, `sections=<name,…>`, `paper=a4|a3`, as given in a query string."""
    import uuid

    persona_ids: tuple[str, ...] | None = None
    if personas:
        try:
            persona_ids = tuple(
                str(uuid.UUID(part.strip())) for part in personas.split(",") if part.strip()
            )
        except ValueError:
            raise OptionsRejected("personas", "must be comma-separated persona ids") from None
        if len(persona_ids) > 50:
            raise OptionsRejected("personas", "at most 50 personas")
    chosen: tuple[str, ...] = SECTIONS
    if sections:
        names = [part.strip() for part in sections.split(",") if part.strip()]
        unknown = sorted(set(names) - set(SECTIONS))
        if unknown:
            raise OptionsRejected("sections", f"unknown sections: {', '.join(unknown)}")
        # Report order, whatever order the query gave.
        chosen = tuple(name for name in SECTIONS if name in names)
    paper_name = (paper or "a4").lower()
    if paper_name not in STAGES_PER_PAGE:
        raise OptionsRejected("paper", "must be a4 or a3")
    return ExportOptions(
        personas=persona_ids,
        sections=chosen,
        paper="a3" if paper_name == "a3" else "a4",
    )
