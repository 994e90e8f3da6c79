"""History and named versions of a map.

GET  /api/maps/<id>/history/                          who changed what, when (newest first)
GET  /api/maps/<id>/versions/                         named versions
POST /api/maps/<id>/versions/                         {name} → save the map as it is now
GET  /api/maps/<id>/versions/<version_id>/            one version, with its snapshot
POST /api/maps/<id>/versions/<version_id>/restore/    → the map becomes that version

Members read; owners and editors save and restore. A map of another workspace is a 404, and
so is any of this for a share link (a share link sees the map, not its history).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.core.actors import actor_info

from ..models import JourneyMap, MapOp, MapVersion
from ..services.versions import history_entries, version_create, version_restore
from .access import access_map


def member_map(request: Request, map_id: uuid.UUID, *, write: bool = False) -> JourneyMap:
    """History and versions are for members only: a share link gets the 404 a stranger gets."""
    journey_map, _ = access_map(request, map_id, write=write, members_only=True)
    return journey_map


class ActorSerializer(serializers.Serializer):
    id = serializers.CharField(allow_blank=True)
    name = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    op_id = serializers.UUIDField()
    actor = ActorSerializer()
    created_at = serializers.DateTimeField()
    summary = serializers.CharField(help_text="e.g. 'Ana added card “Sign up” and moved 2 stages'")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="ops per action")
    ops = serializers.ListField(child=serializers.DictField(), help_text="the normalised ops")


class HistoryView(ListAPIView):
    serializer_class = HistoryEntrySerializer

    def get_queryset(self) -> QuerySet[MapOp]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return MapOp.objects.none()
        journey_map = member_map(self.request, self.kwargs["map_id"])
        return MapOp.objects.filter(map=journey_map).select_related("actor").order_by("-seq")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entries = self.get_queryset()
        page = self.paginate_queryset(entries)
        rows = history_entries(list(page if page is not None else entries))
        data = HistoryEntrySerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class VersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = MapVersion
        fields = ["id", "name", "seq", "created_by", "created_at"]

    def get_created_by(self, version: MapVersion) -> dict[str, Any] | None:
        return actor_info(version.created_by) if version.created_by_id else None


class VersionDetailSerializer(VersionSerializer):
    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "snapshot"]


class VersionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class VersionListView(ListAPIView):
    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[MapVersion]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return MapVersion.objects.none()
        journey_map = member_map(self.request, self.kwargs["map_id"])
        return MapVersion.objects.filter(map=journey_map).select_related("created_by")

    @extend_schema(request=VersionInputSerializer, responses={201: VersionSerializer})
    def post(self, request: Request, map_id: uuid.UUID) -> Response:
        journey_map = member_map(request, map_id, write=True)
        data = VersionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = version_create(
            journey_map=journey_map, name=data.validated_data["name"], actor=request.user
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


def _version(journey_map: JourneyMap, version_id: uuid.UUID) -> MapVersion:
    version = MapVersion.objects.filter(map=journey_map, id=version_id).first()
    if version is None:
        raise NotFound("no such version")
    return version


class VersionDetailView(GenericAPIView):
    serializer_class = VersionDetailSerializer

    def get(self, request: Request, map_id: uuid.UUID, version_id: uuid.UUID) -> Response:
        version = _version(member_map(request, map_id), version_id)
        return Response(VersionDetailSerializer(version).data)


class RestoreResultSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="the map's seq after the restore")
    batches = serializers.IntegerField(help_text="op batches committed (0: nothing to change)")
    ops = serializers.IntegerField(help_text="ops applied")


class VersionRestoreView(GenericAPIView):
    serializer_class = RestoreResultSerializer

    @extend_schema(request=None, responses={200: RestoreResultSerializer})
    def post(self, request: Request, map_id: uuid.UUID, version_id: uuid.UUID) -> Response:
        journey_map = member_map(request, map_id, write=True)
        version = _version(journey_map, version_id)
        batches = version_restore(version=version, actor=request.user)
        journey_map.refresh_from_db(fields=["seq"])
        result = {
            "seq": journey_map.seq,
            "batches": len(batches),
            "ops": sum(len(batch.ops) for batch in batches),
        }
        return Response(RestoreResultSerializer(result).data)
