"""Which persona fields a piece of research can back, grouped the way a team reads a persona.

A group is "backed by research" once at least one evidence item (a quote, a pain point … that
came from an interview note) lands in one of its fields; otherwise it is an assumption."""

from __future__ import annotations

EMPATHY_QUADRANTS = ("says", "thinks", "does", "feels")

# The list fields that a note can promote text into (empathy quadrants go into empathy_map).
PROMOTABLE_FIELDS = (
    "quotes",
    "goals",
    "needs",
    "pain_points",
    "motivations",
    "expectations",
    "objections",
    "behaviours",
    *EMPATHY_QUADRANTS,
)

FIELD_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("quotes", "Quotes", ("quotes",)),
    (
        "demographics",
        "Demographics",
        ("age", "gender", "location", "income", "education", "family", "job_title", "company"),
    ),
    ("psychographics", "Psychographics", ("personality", "values", "interests", "lifestyle")),
    ("goals_needs", "Goals and needs", ("goals", "needs", "motivations", "expectations")),
    ("pain_points", "Pain points and objections", ("pain_points", "objections")),
    (
        "behaviours",
        "Behaviours and channels",
        ("behaviours", "preferred_channels", "preferred_content"),
    ),
    ("empathy_map", "Empathy map", EMPATHY_QUADRANTS),
]

# 6–10 interviews for every two personas.
INTERVIEWS_PER_PERSONA_MIN = 3
INTERVIEWS_PER_PERSONA_MAX = 5
