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
from personas.trash import PERSONAS

from ..models import JourneyMap
from .maps import map_delete

__all__ = ["MAPS", "NotInTrash", "map_purge", "map_restore", "map_trash", "trash_purge"]

# The row lock the trash takes is apply_ops's: a batch in flight commits before the map
# leaves, and no batch is accepted after (apply_ops reads the map through the default manager).
MAPS = trashbin.Trashable(
    model=JourneyMap,
    name="map",
    subject=lambda journey_map: journey_map.title,
    delete=lambda journey_map: map_delete(journey_map=journey_map),
)


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
) -> None:
    """Delete a trashed map for good: the real CASCADE (stages, cards, op log, versions,
    event logs, share links)."""
    trashbin.purge(kind=MAPS, pk=map_id, actor=actor, address=address)


def trash_purge(*, older_than: datetime) -> dict[str, int]:
    """Delete for good every map and persona trashed before `older_than`
    (`trashbin.purge_expired`). Returns the counts."""
    return {
        "maps": trashbin.purge_expired(kind=MAPS, older_than=older_than),
        "personas": trashbin.purge_expired(kind=PERSONAS, older_than=older_than),
    }
