"""Maps in the trash, and the purge of both kinds of trashed item.

Deleting a map moves it to the trash: `deleted_at` is set and the default manager hides it,
so the access check, lists, search, analysis, exports, share links and the live layer's
access poll (which closes open sockets with `map_deleted`, code 4404) all stop seeing it.
Nothing is deleted, so a restore brings back the map exactly as it was: its seq, op log,
versions, cards, comments and share links. `trash_purge` (run daily by
`manage.py purge_trash`) deletes for good what has been in the trash longer than
TRASH_RETENTION_DAYS. Each change is audited in its own transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from journeymap.workspaces.audit import audit_record
from personas.models import Persona
from personas.trash import NotInTrash, persona_purge

from ..models import JourneyMap
from .maps import map_delete

__all__ = ["NotInTrash", "map_purge", "map_restore", "map_trash", "trash_purge"]


def _audit(journey_map: JourneyMap, *, actor: Any, action: str, address: str | None) -> None:
    audit_record(
        workspace=journey_map.workspace,
        actor=actor,
        action=action,
        subject=journey_map.title,
        detail={"map": str(journey_map.pk)},
        address=address,
    )


def map_trash(*, journey_map: JourneyMap, actor: Any, address: str | None) -> JourneyMap:
    """Move a map to the trash. A second trash raises NotInTrash (the API's 404)."""
    with transaction.atomic():
        # The same row lock as apply_ops: a batch in flight commits before the map leaves,
        # and no batch is accepted after (apply_ops reads the map through the default manager).
        locked = JourneyMap.objects.select_for_update().filter(pk=journey_map.pk).first()
        if locked is None:
            raise NotInTrash("no such map")
        locked.deleted_at = timezone.now()
        locked.deleted_by = actor if getattr(actor, "is_authenticated", False) else None
        # Without updated_at: the map's content did not change, and a restored map keeps
        # its place in "recently updated".
        locked.save(update_fields=["deleted_at", "deleted_by"])
        _audit(locked, actor=actor, action="map.trashed", address=address)
    return locked


def map_restore(*, map_id: uuid.UUID | str, actor: Any, address: str | None) -> JourneyMap:
    """Bring a trashed map back as it was. Titles are not unique, so there is no clash."""
    with transaction.atomic():
        locked = (
            JourneyMap.all_objects.select_for_update()
            .filter(pk=map_id, deleted_at__isnull=False)
            .first()
        )
        if locked is None:
            raise NotInTrash("no such map in the trash")
        locked.deleted_at = None
        locked.deleted_by = None
        locked.save(update_fields=["deleted_at", "deleted_by"])
        _audit(locked, actor=actor, action="map.restored", address=address)
    return locked


def map_purge(
    *,
    map_id: uuid.UUID | str,
    actor: Any,
    address: str | None,
    trashed_before: datetime | None = None,
) -> None:
    """Delete a trashed map for good: the real CASCADE (stages, cards, op log, versions,
    event logs, share links)."""
    with transaction.atomic():
        locked = (
            JourneyMap.all_objects.select_for_update()
            .filter(pk=map_id, deleted_at__isnull=False)
            # The purge's own cut-off, re-read under the lock: an item restored and trashed
            # again since the purge listed it has a new date and stays.
            .filter(**({"deleted_at__lt": trashed_before} if trashed_before else {}))
            .first()
        )
        if locked is None:
            raise NotInTrash("no such map in the trash")
        _audit(locked, actor=actor, action="map.purged", address=address)
        map_delete(journey_map=locked)


def trash_purge(*, older_than: datetime) -> dict[str, int]:
    """Delete for good every map and persona trashed before `older_than`, one transaction
    per item (a failure leaves the rest purged and that one in the trash for the next run).
    The audit entries have no actor: the retention rule did it. Returns the counts."""
    map_ids = list(
        JourneyMap.all_objects.filter(deleted_at__lt=older_than).values_list("pk", flat=True)
    )
    persona_ids = list(
        Persona.all_objects.filter(deleted_at__lt=older_than).values_list("pk", flat=True)
    )
    counts = {"maps": 0, "personas": 0}
    for map_id in map_ids:
        try:
            map_purge(map_id=map_id, actor=None, address=None, trashed_before=older_than)
        except NotInTrash:
            continue  # restored (or purged by hand) since the ids were read
        counts["maps"] += 1
    for persona_id in persona_ids:
        try:
            persona_purge(
                persona_id=persona_id, actor=None, address=None, trashed_before=older_than
            )
        except NotInTrash:
            continue
        counts["personas"] += 1
    return counts
