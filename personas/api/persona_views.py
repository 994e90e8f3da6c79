"""Personas over REST: edit with per-field conflict checks, photo, versions and restore,
reviews, evidence and the workspace's persona template. Views validate, check the role,
call one service and serialize."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.core.addresses import client_address
from journeymap.workspaces.access import role_in
from journeymap.workspaces.api.base import member_workspace, share_link_of
from journeymap.workspaces.models import WRITE_ROLES, Workspace

from .. import services
from ..models import Persona, PersonaReview
from ..persona_read import persona_evidence, persona_since_review, persona_template_sections
from ..photos import (
    PhotoRejected,
    PhotoUploadHandler,
    check_content_length,
    max_bytes,
    process_photo,
)
from ..template import SECTION_LABELS
from ..trash import NotInTrash, persona_trash
from . import persona_serializers as ps
from .crud import WORKSPACE_PARAM, CrudViewSet

ORDERINGS = {
    "name": ["name"],
    "-name": ["-name"],
    # Never reviewed is the most overdue: it sorts first.
    "last_reviewed_at": [F("last_reviewed_at").asc(nulls_first=True), "name"],
    "-last_reviewed_at": [F("last_reviewed_at").desc(nulls_last=True), "name"],
    "updated_at": ["updated_at"],
    "-updated_at": ["-updated_at"],
}


def conflict_response(conflict: services.PersonaConflict) -> Response:
    names = ", ".join(sorted(conflict.current))
    who = conflict.changed_by or "someone"
    return Response(
        {
            "detail": f"{who} changed {names} while you were editing; nothing was saved",
            "conflicts": conflict.current,
            "version": conflict.version,
            "changed_by": conflict.changed_by,
        },
        status=status.HTTP_409_CONFLICT,
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            WORKSPACE_PARAM,
            OpenApiParameter("tier", str, description="primary, secondary or negative"),
            OpenApiParameter("stale", bool, description="only personas overdue for review"),
            OpenApiParameter("search", str, description="in name, job title, company and bio"),
            OpenApiParameter("ordering", str, enum=sorted(ORDERINGS)),
        ]
    ),
    partial_update=extend_schema(
        responses={200: ps.PersonaSerializer, 409: ps.ConflictSerializer},
    ),
    update=extend_schema(
        responses={200: ps.PersonaSerializer, 409: ps.ConflictSerializer},
    ),
)
class PersonaViewSet(CrudViewSet):
    model = Persona
    serializer_class = ps.PersonaSerializer
    # Ordering is ORDERINGS' (never-reviewed first), not the generic filter's.
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Persona]:
        queryset = (
            super()
            .get_queryset()
            .select_related("owner")
            .prefetch_related("preferred_channels", "segments")
            .annotate(version_number=Max("versions__number"))
        )
        params = self.request.query_params
        tier = params.get("tier")
        if tier:
            queryset = queryset.filter(tier=tier)
        search = (params.get("search") or "").strip()[:100]
        if search:
            queryset = queryset.filter(
                Q(name__icontains=search)
                | Q(job_title__icontains=search)
                | Q(company__icontains=search)
                | Q(bio__icontains=search)
            )
        ordering = params.get("ordering") or "name"
        if ordering not in ORDERINGS:
            raise exceptions.ValidationError(
                {"ordering": [f"use one of {', '.join(sorted(ORDERINGS))}"]}
            )
        return queryset.order_by(*ORDERINGS[ordering])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.query_params.get("stale") in ("1", "true"):
            personas = [p for p in self.get_queryset() if p.is_stale]
            return Response(self.get_serializer(personas, many=True).data)
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("base_version", None)
        workspace = data.pop("workspace")
        self.require_writer(workspace.pk)
        data.setdefault("owner", self.request.user)
        serializer.instance = services.persona_create(
            workspace=workspace, actor=self.request.user, data=data
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().update(request, *args, **kwargs)
        except services.PersonaConflict as conflict:
            return conflict_response(conflict)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        base_version = data.pop("base_version", None)
        serializer.instance = services.persona_update(
            persona=serializer.instance,
            actor=self.request.user,
            data=data,
            base_version=base_version,
        )

    def perform_destroy(self, instance: Persona) -> None:
        # To the trash (restorable for TRASH_RETENTION_DAYS), not gone: docs/trash-and-audit.md.
        try:
            persona_trash(
                persona=instance,
                actor=self.request.user,
                address=client_address(self.request._request),
            )
        except NotInTrash:
            raise exceptions.NotFound("no such persona") from None

    @extend_schema(
        methods=["PUT"],
        request={"multipart/form-data": ps.PhotoUploadSerializer},
        responses={
            200: ps.PersonaSerializer,
            400: OpenApiResponse(description="not a JPEG, PNG or WebP image, or too many pixels"),
            413: OpenApiResponse(description="larger than PHOTO_MAX_BYTES"),
        },
    )
    @extend_schema(methods=["DELETE"], request=None, responses={200: ps.PersonaSerializer})
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
        upload = ps.PhotoUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            photo = process_photo(upload.validated_data["photo"].read())
        except PhotoRejected as rejected:
            raise exceptions.ValidationError({"photo": [str(rejected)]}) from None
        persona = services.persona_set_photo(persona=persona, actor=request.user, photo=photo)
        return Response(self.get_serializer(persona).data)

    @extend_schema(responses=ps.PersonaVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        persona = self.get_object()
        versions = persona.versions.select_related("created_by")
        return Response(ps.PersonaVersionSerializer(versions, many=True).data)

    @extend_schema(
        request=None,
        responses={200: ps.PersonaSerializer, 404: OpenApiResponse(description="no such version")},
    )
    @action(detail=True, methods=["post"], url_path=r"versions/(?P<number>[0-9]{1,9})/restore")
    def restore(self, request: Request, pk: str | None = None, number: str = "") -> Response:
        """Put back every field of that version (not the photo, not the review date) as a
        new version."""
        persona = self.get_object()
        version = get_object_or_404(persona.versions, number=int(number))
        persona = services.persona_restore(persona=persona, actor=request.user, version=version)
        return Response(self.get_serializer(persona).data)

    @extend_schema(request=ps.ReviewSerializer, responses=ps.PersonaSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        persona = self.get_object()
        data = ps.ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        persona = services.persona_mark_reviewed(
            persona=persona,
            actor=request.user,
            on=data.validated_data.get("reviewed_on"),
            note=data.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(persona).data)

    @extend_schema(responses=ps.PersonaReviewSerializer(many=True))
    @action(detail=True, methods=["get"])
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        persona = self.get_object()
        reviews = PersonaReview.objects.filter(persona=persona).select_related("reviewed_by")
        return Response(ps.PersonaReviewSerializer(reviews, many=True).data)

    @extend_schema(responses=ps.SinceReviewSerializer)
    @action(detail=True, methods=["get"], url_path="since-review")
    def since_review(self, request: Request, pk: str | None = None) -> Response:
        """What changed since the last review, field by field, and how much research
        arrived since."""
        summary = persona_since_review(persona=self.get_object())
        return Response(ps.SinceReviewSerializer(summary).data)

    @extend_schema(responses=ps.EvidenceSummarySerializer)
    @action(detail=True, methods=["get"])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        """Which field groups are backed by interview evidence, and by which notes."""
        summary = persona_evidence(persona=self.get_object())
        return Response(ps.EvidenceSummarySerializer(summary).data)


class PersonaTemplateView(APIView):
    """The workspace's persona template: which sections show, in which order."""

    @extend_schema(
        parameters=[OpenApiParameter("workspace", str, required=True)],
        responses=ps.PersonaTemplateSerializer,
    )
    def get(self, request: Request) -> Response:
        workspace = Workspace.objects.get(pk=member_workspace(request))
        sections = persona_template_sections(workspace=workspace)
        return Response({"workspace": workspace.pk, "sections": sections})

    @extend_schema(request=ps.PersonaTemplateSerializer, responses=ps.PersonaTemplateSerializer)
    def put(self, request: Request) -> Response:
        body = ps.PersonaTemplateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        role = role_in(user=request.user, workspace_id=body.validated_data["workspace"])
        if role is None or share_link_of(request) is not None:
            raise exceptions.NotFound("no such workspace")
        if role not in WRITE_ROLES:
            raise exceptions.PermissionDenied("your role in this workspace does not allow changes")
        sections = body.validated_data["sections"]
        keys = [section["key"] for section in sections]
        unknown = sorted(set(keys) - set(SECTION_LABELS))
        if unknown:
            raise exceptions.ValidationError({"sections": [f"unknown section(s): {unknown}"]})
        if len(keys) != len(set(keys)) or set(keys) != set(SECTION_LABELS):
            raise exceptions.ValidationError(
                {"sections": [f"name every section once: {', '.join(SECTION_LABELS)}"]}
            )
        workspace = Workspace.objects.get(pk=body.validated_data["workspace"])
        services.persona_template_save(workspace=workspace, sections=sections)
        sections = persona_template_sections(workspace=workspace)
        return Response({"workspace": workspace.pk, "sections": sections})
