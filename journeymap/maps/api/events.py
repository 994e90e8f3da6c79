"""Event-log imports of a map.

POST   /api/maps/<id>/events/               a CSV (multipart field `file`, or a `text/csv`
                                             body); `?create_missing_in=<stage id>` creates
                                             the touchpoints the map lacks in that stage
GET    /api/maps/<id>/events/               the map's imports, newest first
GET    /api/maps/<id>/events/<import_id>/   one import: status, progress, report
DELETE /api/maps/<id>/events/<import_id>/   take its events out and recount the transitions

A small log is imported within the request (201 with the report); a large one runs in the
background (202) and the browser polls the import for its progress. Members read; owners and
editors import and delete.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import close_old_connections, connection
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.core.actors import actor_info
from journeymap.core.addresses import client_address

from ..eventlog.models import EventImport, ImportStatus
from ..eventlog.services import (
    ImportOptions,
    ImportRefused,
    event_import_delete,
    event_import_run,
    event_import_start,
    import_progress,
)
from .access import access_map


def inline_limit() -> int:
    return int(getattr(settings, "EVENT_IMPORT_INLINE_BYTES", 1024 * 1024))


def max_bytes() -> int:
    return int(getattr(settings, "EVENT_IMPORT_MAX_BYTES", 512 * 1024 * 1024))


class CsvBodyParser(BaseParser):
    """A `text/csv` request body, streamed to a temporary file (never held in memory)."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        spool = tempfile.NamedTemporaryFile(prefix="journeymap-events-", suffix=".csv")  # noqa: SIM115
        copied = 0
        while stream is not None and (chunk := stream.read(256 * 1024)):
            copied += len(chunk)
            if copied > max_bytes():
                spool.close()
                raise ParseError(f"the log is larger than {max_bytes()} bytes")
            spool.write(chunk)
        spool.flush()
        spool.seek(0)
        return {"file": spool}


class ProgressSerializer(serializers.Serializer):
    phase = serializers.CharField(help_text="checking, storing or counting")
    rows = serializers.IntegerField()
    bytes = serializers.IntegerField(required=False)
    total_bytes = serializers.IntegerField(required=False)


class EventImportSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = EventImport
        fields = [
            "id",
            "map",
            "filename",
            "status",
            "report",
            "progress",
            "created_by",
            "created_at",
            "finished_at",
        ]

    def get_created_by(self, event_import: EventImport) -> dict[str, str]:
        return actor_info(event_import.created_by)

    @extend_schema(responses=ProgressSerializer(allow_null=True))
    def get_progress(self, event_import: EventImport) -> dict[str, Any] | None:
        if event_import.status != ImportStatus.RUNNING:
            return None
        return import_progress(event_import_id=event_import.id)


class EventImportListView(APIView):
    parser_classes = [MultiPartParser, CsvBodyParser]

    @extend_schema(responses=EventImportSerializer(many=True))
    def get(self, request: Request, map_id: uuid.UUID) -> Response:
        journey_map, _ = access_map(request, map_id, members_only=True)
        imports = EventImport.objects.filter(map=journey_map).select_related("created_by")
        return Response(EventImportSerializer(imports, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": OpenApiRequest(
                {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            ),
            "text/csv": OpenApiRequest({"type": "string"}),
        },
        parameters=[
            OpenApiParameter(
                "create_missing_in",
                OpenApiTypes.UUID,
                description="a stage of the map where missing touchpoints are created",
            )
        ],
        responses={201: EventImportSerializer, 202: EventImportSerializer},
    )
    def post(self, request: Request, map_id: uuid.UUID) -> Response:
        journey_map, _ = access_map(request, map_id, write=True, members_only=True)
        upload = request.data.get("file") if hasattr(request.data, "get") else None
        if upload is None or not hasattr(upload, "read"):
            raise ValidationError(
                {"file": ["send the log as multipart field `file` or a text/csv body"]}
            )
        options = ImportOptions(create_missing_in=_stage_param(request))
        try:
            event_import = event_import_start(
                journey_map=journey_map,
                actor=request.user,
                filename=str(getattr(upload, "name", "") or "events.csv").rsplit("/", 1)[-1],
                options=options,
            )
        except ImportRefused as refused:
            raise ValidationError({"create_missing_in": [str(refused)]}) from None
        path = _keep(upload)
        size = path.stat().st_size
        if size > max_bytes():
            path.unlink(missing_ok=True)
            event_import.delete()
            raise ValidationError({"file": [f"the log is larger than {max_bytes()} bytes"]})
        run = _runner(
            event_import=event_import,
            path=path,
            actor=request.user,
            options=options,
            address=client_address(request._request),
        )
        if size <= inline_limit() or connection.in_atomic_block:
            # Small logs are done before the answer; inside a transaction (tests) a thread
            # could not see the rows this request wrote.
            run(background=False)
            event_import.refresh_from_db()
            return Response(
                EventImportSerializer(event_import).data, status=status.HTTP_201_CREATED
            )
        threading.Thread(target=run, kwargs={"background": True}, daemon=True).start()
        return Response(EventImportSerializer(event_import).data, status=status.HTTP_202_ACCEPTED)


class EventImportDetailView(APIView):
    @extend_schema(responses=EventImportSerializer)
    def get(self, request: Request, map_id: uuid.UUID, import_id: uuid.UUID) -> Response:
        journey_map, _ = access_map(request, map_id, members_only=True)
        return Response(EventImportSerializer(_import(journey_map.id, import_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, map_id: uuid.UUID, import_id: uuid.UUID) -> Response:
        journey_map, _ = access_map(request, map_id, write=True, members_only=True)
        event_import = _import(journey_map.id, import_id)
        if event_import.status == ImportStatus.RUNNING:
            raise ValidationError({"status": ["the import is still running"]})
        event_import_delete(event_import=event_import, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _import(map_id: uuid.UUID, import_id: uuid.UUID) -> EventImport:
    event_import = EventImport.objects.filter(map_id=map_id, id=import_id).first()
    if event_import is None:
        raise NotFound("no such import")
    return event_import


def _stage_param(request: Request) -> uuid.UUID | None:
    value = request.query_params.get("create_missing_in") or ""
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({"create_missing_in": ["must be a stage id (UUID)"]}) from None


def _keep(upload: BinaryIO) -> Path:
    """A file of our own for the log (the upload's own goes away with the request)."""
    handle, name = tempfile.mkstemp(prefix="journeymap-events-", suffix=".csv")
    with open(handle, "wb") as target:
        upload.seek(0)
        shutil.copyfileobj(upload, target, 256 * 1024)
    return Path(name)


def _runner(
    *,
    event_import: EventImport,
    path: Path,
    actor: Any,
    options: ImportOptions,
    address: str | None = None,
) -> Any:
    def run(*, background: bool) -> None:
        try:
            event_import_run(
                event_import=event_import,
                path=path,
                actor=actor,
                options=options,
                address=address,
            )
        finally:
            path.unlink(missing_ok=True)
            if background:
                close_old_connections()
                connection.close()

    return run
