"""Create the Northwind personas with their portraits, preferred channels, first version,
last review and the interview notes that back them."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from journeymap.workspaces.models import Workspace
from personas.models import (
    Channel,
    InterviewNote,
    Persona,
    PersonaEvidence,
    PersonaReview,
    PersonaVersion,
)
from personas.research import guide_create_default
from personas.services import persona_snapshot

from .avatars import avatar_png
from .ids import Created, demo_id, ensure
from .persona_data import PERSONAS

# Fields that are not Persona columns, or need work before they become one.
_NOT_COLUMNS = {"portrait", "channels", "reviewed_days_ago", "notes"}


def persona_id(key: str) -> str:
    return str(demo_id(f"persona:northwind:{key}"))


def seed_personas(
    *, workspace: Workspace, owner: Any, channels: dict[str, Channel], created: Created
) -> dict[str, Persona]:
    today = timezone.localdate()
    personas = {}
    for key, data in PERSONAS.items():
        # A copy, so that nothing done to a row's lists can reach back into the module data.
        columns = copy.deepcopy({k: v for k, v in data.items() if k not in _NOT_COLUMNS})
        persona, is_new = ensure(
            Persona,
            f"persona:northwind:{key}",
            created,
            workspace=workspace,
            owner=owner,
            last_reviewed_at=today - timedelta(days=data["reviewed_days_ago"]),
            **columns,
        )
        personas[key] = persona
        ensure_portrait(
            persona=persona, slug=f"demo-{key}", portrait=data["portrait"], is_new=is_new
        )
        if not is_new:
            continue
        persona.preferred_channels.set([channels[kind] for kind in data["channels"]])
        _seed_upkeep(persona=persona, key=key, owner=owner, created=created)
        _seed_interviews(
            persona=persona, key=key, notes=data["notes"], owner=owner, created=created
        )
    return personas


def _seed_upkeep(*, persona: Persona, key: str, owner: Any, created: Created) -> None:
    """Version 1 (what the seed wrote) and the review that set `last_reviewed_at`."""
    ensure(
        PersonaVersion,
        f"persona-version:northwind:{key}:1",
        created,
        persona=persona,
        number=1,
        data=persona_snapshot(persona),
        changed_fields=["name"],
        created_by=owner,
    )
    if persona.last_reviewed_at is not None:
        ensure(
            PersonaReview,
            f"persona-review:northwind:{key}",
            created,
            persona=persona,
            reviewed_on=persona.last_reviewed_at,
            reviewed_by=owner,
            note="Checked against the spring interviews.",
            version=1,
        )


def _seed_interviews(
    *, persona: Persona, key: str, notes: list[tuple[str, str, str]], owner: Any, created: Created
) -> None:
    """Each research note as an interview note linked to the persona; the persona's first
    quote is the evidence the first note gave it."""
    guide = guide_create_default(workspace=persona.workspace)
    reviewed = persona.last_reviewed_at or timezone.localdate()
    for index, (title, body, source) in enumerate(notes):
        note, is_new = ensure(
            InterviewNote,
            f"note:northwind:{key}:{index}",
            created,
            workspace=persona.workspace,
            title=title,
            summary=body,
            interviewee=source,
            interviewer=owner.get_full_name() or owner.username,
            interviewed_on=reviewed - timedelta(days=14 + 7 * index),
            guide=guide,
            # What the old research note said answers the guide's question on challenges.
            answers=[
                {
                    "question": q["id"],
                    "text": q["text"],
                    "answer": body if q["id"] == "challenges" else "",
                }
                for q in guide.questions
            ],
            created_by=owner,
        )
        if not is_new:
            continue
        note.personas.add(persona)
        if index == 0 and persona.quotes:
            ensure(
                PersonaEvidence,
                f"evidence:northwind:{key}:quote",
                created,
                persona=persona,
                note=note,
                field="quotes",
                text=persona.quotes[0],
                created_by=owner,
            )


def ensure_portrait(*, persona: Persona, slug: str, portrait: dict[str, Any], is_new: bool) -> None:
    """Draw a new persona's portrait; redraw it if the database outlived the media folder
    (a fresh checkout, a cleaned MEDIA_ROOT) rather than leave a broken image."""
    if not is_new:
        name = persona.photo.name
        if name != _photo_name(slug) or default_storage.exists(name):
            return  # still there, or replaced by someone: leave it
    _save_portrait(persona=persona, slug=slug, portrait=portrait)


def _save_portrait(*, persona: Persona, slug: str, portrait: dict[str, Any]) -> None:
    initials = "".join(part[0] for part in persona.name.split()[:2]).upper()
    png = avatar_png(initials=initials, background=persona.color, **portrait)
    name = _photo_name(slug)
    # A leftover file from an earlier database would make storage pick a suffixed name;
    # the demo's own file is safe to replace, so the path stays stable across resets.
    if default_storage.exists(name):
        default_storage.delete(name)
    persona.photo.save(f"{slug}.png", ContentFile(png), save=False)
    persona.save(update_fields=["photo"])


def _photo_name(slug: str) -> str:
    # Where the ImageField (upload_to="personas/") stores `<slug>.png`.
    return f"personas/{slug}.png"
