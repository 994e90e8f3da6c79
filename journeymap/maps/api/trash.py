"""The trash over REST (docs/trash-and-audit.md).

GET /api/trash/?workspace=<id> lists trashed maps and personas, newest first, to the owners
and editors of the workspace (the people who could have deleted them); a viewer gets 403.
POST /api/trash/<kind>/<id>/restore/ brings an item back (owners and editors);
DELETE /api/trash/<kind>/<id>/ deletes it for good (owners only). An item of a workspace the
caller is not in, or one that is not in the trash, is a 404 whatever the request.
"""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.core.addresses import client_address
from journeymap.workspaces.access import role_in
from journeymap.workspaces.api.base import WorkspaceRole, member_workspace
from journeymap.workspaces.models import WRITE_ROLES
from personas.trash import persona_purge, persona_restore

from ..services.trash import NotInTrash, map_purge, map_restore
from ..trash_read import KINDS, trash_items, trashed_workspace


class DeletedByOut(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class TrashItemOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["map", "persona"])
    id = serializers.UUIDField()
    title = serializers.CharField(help_text="the map's title or the persona's name")
    deleted_at = serializers.DateTimeField()
    deleted_by = DeletedByOut(allow_null=True)
    purge_at = serializers.DateTimeField(help_text="when it is deleted for good")


class RestoredOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["map", "persona"])
    id = serializers.UUIDField()
    title = serializers.CharField()
    workspace = serializers.UUIDField()


NOT_FOUND = OpenApiResponse(description="no such item in the trash of a workspace you are in")
ITEM_PARAMETERS = [
    OpenApiParameter(
        "kind", str, OpenApiParameter.PATH, enum=["map", "persona"], description="what it is"
    ),
    OpenApiParameter("item_id", uuid.UUID, OpenApiParameter.PATH, description="its id"),
]


def _role_on_trashed(request: Request, kind: str, item_id: uuid.UUID) -> str:
    """The caller's role in the workspace of a trashed item; 404 when the item is not in the
    trash or its workspace is not the caller's (indistinguishable on purpose)."""
    if kind not in KINDS:
        raise exceptions.NotFound("the kind is map or persona")
    workspace_id = trashed_workspace(kind=kind, item_id=item_id)
    role = None if workspace_id is None else role_in(user=request.user, workspace_id=workspace_id)
    if role is None:
        raise exceptions.NotFound(f"no such {kind} in the trash")
    return role


class TrashListView(APIView):
    permission_classes = [WorkspaceRole]

    @extend_schema(
        operation_id="trash_list",
        parameters=[
            OpenApiParameter("workspace", str, required=True, description="the workspace's id")
        ],
        responses={
            200: TrashItemOut(many=True),
            403: OpenApiResponse(description="viewers do not see the trash"),
            404: OpenApiResponse(description="no such workspace"),
        },
    )
    def get(self, request: Request) -> Response:
        workspace_id = member_workspace(request)
        if role_in(user=request.user, workspace_id=workspace_id) not in WRITE_ROLES:
            raise exceptions.PermissionDenied("only owners and editors see the trash")
        return Response(TrashItemOut(trash_items(workspace_id=workspace_id), many=True).data)


class TrashRestoreView(APIView):
    permission_classes = [WorkspaceRole]

    @extend_schema(
        operation_id="trash_restore",
        parameters=ITEM_PARAMETERS,
        request=None,
        responses={
            200: RestoredOut,
            403: OpenApiResponse(description="viewers cannot restore"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, kind: str, item_id: uuid.UUID) -> Response:
        if _role_on_trashed(request, kind, item_id) not in WRITE_ROLES:
            raise exceptions.PermissionDenied("your role does not allow restoring")
        address = client_address(request._request)
        try:
            if kind == "map":
                journey_map = map_restore(map_id=item_id, actor=request.user, address=address)
                data: dict[str, Any] = {
                    "title": journey_map.title,
                    "workspace": journey_map.workspace_id,
                }
            else:
                persona = persona_restore(persona_id=item_id, actor=request.user, address=address)
                data = {"title": persona.name, "workspace": persona.workspace_id}
        except NotInTrash:  # restored or purged since the check
            raise exceptions.NotFound(f"no such {kind} in the trash") from None
        return Response(RestoredOut({"kind": kind, "id": item_id, **data}).data)


class TrashItemView(APIView):
    permission_classes = [WorkspaceRole]

    @extend_schema(
        operation_id="trash_purge",
        parameters=ITEM_PARAMETERS,
        responses={
            204: None,
            403: OpenApiResponse(description="only owners delete for good"),
            404: NOT_FOUND,
        },
    )
    def delete(self, request: Request, kind: str, item_id: uuid.UUID) -> Response:
        if _role_on_trashed(request, kind, item_id) != "owner":
            raise exceptions.PermissionDenied("only owners can delete for good")
        address = client_address(request._request)
        try:
            if kind == "map":
                map_purge(map_id=item_id, actor=request.user, address=address)
            else:
                persona_purge(persona_id=item_id, actor=request.user, address=address)
        except NotInTrash:
            raise exceptions.NotFound(f"no such {kind} in the trash") from None
        return Response(status=status.HTTP_204_NO_CONTENT)
