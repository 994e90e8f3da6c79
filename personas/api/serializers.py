from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeymap.workspaces.models import Workspace

from ..models import Channel, CustomerProfile, Feature, Persona, PersonaVersion, Segment
from ..rules import RuleError, validate_rules
from ..selectors import segment_customers


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id resolved only among the records of the caller's workspaces: anything
    else is "not found", whether or not it exists elsewhere. `workspace_path` leads from the
    model to its workspace (empty for a Workspace itself)."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": "not found",
    }

    def __init__(self, *, workspace_path: str = "workspace", **kwargs: Any) -> None:
        self.workspace_path = workspace_path
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        prefix = f"{self.workspace_path}__" if self.workspace_path else ""
        return queryset.filter(**{f"{prefix}memberships__user": user})


def workspace_field() -> ScopedRelatedField:
    return ScopedRelatedField(queryset=Workspace.objects.all(), workspace_path="")


def string_list(max_items: int = 50) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=1000), max_length=max_items, required=False
    )


class WorkspaceOwnedSerializer(serializers.ModelSerializer):
    """`workspace` is set on create and fixed after; every related record named in the
    payload must belong to the same workspace (a foreign id is reported as not found)."""

    workspace = workspace_field()
    same_workspace_fields: tuple[str, ...] = ()
    unique_in_workspace: tuple[str, ...] = ()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            attrs.pop("workspace", None)
            workspace_id = self.instance.workspace_id
        else:
            workspace_id = attrs["workspace"].pk
        for name in self.same_workspace_fields:
            related = attrs.get(name) or []
            if not isinstance(related, list | tuple):
                related = [related]
            if any(item.workspace_id != workspace_id for item in related):
                raise serializers.ValidationError({name: ["not found in this workspace"]})
        for name in self.unique_in_workspace:
            if name not in attrs:
                continue
            model: Any = self.Meta.model
            taken = model._default_manager.filter(workspace_id=workspace_id, **{name: attrs[name]})
            if self.instance is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise serializers.ValidationError({name: ["already used in this workspace"]})
        return attrs


class ChannelSerializer(WorkspaceOwnedSerializer):
    unique_in_workspace = ("name",)

    class Meta:
        model = Channel
        fields = ["id", "workspace", "name", "kind", "color", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators: list = []  # uniqueness per workspace is checked by the database


class EmpathyMapField(serializers.DictField):
    QUADRANTS = ("says", "thinks", "does", "feels")

    def to_internal_value(self, data: Any) -> dict[str, list[str]]:
        value = super().to_internal_value(data)
        unknown = set(value) - set(self.QUADRANTS)
        if unknown:
            raise serializers.ValidationError(
                f"unknown quadrant(s) {', '.join(sorted(unknown))}; use says, thinks, does, feels"
            )
        items = serializers.ListField(child=serializers.CharField(max_length=1000), max_length=50)
        return {
            quadrant: items.run_validation(value.get(quadrant, [])) for quadrant in self.QUADRANTS
        }


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class PhotoUrlField(serializers.Field):
    """Where the persona's photo is served (`/media/personas/<uuid>.<ext>`, workspace
    members only), or null. Set it through `PUT /api/personas/<id>/photo/`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        name = getattr(value, "name", value)
        return f"{settings.MEDIA_URL}{name}" if name else None


class PhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField(
        help_text="a JPEG, PNG or WebP image, at most PHOTO_MAX_BYTES and 25 megapixels"
    )


class PersonaSerializer(WorkspaceOwnedSerializer):
    same_workspace_fields = ("preferred_channels",)
    quotes = string_list()
    personality = string_list()
    values = string_list()
    interests = string_list()
    behaviours = string_list()
    goals = string_list()
    needs = string_list()
    pain_points = string_list()
    motivations = string_list()
    expectations = string_list()
    objections = string_list()
    preferred_content = string_list()
    empathy_map = EmpathyMapField(required=False)
    photo = PhotoUrlField()
    preferred_channels = ScopedRelatedField(
        many=True, queryset=Channel.objects.all(), required=False
    )
    segments: serializers.PrimaryKeyRelatedField[Segment] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    is_stale = serializers.BooleanField(read_only=True)
    review_due_on = serializers.DateField(read_only=True)

    class Meta:
        model = Persona
        fields = [
            "id", "workspace", "name", "photo", "tier", "color", "bio", "quotes",
            "age", "gender", "location", "income", "education", "family", "job_title", "company",
            "personality", "values", "interests", "lifestyle",
            "behaviours", "goals", "needs", "pain_points", "motivations", "expectations",
            "objections", "preferred_channels", "preferred_content", "empathy_map",
            "lifetime_value", "churn_risk", "owner", "review_cadence_days", "last_reviewed_at",
            "review_due_on", "is_stale", "segments", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "owner", "created_at", "updated_at"]


class PersonaVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)

    class Meta:
        model = PersonaVersion
        fields = ["id", "number", "changed_fields", "data", "created_by", "created_at"]


class ReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(required=False)


class SegmentSerializer(WorkspaceOwnedSerializer):
    same_workspace_fields = ("personas",)
    personas = ScopedRelatedField(many=True, queryset=Persona.objects.all(), required=False)
    rules = serializers.JSONField(required=False)
    # How many customers the rules select now: one COUNT query per segment shown.
    size = serializers.SerializerMethodField()

    class Meta:
        model = Segment
        fields = [
            "id", "workspace", "name", "description", "rules", "personas", "size",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "size", "created_at", "updated_at"]

    def get_size(self, segment: Segment) -> int:
        return segment_customers(segment=segment).count()

    def validate_rules(self, value: Any) -> Any:
        try:
            return validate_rules(value)
        except RuleError as error:
            raise serializers.ValidationError(str(error)) from None


class PersonaTagSerializer(serializers.Serializer):
    persona = ScopedRelatedField(queryset=Persona.objects.all())
    relevance = serializers.IntegerField(min_value=1, max_value=5, default=3)


class FeatureSerializer(WorkspaceOwnedSerializer):
    persona_tags = PersonaTagSerializer(many=True, required=False)

    class Meta:
        model = Feature
        fields = [
            "id", "workspace", "name", "description", "status", "persona_tags",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        workspace_id = self.instance.workspace_id if self.instance else attrs["workspace"].pk
        tags = attrs.get("persona_tags") or []
        if any(tag["persona"].workspace_id != workspace_id for tag in tags):
            raise serializers.ValidationError({"persona_tags": ["not found in this workspace"]})
        if len({tag["persona"].pk for tag in tags}) != len(tags):
            raise serializers.ValidationError({"persona_tags": ["a persona is tagged twice"]})
        return attrs

    def to_representation(self, instance: Feature) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["persona_tags"] = [
            {"persona": str(tag.persona_id), "relevance": tag.relevance}
            for tag in instance.persona_tags.all()
        ]
        return data


class CustomerSerializer(WorkspaceOwnedSerializer):
    unique_in_workspace = ("external_id",)

    class Meta:
        model = CustomerProfile
        fields = [
            "id", "workspace", "external_id", "name", "email", "gender", "age", "country",
            "city", "attributes", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at"]
        validators: list = []


class CsvImportSerializer(serializers.Serializer):
    """Either `file` (multipart) or `csv` (text). The rows are read as the import needs
    them, never the whole file at once."""

    workspace = workspace_field()
    kind = serializers.ChoiceField(choices=["customers", "purchases"], default="customers")
    file = serializers.FileField(required=False, max_length=200)
    csv = serializers.CharField(required=False, trim_whitespace=False)

    MAX_BYTES = 20 * 1024 * 1024

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        upload, text = attrs.pop("file", None), attrs.pop("csv", None)
        if (upload is None) == (text is None):
            raise serializers.ValidationError({"file": ["send either a file or csv text"]})
        if upload is not None:
            if upload.size is None or upload.size > self.MAX_BYTES:
                raise serializers.ValidationError({"file": ["larger than 20 MB"]})
            upload.seek(0)
            attrs["stream"] = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
        else:
            attrs["stream"] = io.StringIO(text, newline="")
        return attrs


class CsvProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class CsvRejectedSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = CsvProblemSerializer(many=True)  # type: ignore[assignment]


class CsvImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    purchases = serializers.IntegerField()
