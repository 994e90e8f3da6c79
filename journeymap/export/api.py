"""Export endpoints. Thin: check access, parse options, call one service, send the bytes.

GET /api/maps/<id>/export.pdf|png|csv (members and share links),
GET /api/personas/<id>/sheet.pdf (members of the persona's workspace) and
GET /api/feature-priorities/export.csv?workspace= (members of that workspace)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.core.addresses import client_address
from journeymap.core.api.schema import ErrorSerializer
from journeymap.maps.api.access import access_map
from journeymap.workspaces.api.base import member_workspace, share_link_of

from .models import ExportFormat
from .options import SECTIONS, ExportOptions, OptionsRejected, parse_options
from .selectors import personas_visible_to
from .services import (
    Caller,
    Export,
    ExportRefused,
    export_features_csv,
    export_map,
    export_map_csv,
    export_persona_sheet,
)

PAPER = OpenApiParameter("paper", str, enum=["a4", "a3"], description="landscape paper size (a4)")
PERSONAS = OpenApiParameter(
    "personas", str, description="comma-separated persona ids (default: the map's)"
)
SECTION_PARAM = OpenApiParameter(
    "sections", str, description=f"comma-separated, any of: {', '.join(SECTIONS)} (default: all)"
)
ERRORS: dict[Any, OpenApiResponse] = {
    (413, "application/json"): OpenApiResponse(
        ErrorSerializer, description="The map is past the export's size limits"
    ),
    (422, "application/json"): OpenApiResponse(
        ErrorSerializer, description="The render was cut off by its time or memory limit"
    ),
}


def _binary(content_type: str, what: str) -> dict[Any, OpenApiResponse]:
    # Keyed by (status, media type), so the schema names the binary answer's content type.
    answer = OpenApiResponse(OpenApiTypes.BINARY, description=what)
    return {(200, content_type): answer, **ERRORS}


def _send(export: Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Content-Length"] = str(len(export.content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(error: ExportRefused | OptionsRejected) -> Response:
    if isinstance(error, OptionsRejected):
        return Response(
            {"code": "invalid", "detail": error.detail, "field": error.field}, status=400
        )
    return Response({"code": error.code, "detail": error.detail}, status=error.status)


def _options(request: Request) -> ExportOptions:
    params = request.query_params
    return parse_options(
        personas=params.get("personas"), sections=params.get("sections"), paper=params.get("paper")
    )


def _caller(request: Request) -> Caller:
    return Caller(
        user=request.user,
        share_link=share_link_of(request),
        address=client_address(request._request),
    )


class SignedInOrShareLink(permissions.BasePermission):
    """Signed-in callers, or a share link (reads only); which map either may export is
    decided by `access_map`, the one access check."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if share_link_of(request) is not None:
            return request.method in permissions.SAFE_METHODS
        return bool(request.user and request.user.is_authenticated)


class _MapExport(APIView):
    permission_classes = [SignedInOrShareLink]
    fmt: str

    def get(self, request: Request, map_id: uuid.UUID) -> HttpResponse | Response:
        journey_map, _ = access_map(request, map_id)
        try:
            return _send(
                export_map(
                    journey_map=journey_map,
                    caller=_caller(request),
                    options=_options(request),
                    fmt=self.fmt,
                )
            )
        except (ExportRefused, OptionsRejected) as error:
            return _refused(error)


class MapPdfView(_MapExport):
    fmt = ExportFormat.PDF

    @extend_schema(
        summary="The map as a stakeholder report (PDF)",
        parameters=[PERSONAS, SECTION_PARAM, PAPER],
        responses=_binary("application/pdf", "the report"),
    )
    def get(self, request: Request, map_id: uuid.UUID) -> HttpResponse | Response:
        return super().get(request, map_id)


class MapPngView(_MapExport):
    fmt = ExportFormat.PNG

    @extend_schema(
        summary="The first page of the map grid (PNG)",
        parameters=[PERSONAS, PAPER],
        responses=_binary("image/png", "the grid page"),
    )
    def get(self, request: Request, map_id: uuid.UUID) -> HttpResponse | Response:
        return super().get(request, map_id)


class MapCsvView(APIView):
    permission_classes = [SignedInOrShareLink]

    @extend_schema(
        summary="Every item on the map (CSV)",
        responses=_binary(
            "text/csv", "stage, lane, kind, title, description, channel, persona, severity, emotion"
        ),
    )
    def get(self, request: Request, map_id: uuid.UUID) -> HttpResponse | Response:
        journey_map, _ = access_map(request, map_id)
        try:
            return _send(export_map_csv(journey_map=journey_map, caller=_caller(request)))
        except ExportRefused as error:
            return _refused(error)


class PersonaSheetView(APIView):
    @extend_schema(
        summary="A one-persona sheet (PDF)",
        parameters=[PAPER],
        responses=_binary("application/pdf", "the persona sheet"),
    )
    def get(self, request: Request, persona_id: uuid.UUID) -> HttpResponse | Response:
        # Members only: a share link reads one map, not the workspace's personas.
        persona = personas_visible_to(user=request.user).filter(id=persona_id).first()
        if persona is None or share_link_of(request) is not None:
            raise NotFound("no such persona")
        try:
            options = _options(request)
            return _send(
                export_persona_sheet(persona=persona, caller=_caller(request), options=options)
            )
        except (ExportRefused, OptionsRejected) as error:
            return _refused(error)


class FeaturePrioritiesCsvView(APIView):
    @extend_schema(
        summary="The workspace's features by priority score (CSV)",
        parameters=[
            OpenApiParameter(
                "workspace", OpenApiTypes.UUID, required=True, description="the workspace"
            )
        ],
        responses=_binary("text/csv", "feature, status, score, personas, frictions"),
    )
    def get(self, request: Request) -> HttpResponse | Response:
        workspace_id = member_workspace(request)
        try:
            return _send(export_features_csv(workspace_id=workspace_id, caller=_caller(request)))
        except ExportRefused as error:
            return _refused(error)
