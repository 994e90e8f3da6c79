"""Maps over REST. Content writes are op batches through `apply_ops`, exactly as on the
WebSocket, so a script's edit reaches every open board."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.core.addresses import client_address
from journeymap.core.metrics import APPLY_OPS
from journeymap.workspaces.access import share_link_for_token
from journeymap.workspaces.api.base import (
    WorkspaceRole,
    WorkspaceScopedViewSet,
    share_link_of,
    uuid_param,
)
from journeymap.workspaces.models import Workspace

from ..models import JourneyMap, Stage
from ..selectors import map_document, patches_since, share_document
from ..services.maps import map_create
from ..services.ops import apply_ops
from ..services.trash import NotInTrash, map_trash
from . import serializers as s
from .access import access_map

# What a share link may do with its one map.
SHARE_ACTIONS = frozenset({"retrieve"})


class MapPermission(WorkspaceRole):
    """Signed-in callers, or a share link on the actions it allows. What a caller may do on
    one map is decided by `get_object`, through the one access check."""

    def has_permission(self, request: Request, view: Any) -> bool:
        link = share_link_of(request)
        if link is not None:
            return request.method in permissions.SAFE_METHODS and view.action in SHARE_ACTIONS
        return super().has_permission(request, view)


class MapViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceScopedViewSet,
):
    model = JourneyMap
    permission_classes = [MapPermission]
    serializer_class = s.MapSummarySerializer
    ordering_fields = ["title", "created_at", "updated_at"]
    ordering = ["-updated_at"]

    def get_queryset(self) -> QuerySet[JourneyMap]:
        link = share_link_of(self.request)
        if link is not None:
            return JourneyMap.objects.filter(pk=link.map_id)
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        persona = self.request.query_params.get("persona")
        if persona:
            queryset = queryset.filter(personas__id=uuid_param(persona, "persona"))
        if self.action == "list":
            stages = (
                Stage.objects.filter(map=OuterRef("pk"))
                .values("map")
                .annotate(n=Count("pk"))
                .values("n")
            )
            queryset = queryset.annotate(
                stage_count=Coalesce(Subquery(stages, output_field=IntegerField()), 0)
            ).prefetch_related("personas")
        return queryset

    def get_object(self) -> JourneyMap:
        journey_map, _ = access_map(
            self.request,
            self.kwargs["pk"],
            write=self.request.method not in permissions.SAFE_METHODS,
            members_only=self.action not in SHARE_ACTIONS,
        )
        return journey_map

    @extend_schema(
        parameters=[
            OpenApiParameter("workspace", str, description="only maps of this workspace"),
            OpenApiParameter("persona", str, description="only maps for this persona"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=s.MapDocumentSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        journey_map = self.get_object()
        if share_link_of(request) is not None:
            # The same share document as /api/share/<token>/ and the share socket.
            return Response(share_document(journey_map=journey_map))
        return Response(map_document(journey_map=journey_map))

    @extend_schema(request=s.MapCreateSerializer, responses={201: s.MapSummarySerializer})
    def create(self, request: Request) -> Response:
        data = s.MapCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.require_writer(data.validated_data["workspace"])
        journey_map = map_create(
            workspace=Workspace.objects.get(pk=data.validated_data["workspace"]),
            actor=request.user,
            title=data.validated_data["title"],
            description=data.validated_data["description"],
            personas=data.validated_data["personas"],
            template=data.validated_data["template"],
        )
        return Response(map_document(journey_map=journey_map), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MapUpdateSerializer, responses=s.MapDocumentSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        journey_map = self.get_object()
        data = s.MapUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data:
            fields = {
                name: [str(pk) for pk in value] if name == "personas" else value
                for name, value in data.validated_data.items()
            }
            apply_ops(
                map_id=journey_map.pk,
                actor=request.user,
                client_id="rest",
                op_id=uuid.uuid4(),
                ops=[
                    {
                        "action": "update",
                        "entity": "map",
                        "id": str(journey_map.pk),
                        "fields": fields,
                    }
                ],
            )
            journey_map.refresh_from_db()
        return Response(map_document(journey_map=journey_map))

    def perform_destroy(self, instance: JourneyMap) -> None:
        # To the trash (restorable for TRASH_RETENTION_DAYS), not gone: docs/trash-and-audit.md.
        try:
            map_trash(
                journey_map=instance,
                actor=self.request.user,
                address=client_address(self.request._request),
            )
        except NotInTrash:
            raise exceptions.NotFound("no such map") from None

    @extend_schema(methods=["POST"], request=s.OpsEnvelopeSerializer, responses=s.AppliedSerializer)
    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("since", int, description="patches after this seq")],
        responses=s.PatchListSerializer,
    )
    @action(detail=True, methods=["get", "post"])
    def ops(self, request: Request, pk: str | None = None) -> Response:
        journey_map = self.get_object()
        if request.method == "GET":
            since = _int_param(request.query_params.get("since", "0"), "since")
            patches = patches_since(
                journey_map=journey_map, since=since, limit=settings.CATCHUP_WINDOW
            )
            return Response({"seq": journey_map.seq, "patches": patches})
        envelope = s.OpsEnvelopeSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        started = time.perf_counter()
        applied = apply_ops(
            map_id=journey_map.pk,
            actor=request.user,
            client_id=envelope.validated_data["client_id"] or "rest",
            op_id=envelope.validated_data["op_id"],
            ops=envelope.validated_data["ops"],
        )
        APPLY_OPS.labels("rest").observe(time.perf_counter() - started)
        return Response(
            {
                "seq": applied.seq,
                "op_id": str(applied.op_id),
                "duplicate": applied.duplicate,
                "ops": applied.ops,
            }
        )

    @extend_schema(responses=s.TemplateSerializer(many=True))
    @action(detail=False, methods=["get"])
    def templates(self, request: Request) -> Response:
        from ..services.templates import MAP_TEMPLATES

        return Response(
            [
                {"key": key, "name": spec["name"], "description": spec["description"]}
                for key, spec in MAP_TEMPLATES.items()
            ]
        )


class SharedMapView(APIView):
    """The read-only map a share link opens. The token in the path is the credential."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=s.MapDocumentSerializer)
    def get(self, request: Request, token: str) -> Response:
        link = share_link_for_token(token)
        if link is None:
            raise exceptions.NotFound("this share link is unknown, revoked or expired")
        return Response(share_document(journey_map=link.map))


def _int_param(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise exceptions.ValidationError({name: ["must be an integer"]}) from None
    if number < 0:
        raise exceptions.ValidationError({name: ["must be 0 or more"]})
    return number
