from __future__ import annotations

from typing import Any

from rest_framework import serializers

from personas.models import Persona

from ..models import JourneyMap


class MapSummarySerializer(serializers.ModelSerializer):
    stage_count = serializers.IntegerField(read_only=True)
    personas: serializers.PrimaryKeyRelatedField[Persona] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = JourneyMap
        fields = [
            "id",
            "workspace",
            "title",
            "description",
            "seq",
            "personas",
            "votes_per_user",
            "stage_count",
            "created_at",
            "updated_at",
        ]


class MapCreateSerializer(serializers.Serializer):
    workspace = serializers.UUIDField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    personas = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    template = serializers.CharField(required=False, default="blank")

    def validate_template(self, value: str) -> str:
        from ..services.templates import MAP_TEMPLATES

        if value not in MAP_TEMPLATES:
            raise serializers.ValidationError(f"must be one of: {', '.join(MAP_TEMPLATES)}")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The view has already checked that the caller may write to `workspace`; personas
        # are looked up only there, and only among the caller's workspaces.
        wanted = attrs.get("personas") or []
        personas = Persona.objects.filter(workspace_id=attrs["workspace"], pk__in=wanted)
        request = self.context.get("request")
        if request is not None:
            personas = personas.filter(workspace__memberships__user=request.user)
        found = list(personas)
        if len(found) != len(set(wanted)):
            raise serializers.ValidationError({"personas": ["not all are in this workspace"]})
        attrs["personas"] = found
        return attrs


class MapUpdateSerializer(serializers.Serializer):
    """PATCH of the map's own fields; applied as one `map` update op, so live boards follow."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    votes_per_user = serializers.IntegerField(min_value=0, max_value=100, required=False)
    personas = serializers.ListField(child=serializers.UUIDField(), required=False)


class OpsEnvelopeSerializer(serializers.Serializer):
    """The same envelope as the WebSocket `ops` message; the op engine validates the ops."""

    op_id = serializers.UUIDField()
    client_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    ops = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class AppliedSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    op_id = serializers.UUIDField()
    duplicate = serializers.BooleanField()
    ops = serializers.ListField(child=serializers.DictField())


class PatchListSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    patches = serializers.ListField(child=serializers.DictField())


class TemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class MapDocumentSerializer(serializers.Serializer):
    """Documentation of GET /api/maps/<id>/ (built by selectors.map_document)."""

    id = serializers.UUIDField()
    workspace = serializers.UUIDField()
    seq = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    votes_per_user = serializers.IntegerField()
    personas = serializers.ListField(child=serializers.UUIDField())
    stages = serializers.ListField(child=serializers.DictField())
    lanes = serializers.ListField(child=serializers.DictField())
    cards = serializers.ListField(child=serializers.DictField())
    touchpoints = serializers.ListField(child=serializers.DictField())
    frictions = serializers.ListField(child=serializers.DictField())
    contents = serializers.ListField(child=serializers.DictField())
    emotions = serializers.ListField(child=serializers.DictField())
    transitions = serializers.ListField(child=serializers.DictField())
    comments = serializers.ListField(child=serializers.DictField())
    votes = serializers.ListField(child=serializers.DictField())
    directory = serializers.DictField()
