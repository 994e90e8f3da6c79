"""Maps in the trash, and the purge of both kinds of trashed item.

Deleting a map moves it to the trash: `deleted_at` is set and the default manager hides it,
so the access check, lists, search, analysis, exports, share links and the live layer's
access poll (which closes open sockets with `map_deleted`, code 4404) all stop seeing it.
Nothing is deleted, so a restore brings back the map exactly as it was: its seq, op log,
versions, cards, comments and share links. `trash_purge` (run daily by
`manage.py purge_trash`) deletes for good what has been in the trash longer than
TRASH_RETENTION_DAYS. The steps, their locks and their audit entries are the trash's own
(`journeymap/workspaces/trashbin.py`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from journeymap.workspaces import trashbin
from journeymap.workspaces.trashbin import NotInTrash
from personas.models import Persona
from personas.trash import persona_purge

from ..models import JourneyMap
from .maps import map_delete

__all__ = ["MAPS", "NotInTrash", "map_purge", "map_restore", "map_trash", "trash_purge"]

# The row lock the trash takes is apply_ops's: a batch in flight commits before the map
# leaves, and no batch is accepted after (apply_ops reads the map through the default manager).
MAPS = trashbin.Trashable(model=JourneyMap, name="map", subject=lambda m: m.title)


def map_trash(*, journey_map: JourneyMap, actor: Any, address: str | None) -> JourneyMap:
    """Move a map to the trash. A second trash raises NotInTrash (the API's 404)."""
    trashed: JourneyMap = trashbin.trash(kind=MAPS, pk=journey_map.pk, actor=actor, address=address)
    return trashed


def map_restore(*, map_id: uuid.UUID | str, actor: Any, address: str | None) -> JourneyMap:
    """Bring a trashed map back as it was. Titles are not unique, so there is no clash."""
    restored: JourneyMap = trashbin.restore(kind=MAPS, pk=map_id, actor=actor, address=address)
    return restored


def map_purge(
    *,
    map_id: uuid.UUID | str,
    actor: Any,
    address: str | None,
    trashed_before: datetime | None = None,
) -> None:
    """Delete a trashed map for good: the real CASCADE (stages, cards, op log, versions,
    event logs, share links)."""
    trashbin.purge(
        kind=MAPS,
        pk=map_id,
        actor=actor,
        address=address,
        trashed_before=trashed_before,
        delete=lambda journey_map: map_delete(journey_map=journey_map),
    )


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
