"""Personas in the trash: deleting moves a persona there, restoring brings it back as it was,
and purging (an owner's "delete forever", or `manage.py purge_trash` after
TRASH_RETENTION_DAYS) deletes it for good.

A trashed persona keeps every row that points at it (map and friction links, feature tags,
segment links, touchpoint and content references, versions, evidence): the default manager
only hides it, so restoring is clearing two columns. Each change is audited in the same
transaction (`persona.trashed`, `persona.restored`, `persona.purged`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from journeymap.workspaces.audit import audit_record

from .models import Persona
from .services import persona_delete


class NotInTrash(LookupError):
    """The item is not where the caller expected it (already trashed, or not in the trash)."""


def persona_trash(*, persona: Persona, actor: Any, address: str | None) -> Persona:
    """Move a persona to the trash. Trashing it twice raises NotInTrash (the API's 404)."""
    with transaction.atomic():
        # The row lock orders a trash against a concurrent restore or a second trash.
        locked = Persona.objects.select_for_update().filter(pk=persona.pk).first()
        if locked is None:
            raise NotInTrash("no such persona")
        locked.deleted_at = timezone.now()
        locked.deleted_by = actor if getattr(actor, "is_authenticated", False) else None
        # update_fields without updated_at: being trashed is not an edit of the persona.
        locked.save(update_fields=["deleted_at", "deleted_by"])
        audit_record(
            workspace=locked.workspace,
            actor=actor,
            action="persona.trashed",
            subject=locked.name,
            detail={"persona": str(locked.pk)},
            address=address,
        )
    return locked


def persona_restore(*, persona_id: uuid.UUID | str, actor: Any, address: str | None) -> Persona:
    """Bring a trashed persona back; it reappears wherever it was referenced."""
    with transaction.atomic():
        locked = (
            Persona.all_objects.select_for_update()
            .filter(pk=persona_id, deleted_at__isnull=False)
            .first()
        )
        if locked is None:
            raise NotInTrash("no such persona in the trash")
        locked.deleted_at = None
        locked.deleted_by = None
        locked.save(update_fields=["deleted_at", "deleted_by"])
        audit_record(
            workspace=locked.workspace,
            actor=actor,
            action="persona.restored",
            subject=locked.name,
            detail={"persona": str(locked.pk)},
            address=address,
        )
    return locked


def persona_purge(
    *,
    persona_id: uuid.UUID | str,
    actor: Any,
    address: str | None,
    trashed_before: datetime | None = None,
) -> None:
    """Delete a trashed persona for good, with everything that cascades from it."""
    with transaction.atomic():
        locked = (
            Persona.all_objects.select_for_update()
            .filter(pk=persona_id, deleted_at__isnull=False)
            # The purge's own cut-off, re-read under the lock: an item restored and trashed
            # again since the purge listed it has a new date and stays.
            .filter(**({"deleted_at__lt": trashed_before} if trashed_before else {}))
            .first()
        )
        if locked is None:
            raise NotInTrash("no such persona in the trash")
        audit_record(
            workspace=locked.workspace,
            actor=actor,
            action="persona.purged",
            subject=locked.name,
            detail={"persona": str(locked.pk)},
            address=address,
        )
        # The existing hard delete: the real CASCADE, and the photo file after commit.
        persona_delete(persona=locked)
