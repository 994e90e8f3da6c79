"""The live layer's database reads. Every function here is synchronous and runs in the
database thread (`realtime.db.db`); the event loop never waits on the database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from journeymap.core.actors import actor_info
from journeymap.maps.access import MapAudience, map_access, map_audience
from journeymap.maps.models import JourneyMap
from journeymap.maps.selectors import patches_since, share_view
from journeymap.maps.services.versions import consistent_document
from journeymap.workspaces.models import WRITE_ROLES, ShareLink

from .protocol import PROTOCOL_VERSION, encode
from .sessions import SessionClaim, live_sessions
from .snapshots import MEMBER, SHARE, snapshot_cache, snapshot_frame


@dataclass(frozen=True)
class Principal:
    """Who a socket acts for, fixed at connect; access is re-checked while it is open."""

    role: str  # owner | editor | viewer | share
    user: Any  # the User, or AnonymousUser for a share link
    workspace_id: uuid.UUID
    share_link_id: uuid.UUID | None = None
    info: dict[str, Any] = field(default_factory=dict)  # {id, name} as presence shows it
    # The session the socket signed in with; the access poll ends the socket with it.
    session_key: str | None = None
    session_hash: str | None = None

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def is_share(self) -> bool:
        return self.share_link_id is not None

    @property
    def key(self) -> str:
        """One person or one share link, for the cap on sockets per principal."""
        if self.share_link_id is not None:
            return f"share:{self.share_link_id}"
        return f"user:{getattr(self.user, 'pk', None)}"


def resolve_principal(
    *,
    map_id: uuid.UUID,
    user: Any,
    share_link: ShareLink | None,
    session_key: str | None = None,
    session_hash: str | None = None,
) -> Principal | None:
    """The principal for a socket on this map, or None (the handshake is refused)."""
    access = map_access(map_id=map_id, user=user, share_link=share_link)
    if access is None:
        return None
    if share_link is not None:
        label = share_link.label
        return Principal(
            role=access.role,
            user=user,
            workspace_id=access.workspace_id,
            share_link_id=share_link.id,
            info={"id": None, "name": f"Guest ({label})" if label else "Guest"},
        )
    return Principal(
        role=access.role,
        user=user,
        workspace_id=access.workspace_id,
        info=actor_info(user),
        session_key=session_key,
        session_hash=session_hash,
    )


def role_now(audience: MapAudience, principal: Principal) -> str | None:
    """The role `principal` has on the map now, by the poll's fresh `audience`."""
    return audience.role_of(
        user_id=getattr(principal.user, "pk", None), share_link_id=principal.share_link_id
    )


def poll_access(
    *, map_id: uuid.UUID, with_shares: bool, claims: dict[str, SessionClaim]
) -> tuple[MapAudience, frozenset[str]]:
    """One access poll of a map: who may still see it, and which of its sockets' sessions
    are still signed in. A few queries whatever the number of sockets."""
    audience = map_audience(map_id=map_id, with_shares=with_shares)
    alive = live_sessions(claims=claims) if audience.exists else frozenset()
    return audience, alive


def session_claim(principal: Principal) -> SessionClaim | None:
    if principal.session_key is None:
        return None
    return SessionClaim(user_id=str(principal.user.pk), auth_hash=principal.session_hash)


def sync_frame(
    *,
    map_id: uuid.UUID,
    last_seq: int | None,
    window: int,
    share: bool,
    you: dict[str, Any],
) -> tuple[int, str] | None:
    """Answer a `hello`: the missed patches when there are few enough, else a snapshot.

    A share link always gets a snapshot of the share document: catch-up would replay the
    log, with its comments and who did what. Returns (seq the client will be at, encoded
    frame), or None when the map is gone. The frame is encoded here, in the database thread,
    so a big snapshot never blocks the loop; the document is encoded once per (map, seq).
    """
    journey_map = JourneyMap.objects.filter(id=map_id).first()
    if journey_map is None:
        return None
    if (
        not share
        and last_seq is not None
        and last_seq <= journey_map.seq
        and journey_map.seq - last_seq <= window
    ):
        patches = patches_since(journey_map=journey_map, since=last_seq, limit=window)
        # Batches committed since the map row was read are included: the seq is the last
        # patch's, so nothing is sent twice or skipped.
        seq = patches[-1]["seq"] if patches else last_seq
        if all(patch["seq"] == last_seq + i + 1 for i, patch in enumerate(patches)):
            frame = {"type": "catchup", "seq": seq, "protocol": PROTOCOL_VERSION}
            return seq, encode({**frame, "patches": patches, "you": you})
    kind = SHARE if share else MEMBER
    seq = journey_map.seq
    body = snapshot_cache.get(map_id=str(map_id), seq=seq, kind=kind)
    if body is None:
        document = consistent_document(map_id=map_id)
        if document is None:
            return None
        seq = document["seq"]
        body = encode(share_view(document) if share else document)
        snapshot_cache.put(map_id=str(map_id), seq=seq, kind=kind, body=body)
    return seq, snapshot_frame(seq=seq, body=body, you=you)
