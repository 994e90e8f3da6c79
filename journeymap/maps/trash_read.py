"""Reads of the trash: what a workspace has in it, newest first, and when each item goes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from journeymap.core.actors import actor_info
from personas.models import Persona

from .models import JourneyMap

KINDS = ("map", "persona")


def purge_date(deleted_at: datetime) -> datetime:
    """When `manage.py purge_trash` may delete an item trashed at `deleted_at`."""
    return deleted_at + timedelta(days=settings.TRASH_RETENTION_DAYS)


def _deleted_by(user: Any) -> dict[str, str] | None:
    return None if user is None else actor_info(user)


def trash_items(*, workspace_id: Any) -> list[dict[str, Any]]:
    """The trashed maps and personas of a workspace, newest first. Two queries."""
    maps = JourneyMap.all_objects.filter(
        workspace_id=workspace_id, deleted_at__isnull=False
    ).select_related("deleted_by")
    personas = Persona.all_objects.filter(
        workspace_id=workspace_id, deleted_at__isnull=False
    ).select_related("deleted_by")
    items: list[dict[str, Any]] = [
        {
            "kind": "map",
            "id": str(row.pk),
            "title": row.title,
            "deleted_at": row.deleted_at,
            "deleted_by": _deleted_by(row.deleted_by),
            "purge_at": purge_date(row.deleted_at),
        }
        for row in maps
        if row.deleted_at is not None
    ]
    items += [
        {
            "kind": "persona",
            "id": str(row.pk),
            "title": row.name,
            "deleted_at": row.deleted_at,
            "deleted_by": _deleted_by(row.deleted_by),
            "purge_at": purge_date(row.deleted_at),
        }
        for row in personas
        if row.deleted_at is not None
    ]
    items.sort(key=lambda item: (item["deleted_at"], item["id"]), reverse=True)
    return items


def trashed_workspace(*, kind: str, item_id: Any) -> Any | None:
    """The workspace id of a trashed item, or None when there is no such item in the trash."""
    model: Any = JourneyMap if kind == "map" else Persona
    return (
        model.all_objects.filter(pk=item_id, deleted_at__isnull=False)
        .values_list("workspace_id", flat=True)
        .first()
    )
