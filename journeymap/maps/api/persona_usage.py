"""GET `personas/<id>/usage/`: the maps, features, segments and friction points of a persona,
for members of its workspace (anyone else: 404)."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.workspaces.api.base import current_user, share_link_of
from personas.models import Persona

from ..persona_usage import persona_usage


class UsageMapSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()


class UsageFeatureSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    relevance = serializers.IntegerField()


class UsageSegmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    size = serializers.IntegerField()


class UsageFrictionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    severity = serializers.IntegerField()
    status = serializers.CharField()
    map = serializers.UUIDField()
    map_title = serializers.CharField()
    stage_name = serializers.CharField()


class PersonaUsageSerializer(serializers.Serializer):
    maps = UsageMapSerializer(many=True)
    features = UsageFeatureSerializer(many=True)
    segments = UsageSegmentSerializer(many=True)
    friction_points = UsageFrictionSerializer(many=True)


class PersonaUsageView(APIView):
    @extend_schema(responses=PersonaUsageSerializer)
    def get(self, request: Request, persona_id: uuid.UUID) -> Response:
        if share_link_of(request) is not None:
            raise exceptions.NotFound("no such persona")
        persona = Persona.objects.filter(
            pk=persona_id, workspace__memberships__user=current_user(request)
        ).first()
        if persona is None:
            raise exceptions.NotFound("no such persona")
        return Response(PersonaUsageSerializer(persona_usage(persona=persona)).data)
