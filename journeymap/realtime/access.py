"""The live layer's database reads. Every function here is synchronous and runs in the
database thread (`realtime.db.db`); the event loop never waits on the database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from journeymap.maps.models import JourneyMap
from journeymap.maps.selectors import patches_since
from journeymap.maps.services.ops import actor_info
from journeymap.maps.services.versions import consistent_document
from journeymap.workspaces.models import WRITE_ROLES, Membership, ShareLink

from .protocol import encode

SHARE_ROLE = "share"


@dataclass(frozen=True)
class Principal:
    """Who a socket acts for, fixed at connect; access is re-checked while it is open."""

    role: str  # owner | editor | viewer | share
    user: Any  # the User, or AnonymousUser for a share link
    workspace_id: uuid.UUID
    share_link_id: uuid.UUID | None = None
    info: dict[str, Any] = field(default_factory=dict)  # {id, name} as presence shows it

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES


def resolve_principal(
    *, map_id: uuid.UUID, user: Any, share_link: ShareLink | None
) -> Principal | None:
    """The principal for a socket on this map, or None (the handshake is refused)."""
    workspace_id = (
        JourneyMap.objects.filter(id=map_id).values_list("workspace_id", flat=True).first()
    )
    if workspace_id is None:
        return None
    if share_link is not None:
        if share_link.map_id != map_id or not share_link.is_active:
            return None
        return Principal(
            role=SHARE_ROLE,
            user=user,
            workspace_id=workspace_id,
            share_link_id=share_link.id,
            info={
                "id": None,
                "name": f"Guest ({share_link.label})" if share_link.label else "Guest",
            },
        )
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    role = (
        Membership.objects.filter(workspace_id=workspace_id, user=user)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        return None
    return Principal(role=role, user=user, workspace_id=workspace_id, info=actor_info(user))


@dataclass(frozen=True)
class Access:
    """Who may still see a map: member roles by user id and active share-link ids."""

    exists: bool
    roles: dict[str, str]
    shares: frozenset[str]

    def role_of(self, principal: Principal) -> str | None:
        if not self.exists:
            return None
        if principal.share_link_id is not None:
            return SHARE_ROLE if str(principal.share_link_id) in self.shares else None
        return self.roles.get(str(principal.user.pk))


def current_access(*, map_id: uuid.UUID, with_shares: bool) -> Access:
    """Two or three indexed queries, run once per map per process per poll interval."""
    workspace_id = (
        JourneyMap.objects.filter(id=map_id).values_list("workspace_id", flat=True).first()
    )
    if workspace_id is None:
        return Access(exists=False, roles={}, shares=frozenset())
    roles = {
        str(user_id): role
        for user_id, role in Membership.objects.filter(workspace_id=workspace_id).values_list(
            "user_id", "role"
        )
    }
    shares: frozenset[str] = frozenset()
    if with_shares:
        now = timezone.now()
        active = ShareLink.objects.filter(map_id=map_id, revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
        shares = frozenset(str(pk) for pk in active.values_list("id", flat=True))
    return Access(exists=True, roles=roles, shares=shares)


def sync_frame(
    *, map_id: uuid.UUID, last_seq: int | None, window: int, extra: dict[str, Any]
) -> tuple[int, str] | None:
    """Answer a `hello`: the missed patches when there are few enough, else a snapshot.

    Returns (seq the client will be at, encoded frame), or None when the map is gone. The
    frame is encoded here, in the database thread, so a big snapshot never blocks the loop.
    """
    journey_map = JourneyMap.objects.filter(id=map_id).first()
    if journey_map is None:
        return None
    if (
        last_seq is not None
        and last_seq <= journey_map.seq
        and journey_map.seq - last_seq <= window
    ):
        patches = patches_since(journey_map=journey_map, since=last_seq, limit=window)
        # Batches committed since the map row was read are included: the seq is the last
        # patch's, so nothing is sent twice or skipped.
        seq = patches[-1]["seq"] if patches else last_seq
        if all(patch["seq"] == last_seq + i + 1 for i, patch in enumerate(patches)):
            return seq, encode({"type": "catchup", "seq": seq, "patches": patches, **extra})
    document = consistent_document(map_id=map_id)
    if document is None:
        return None
    seq = document["seq"]
    return seq, encode({"type": "snapshot", "seq": seq, "map": document, **extra})
