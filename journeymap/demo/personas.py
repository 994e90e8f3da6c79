"""Create the Northwind personas with their portraits, preferred channels and research notes."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from journeymap.workspaces.models import Workspace
from personas.models import Channel, Persona, ResearchNote

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
        for index, (title, body, source) in enumerate(data["notes"]):
            ensure(
                ResearchNote,
                f"note:northwind:{key}:{index}",
                created,
                persona=persona,
                title=title,
                body=body,
                source=source,
                created_by=owner,
            )
    return personas


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
