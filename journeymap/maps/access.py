"""The one access check for a map: who a principal is on it and what they may do.

REST views, the history API, the WebSocket handshake, the live access poll and `apply_ops` all
ask here, so a rule about who may read or write a map lives in one place:

- a member of the map's workspace has their role (owner, editor or viewer);
- an active share link for *this* map is the read-only role `share`;
- anyone else has no access, and the map answers as absent (404, a refused handshake).

Owners and editors write; members read the map and its history; a share link reads only the
share document (never history, versions or comments).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from journeymap.core import sql
from journeymap.workspaces.models import WRITE_ROLES, Membership, ShareLink
from personas.models import Persona

from .models import ContentAssignment, EmotionPoint, JourneyMap, Touchpoint

SHARE_ROLE = "share"
MEMBER_ROLES = frozenset({"owner", "editor", "viewer"})


@dataclass(frozen=True)
class MapAccess:
    """What one principal may do on one map."""

    map_id: uuid.UUID
    workspace_id: uuid.UUID
    role: str  # owner | editor | viewer | share

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def is_member(self) -> bool:
        """Members see history, versions, comments and who did what; a share link does not."""
        return self.role in MEMBER_ROLES


def active_share_links() -> Q:
    """The filter for links that open their map now: not revoked, not expired."""
    return Q(revoked_at__isnull=True) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def map_access(
    *, map_id: uuid.UUID | str, user: Any, share_link: ShareLink | None = None
) -> MapAccess | None:
    """The access `user` (or `share_link`, which wins: a share URL is read-only whatever
    session the browser also carries) has on a map, or None when they have none or the map
    does not exist — the two are deliberately indistinguishable. One query."""
    try:
        map_id = uuid.UUID(str(map_id))
    except ValueError:
        return None
    if share_link is not None:
        if share_link.map_id != map_id or not share_link.is_active:
            return None
        workspace_id = (
            JourneyMap.objects.filter(id=map_id).values_list("workspace_id", flat=True).first()
        )
        if workspace_id is None:
            return None
        return MapAccess(map_id=map_id, workspace_id=workspace_id, role=SHARE_ROLE)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    row = (
        JourneyMap.objects.filter(id=map_id)
        .annotate(
            role=Subquery(
                Membership.objects.filter(workspace=OuterRef("workspace"), user=user).values(
                    "role"
                )[:1]
            )
        )
        .values_list("workspace_id", "role")
        .first()
    )
    if row is None or row[1] is None:
        return None
    return MapAccess(map_id=map_id, workspace_id=row[0], role=row[1])


@dataclass(frozen=True)
class MapAudience:
    """Everyone who may still open a map, for re-checking many open sockets at once: member
    roles by user id and the ids of active share links. `role_of` applies the same rules as
    `map_access`."""

    exists: bool
    roles: dict[str, str]
    shares: frozenset[str]

    def role_of(self, *, user_id: Any, share_link_id: Any) -> str | None:
        if not self.exists:
            return None
        if share_link_id is not None:
            return SHARE_ROLE if str(share_link_id) in self.shares else None
        return self.roles.get(str(user_id))


@cache
def _audience_sql() -> str:
    """The map (if not in the trash) with each active member's role, in one statement: a
    left join, so a map without members still answers one row, of NULLs."""
    people: Any = get_user_model()
    member_user, role = sql.column(Membership, "user"), sql.column(Membership, "role")
    member_workspace, map_workspace = (
        sql.column(Membership, "workspace"),
        sql.column(JourneyMap, "workspace"),
    )
    person_id, active = sql.column(people, people._meta.pk.name), sql.column(people, "is_active")
    map_id, deleted = sql.column(JourneyMap, "id"), sql.column(JourneyMap, "deleted_at")
    return (
        f"SELECT w.{member_user}, w.{role} "  # noqa: S608 (names from _meta, values are parameters)
        f"FROM {sql.table(JourneyMap)} m LEFT JOIN {sql.table(Membership)} w "
        f"ON w.{member_workspace} = m.{map_workspace} AND EXISTS (SELECT 1 "
        f"FROM {sql.table(people)} u "
        f"WHERE u.{person_id} = w.{member_user} AND u.{active} = %s) "
        f"WHERE m.{map_id} = %s AND m.{deleted} IS NULL"
    )


def map_audience(*, map_id: uuid.UUID, with_shares: bool) -> MapAudience:
    """One statement (two with share sockets), run once per map per process per poll
    interval. Deactivated users are no longer members.

    Written as SQL built once per process, as the write path's fixed statements are
    (`services/writelock.py`): building it with the queryset compiler cost more CPU than the
    database took to run it, in the database thread the map's edits wait on."""
    pk: Any = JourneyMap._meta.pk
    map_param = pk.get_db_prep_value(map_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(_audience_sql(), [True, map_param])
        rows = cursor.fetchall()
    if not rows:
        return MapAudience(exists=False, roles={}, shares=frozenset())
    roles = {str(user_id): str(role) for user_id, role in rows if user_id is not None}
    shares: frozenset[str] = frozenset()
    if with_shares:
        active = ShareLink.objects.filter(active_share_links(), map_id=map_id)
        shares = frozenset(str(pk) for pk in active.values_list("id", flat=True))
    return MapAudience(exists=True, roles=roles, shares=shares)


def persona_photo_visible(*, name: str, user: Any, share_link: ShareLink | None) -> bool:
    """Whether the photo stored as `name` belongs to a persona the caller may see: one of a
    workspace they are a member of, or one the share link's map shows."""
    personas = Persona.objects.filter(photo=name)
    if user is not None and getattr(user, "is_authenticated", False):
        if personas.filter(workspace__memberships__user=user).exists():
            return True
    if share_link is None:
        return False
    map_id = share_link.map_id
    return personas.filter(
        Q(maps__id=map_id)
        | Q(friction_points__map_id=map_id)
        | Exists(EmotionPoint.objects.filter(map_id=map_id, persona=OuterRef("pk")))
        | Exists(Touchpoint.objects.filter(map_id=map_id, persona=OuterRef("pk")))
        | Exists(ContentAssignment.objects.filter(map_id=map_id, persona=OuterRef("pk")))
    ).exists()
