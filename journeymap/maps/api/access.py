"""The REST face of the one map access check (`journeymap.maps.access.map_access`)."""

from __future__ import annotations

import uuid

from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request

from journeymap.workspaces.api.base import share_link_of

from ..access import MapAccess, map_access
from ..models import JourneyMap


def access_map(
    request: Request, map_id: uuid.UUID | str, *, write: bool = False, members_only: bool = False
) -> tuple[JourneyMap, MapAccess]:
    """The map and the caller's access to it. A map the caller cannot see (or, with
    `members_only`, one opened through a share link) is a 404; with `write`, a reader gets
    403."""
    access = map_access(map_id=map_id, user=request.user, share_link=share_link_of(request))
    if access is None or (members_only and not access.is_member):
        raise NotFound("no such map")
    if write and not access.can_write:
        raise PermissionDenied("your role does not allow changing this map")
    journey_map = JourneyMap.objects.filter(id=access.map_id).first()
    if journey_map is None:  # deleted between the two reads
        raise NotFound("no such map")
    return journey_map, access
