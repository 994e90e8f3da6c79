"""GET /api/segments/suggestions/?workspace=<id>: segments suggested by clustering the
workspace's customers (docs/architecture.md, "Suggested segments"). Members read it; a
workspace the caller is not in is a 404, a missing or malformed `workspace` a 400."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.workspaces.api.base import member_workspace


class SuggestionSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    rules = serializers.JSONField(help_text="a rule tree, as POST /api/segments/ takes it")
    conditions = serializers.ListField(
        child=serializers.CharField(), help_text="the rule's conditions in words"
    )
    features = serializers.ListField(
        child=serializers.CharField(), help_text="the features the rule uses"
    )
    cluster_size = serializers.IntegerField(help_text="customers in the cluster")
    rule_size = serializers.IntegerField(help_text="customers the rule selects, in SQL")
    overlap = serializers.IntegerField(help_text="customers in both")
    precision = serializers.FloatField(help_text="share of the rule's customers in the cluster")
    recall = serializers.FloatField(help_text="share of the cluster the rule selects")


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
    customers = serializers.IntegerField(help_text="customer profiles in the workspace")
    sampled = serializers.IntegerField(help_text="profiles the clustering was fitted on")
    k = serializers.IntegerField(allow_null=True, help_text="clusters (null: none)")
    silhouette = serializers.FloatField(allow_null=True)
    note = serializers.CharField()


class SegmentSuggestionsView(APIView):
    @extend_schema(
        summary="Segments suggested by clustering the workspace's customers",
        parameters=[
            OpenApiParameter(
                "workspace",
                OpenApiTypes.UUID,
                required=True,
                description="the workspace (its members read)",
            )
        ],
        responses=SuggestionsSerializer,
    )
    def get(self, request: Request) -> Response:
        # Imported here, not at the top: scikit-learn takes 6-11 s to load on a busy
        # 2-core machine, and every process would pay it on its first request of any kind.
        from ..suggest_read import segment_suggestions

        return Response(segment_suggestions(workspace_id=member_workspace(request)))
