"""Personas, channels, segments, features and customers over REST. Views validate, check
the role, call one service and serialize."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.workspaces.api.base import WorkspaceScopedViewSet, uuid_param

from .. import services
from ..imports import CsvRejected, customers_import, purchases_import
from ..models import Channel, CustomerProfile, Feature, Persona, Segment
from ..photos import (
    PhotoRejected,
    PhotoUploadHandler,
    check_content_length,
    max_bytes,
    process_photo,
)
from ..selectors import segment_customers
from . import serializers as s

WORKSPACE_PARAM = OpenApiParameter("workspace", str, description="only this workspace's records")


class CrudViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceScopedViewSet,
):
    """Create and update go through `save_service(instance=…, data=…)`."""

    def save(self, instance: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _save(self, instance: Any, data: dict[str, Any]) -> Any:
        try:
            return self.save(instance, data)
        except services.AlreadyUsed as taken:
            raise exceptions.ValidationError(
                {taken.field: ["already used in this workspace"]}
            ) from None

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        workspace = data.pop("workspace")
        self.require_writer(workspace.pk)
        instance = self.model(workspace=workspace)
        serializer.instance = self._save(instance, data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = self._save(serializer.instance, dict(serializer.validated_data))

    def perform_destroy(self, instance: Any) -> None:
        services.record_delete(record=instance)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            WORKSPACE_PARAM,
            OpenApiParameter("tier", str, description="primary, secondary or negative"),
            OpenApiParameter("stale", bool, description="only personas overdue for review"),
        ]
    )
)
class PersonaViewSet(CrudViewSet):
    model = Persona
    serializer_class = s.PersonaSerializer
    ordering_fields = ["name", "tier", "last_reviewed_at", "updated_at"]

    def get_queryset(self) -> QuerySet[Persona]:
        queryset = super().get_queryset().prefetch_related("preferred_channels", "segments")
        tier = self.request.query_params.get("tier")
        if tier:
            queryset = queryset.filter(tier=tier)
        return queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.query_params.get("stale") in ("1", "true"):
            personas = [p for p in self.filter_queryset(self.get_queryset()) if p.is_stale]
            return Response(self.get_serializer(personas, many=True).data)
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        workspace = data.pop("workspace")
        self.require_writer(workspace.pk)
        data.setdefault("owner", self.request.user)
        serializer.instance = services.persona_create(
            workspace=workspace, actor=self.request.user, data=data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.persona_update(
            persona=serializer.instance, actor=self.request.user, data=serializer.validated_data
        )

    def perform_destroy(self, instance: Persona) -> None:
        services.persona_delete(persona=instance)

    @extend_schema(
        methods=["PUT"],
        request={"multipart/form-data": s.PhotoUploadSerializer},
        responses={
            200: s.PersonaSerializer,
            400: OpenApiResponse(description="not a JPEG, PNG or WebP image, or too many pixels"),
            413: OpenApiResponse(description="larger than PHOTO_MAX_BYTES"),
        },
    )
    @extend_schema(methods=["DELETE"], request=None, responses={200: s.PersonaSerializer})
    @action(detail=True, methods=["put", "delete"], parser_classes=[MultiPartParser])
    def photo(self, request: Request, pk: str | None = None) -> Response:
        """Set (PUT, multipart field `photo`) or remove (DELETE) the persona's photo. The
        image is checked, stripped of its metadata and stored afresh; what is kept is served
        at the `photo` URL, to members of the workspace only."""
        persona = self.get_object()  # 404 / 403 before a byte of the body is read
        if request.method == "DELETE":
            persona = services.persona_set_photo(persona=persona, actor=request.user, photo=None)
            return Response(self.get_serializer(persona).data)
        check_content_length(request.META)
        request._request.upload_handlers = [PhotoUploadHandler(request._request, limit=max_bytes())]
        upload = s.PhotoUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            photo = process_photo(upload.validated_data["photo"].read())
        except PhotoRejected as rejected:
            raise exceptions.ValidationError({"photo": [str(rejected)]}) from None
        persona = services.persona_set_photo(persona=persona, actor=request.user, photo=photo)
        return Response(self.get_serializer(persona).data)

    @extend_schema(responses=s.PersonaVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        persona = self.get_object()
        versions = persona.versions.select_related("created_by")
        return Response(s.PersonaVersionSerializer(versions, many=True).data)

    @extend_schema(request=s.ReviewSerializer, responses=s.PersonaSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        persona = self.get_object()
        data = s.ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        persona = services.persona_mark_reviewed(
            persona=persona, actor=request.user, on=data.validated_data.get("reviewed_on")
        )
        return Response(self.get_serializer(persona).data)


@extend_schema_view(list=extend_schema(parameters=[WORKSPACE_PARAM]))
class ChannelViewSet(CrudViewSet):
    model = Channel
    serializer_class = s.ChannelSerializer
    ordering_fields = ["name", "kind"]

    def save(self, instance: Channel, data: dict[str, Any]) -> Channel:
        return services.channel_save(channel=instance, data=data)


@extend_schema_view(list=extend_schema(parameters=[WORKSPACE_PARAM]))
class SegmentViewSet(CrudViewSet):
    model = Segment
    serializer_class = s.SegmentSerializer
    ordering_fields = ["name", "updated_at"]

    def get_queryset(self) -> QuerySet[Segment]:
        return super().get_queryset().prefetch_related("personas")

    def save(self, instance: Segment, data: dict[str, Any]) -> Segment:
        return services.segment_save(segment=instance, data=data)

    @extend_schema(responses=s.CustomerSerializer(many=True))
    @action(detail=True, methods=["get"])
    def customers(self, request: Request, pk: str | None = None) -> Response:
        customers = segment_customers(segment=self.get_object()).order_by("external_id")
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(s.CustomerSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[WORKSPACE_PARAM, OpenApiParameter("persona", str, description="tagged to")]
    )
)
class FeatureViewSet(CrudViewSet):
    model = Feature
    serializer_class = s.FeatureSerializer
    ordering_fields = ["name", "status", "updated_at"]

    def get_queryset(self) -> QuerySet[Feature]:
        queryset = super().get_queryset().prefetch_related("persona_tags")
        persona = self.request.query_params.get("persona")
        if persona:
            queryset = queryset.filter(persona_tags__persona_id=uuid_param(persona, "persona"))
        return queryset

    def save(self, instance: Feature, data: dict[str, Any]) -> Feature:
        return services.feature_save(feature=instance, data=data)


@extend_schema_view(list=extend_schema(parameters=[WORKSPACE_PARAM]))
class CustomerViewSet(CrudViewSet):
    model = CustomerProfile
    serializer_class = s.CustomerSerializer
    ordering_fields = ["external_id", "name", "age", "created_at"]
    body_scoped_actions = frozenset({"create", "import_csv"})

    def save(self, instance: CustomerProfile, data: dict[str, Any]) -> CustomerProfile:
        return services.customer_save(customer=instance, data=data)

    @extend_schema(
        request=s.CsvImportSerializer,
        responses={
            200: s.CsvImportResultSerializer,
            400: OpenApiResponse(
                s.CsvRejectedSerializer, description="the file was refused; nothing changed"
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def import_csv(self, request: Request) -> Response:
        """Upload customers (or, with kind=purchases, their purchases) as CSV. All rows are
        checked before anything is written; a refused file lists every bad row."""
        data = s.CsvImportSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        workspace = data.validated_data["workspace"]
        self.require_writer(workspace.pk)
        run = customers_import if data.validated_data["kind"] == "customers" else purchases_import
        try:
            result = run(workspace=workspace, stream=data.validated_data["stream"])
        except CsvRejected as rejected:
            return Response(
                {"code": "invalid", "detail": str(rejected), "errors": rejected.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {"created": result.created, "updated": result.updated, "purchases": result.purchases}
        )
