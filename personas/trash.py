"""Personas in the trash: deleting moves a persona there, restoring brings it back as it was,
and purging (an owner's "delete forever", or `manage.py purge_trash` after
TRASH_RETENTION_DAYS) deletes it for good. The steps, their locks and their audit entries
(`persona.trashed`, `persona.restored`, `persona.purged`) are the trash's own
(`journeymap/workspaces/trashbin.py`).

A trashed persona keeps every row that points at it (map and friction links, feature tags,
segment links, touchpoint and content references, versions, evidence): the default manager
only hides it, so restoring is clearing two columns.
"""

from __future__ import annotations

import uuid
from typing import Any

from journeymap.workspaces import trashbin
from journeymap.workspaces.trashbin import NotInTrash

from .models import Persona
from .services import persona_delete

__all__ = ["PERSONAS", "NotInTrash", "persona_purge", "persona_restore", "persona_trash"]

PERSONAS = trashbin.Trashable(
    model=Persona,
    name="persona",
    subject=lambda persona: persona.name,
    # The existing hard delete: the real CASCADE, and the photo file after commit.
    delete=lambda persona: persona_delete(persona=persona),
)


def persona_trash(*, persona: Persona, actor: Any, address: str | None) -> Persona:
    """Move a persona to the trash. Trashing it twice raises NotInTrash (the API's 404)."""
    trashed: Persona = trashbin.trash(kind=PERSONAS, pk=persona.pk, actor=actor, address=address)
    return trashed


def persona_restore(*, persona_id: uuid.UUID | str, actor: Any, address: str | None) -> Persona:
    """Bring a trashed persona back; it reappears wherever it was referenced."""
    restored: Persona = trashbin.restore(kind=PERSONAS, pk=persona_id, actor=actor, address=address)
    return restored


def persona_purge(
    *,
    persona_id: uuid.UUID | str,
    actor: Any,
    address: str | None,
) -> None:
    """Delete a trashed persona for good, with everything that cascades from it."""
    trashbin.purge(kind=PERSONAS, pk=persona_id, actor=actor, address=address)
