"""GET /api/maps/<id>/analysis/ (?persona=, ?top_k=, ?entry=, ?goal=): every analysis of
docs/analysis.md under its key. Members and share links read it.

GET /api/feature-priorities/?workspace= and GET /api/friction-points/?workspace=: the
features of a workspace by priority score and the friction points they may resolve
(docs/features.md). Members of the workspace read them; a share link does not."""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.maps.api.access import access_map
from journeymap.workspaces.api.base import member_workspace

from .bounds import MAX_TOP_K
from .graph import JourneyTooLarge
from .priority_read import feature_priorities, workspace_frictions
from .read import map_analysis

KEYS = (
    "critical_path",
    "drop_off",
    "bottlenecks",
    "friction_hotspots",
    "dead_ends",
    "unreachable",
    "cycles",
    "channel_switches",
    "coverage_gaps",
    "emotion_lows",
    "path_variants",
    "step_durations",
    "conformance",
    "meta",
)
AnalysisSerializer = inline_serializer(
    "MapAnalysis", {key: serializers.DictField() for key in KEYS}
)


class MapAnalysisView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("persona", OpenApiTypes.UUID, description="one persona's journey"),
            OpenApiParameter("top_k", int, description=f"length of ranked lists (0–{MAX_TOP_K})"),
            OpenApiParameter("entry", str, description="comma-separated entry touchpoint ids"),
            OpenApiParameter("goal", str, description="comma-separated goal touchpoint ids"),
        ],
        responses=AnalysisSerializer,
    )
    def get(self, request: Request, map_id: uuid.UUID) -> Response:
        journey_map, _ = access_map(request, map_id)
        params = request.query_params
        try:
            result = map_analysis(
                journey_map=journey_map,
                persona=_uuid(params.get("persona"), "persona"),
                top_k=_top_k(params.get("top_k")),
                entry=_ids(params.get("entry"), "entry"),
                goal=_ids(params.get("goal"), "goal"),
            )
        except JourneyTooLarge as error:
            raise ValidationError({"map": [str(error)]}) from None
        return Response(result)


WORKSPACE = OpenApiParameter(
    "workspace", OpenApiTypes.UUID, required=True, description="the workspace (its members read)"
)


class FrictionPointSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    severity = serializers.IntegerField(min_value=1, max_value=5)
    status = serializers.CharField()
    map = serializers.UUIDField()
    map_title = serializers.CharField()
    stage_name = serializers.CharField()
    features = serializers.ListField(child=serializers.UUIDField())
    measured = serializers.BooleanField(help_text="its map has an event log that measured it")
    traffic = serializers.IntegerField(
        allow_null=True, help_text="customers through it, from the event logs (null: unmeasured)"
    )


class PersonaPartSerializer(serializers.Serializer):
    persona = serializers.UUIDField()
    name = serializers.CharField()
    tier = serializers.CharField()
    weight = serializers.IntegerField()
    relevance = serializers.IntegerField()
    points = serializers.IntegerField()


class FrictionPartSerializer(serializers.Serializer):
    friction = serializers.UUIDField()
    title = serializers.CharField()
    map = serializers.UUIDField()
    map_title = serializers.CharField()
    severity = serializers.IntegerField()
    status = serializers.CharField()
    traffic = serializers.IntegerField(allow_null=True)
    measured = serializers.BooleanField()
    weight = serializers.FloatField()
    points = serializers.FloatField()


class SegmentPartSerializer(serializers.Serializer):
    segment = serializers.UUIDField()
    name = serializers.CharField()
    size = serializers.IntegerField()


class PriorityPartsSerializer(serializers.Serializer):
    personas = inline_serializer(
        "PriorityPersonas",
        {"points": serializers.IntegerField(), "items": PersonaPartSerializer(many=True)},
    )
    reach = inline_serializer(
        "PriorityReach",
        {
            "points": serializers.FloatField(),
            "customers": serializers.IntegerField(),
            "segments": SegmentPartSerializer(many=True),
        },
    )
    friction = inline_serializer(
        "PriorityFriction",
        {"points": serializers.FloatField(), "items": FrictionPartSerializer(many=True)},
    )


class FeaturePrioritySerializer(serializers.Serializer):
    feature = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    score = serializers.FloatField(help_text="personas + reach + friction (docs/features.md)")
    parts = PriorityPartsSerializer()
    notes = serializers.ListField(child=serializers.CharField())


class FeaturePrioritiesView(APIView):
    @extend_schema(
        summary="The workspace's features by priority score, with the parts of each score",
        parameters=[WORKSPACE],
        responses=FeaturePrioritySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(feature_priorities(workspace_id=member_workspace(request)))


class FrictionPointsView(APIView):
    @extend_schema(
        summary="Every friction point of the workspace's maps, with linked features and traffic",
        parameters=[WORKSPACE],
        responses=FrictionPointSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(workspace_frictions(workspace_id=member_workspace(request)))


def _uuid(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValidationError({name: ["must be a UUID"]}) from None


def _ids(value: str | None, name: str) -> list[str] | None:
    if not value:
        return None
    ids = [_uuid(part.strip(), name) for part in value.split(",") if part.strip()]
    if len(ids) > 1000:
        raise ValidationError({name: ["at most 1000 touchpoints"]})
    return [item for item in ids if item is not None] or None


def _top_k(value: str | None) -> int:
    if value is None or value == "":
        return 5
    try:
        top_k = int(value)
    except ValueError:
        raise ValidationError({"top_k": ["must be a whole number"]}) from None
    if not 0 <= top_k <= MAX_TOP_K:
        raise ValidationError({"top_k": [f"must be between 0 and {MAX_TOP_K}"]})
    return top_k
