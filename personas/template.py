"""The persona template: which sections a workspace's persona pages show, in which order.
The header (name, photo, tier, colour, bio, owner, review cadence) always shows."""

from __future__ import annotations

from typing import Any

SECTIONS: list[tuple[str, str]] = [
    ("quotes", "Quotes"),
    ("demographics", "Demographics"),
    ("psychographics", "Psychographics"),
    ("goals", "Goals"),
    ("needs", "Needs"),
    ("pain_points", "Pain points"),
    ("motivations", "Motivations"),
    ("expectations", "Expectations"),
    ("objections", "Objections"),
    ("behaviours", "Behaviours"),
    ("channels", "Channels and content"),
    ("empathy_map", "Empathy map"),
    ("value", "Value attributes"),
]
SECTION_LABELS = dict(SECTIONS)


def default_sections() -> list[dict[str, Any]]:
    return [{"key": key, "visible": True} for key, _ in SECTIONS]


def complete_sections(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored order with labels, plus any section added since it was saved (at the end,
    visible), minus any that no longer exists."""
    seen = set()
    sections = []
    for item in stored:
        key = item.get("key")
        if key in SECTION_LABELS and key not in seen:
            seen.add(key)
            sections.append(
                {"key": key, "label": SECTION_LABELS[key], "visible": bool(item.get("visible"))}
            )
    for key, label in SECTIONS:
        if key not in seen:
            sections.append({"key": key, "label": label, "visible": True})
    return sections
