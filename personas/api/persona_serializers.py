"""Personas over REST: the persona with its upkeep fields, its versions and its reviews."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Channel, Persona, PersonaReview, PersonaVersion, Segment, Tier
from ..services import persona_version_number
from .serializers import ScopedRelatedField, WorkspaceOwnedSerializer, string_list


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
    owner = ScopedRelatedField(
        queryset=User.objects.all(),
        workspace_path="memberships__workspace",
        required=False,
        allow_null=True,
        help_text="a member of the persona's workspace",
    )
    owner_name = serializers.CharField(source="owner.username", read_only=True, default=None)
    review_cadence_days = serializers.IntegerField(min_value=1, max_value=730, required=False)
    version = serializers.SerializerMethodField(
        help_text="the latest version number: send it back as base_version"
    )
    primary_count = serializers.SerializerMethodField(
        help_text="how many primary personas the workspace has (more than 5 is too many)"
    )
    base_version = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="the version this edit starts from: a field somebody else changed since "
        "is refused with 409 and their value",
    )

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
            "owner_name", "version", "primary_count", "base_version",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        owner = attrs.get("owner")
        if owner is not None:
            workspace_id = (
                self.instance.workspace_id if self.instance is not None else attrs["workspace"].pk
            )
            if not owner.memberships.filter(workspace_id=workspace_id).exists():
                raise serializers.ValidationError({"owner": ["not a member of this workspace"]})
        return attrs

    def get_version(self, persona: Persona) -> int:
        # Lists annotate it (one query for all); a persona just saved is counted afresh.
        annotated = getattr(persona, "version_number", None)
        if annotated is not None:
            return int(annotated)
        return persona_version_number(persona=persona)

    def get_primary_count(self, persona: Persona) -> int:
        # Counted once per workspace and response, not once per persona listed.
        counts: dict[Any, int] = self.context.setdefault("primary_counts", {})
        if persona.workspace_id not in counts:
            counts[persona.workspace_id] = Persona.objects.filter(
                workspace_id=persona.workspace_id, tier=Tier.PRIMARY
            ).count()
        return counts[persona.workspace_id]


class PersonaVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)

    class Meta:
        model = PersonaVersion
        fields = ["id", "number", "changed_fields", "data", "created_by", "created_at"]


class ReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PersonaReviewSerializer(serializers.ModelSerializer):
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None)

    class Meta:
        model = PersonaReview
        fields = ["id", "reviewed_on", "reviewed_by", "note", "version", "created_at"]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class SinceReviewSerializer(serializers.Serializer):
    last_review = PersonaReviewSerializer(allow_null=True)
    changes = FieldChangeSerializer(many=True)
    versions = serializers.IntegerField()
    new_evidence = serializers.IntegerField()
    new_interviews = serializers.IntegerField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = serializers.DictField(child=serializers.JSONField(allow_null=True))
    version = serializers.IntegerField()
    changed_by = serializers.CharField(allow_null=True)


class TemplateSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    visible = serializers.BooleanField()


class PersonaTemplateSerializer(serializers.Serializer):
    workspace = serializers.UUIDField()
    sections = TemplateSectionSerializer(many=True)


class EvidenceGroupSerializer(serializers.Serializer):
    # The metaclass moves declared fields aside, so `label` and `fields` do not shadow the
    # Field and Serializer attributes of those names; only the stubs think they do.
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    count = serializers.IntegerField()
    backed = serializers.BooleanField()


class EvidenceItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    field = serializers.CharField()
    text = serializers.CharField()
    note = serializers.UUIDField()
    note_title = serializers.CharField()
    interviewee = serializers.CharField()
    created_at = serializers.DateTimeField()


class EvidenceInterviewSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    interviewee = serializers.CharField()
    interviewed_on = serializers.DateField(allow_null=True)


class EvidenceTargetSerializer(serializers.Serializer):
    min = serializers.IntegerField()
    max = serializers.IntegerField()


class EvidenceSummarySerializer(serializers.Serializer):
    groups = EvidenceGroupSerializer(many=True)
    items = EvidenceItemSerializer(many=True)
    interviews = EvidenceInterviewSerializer(many=True)
    target = EvidenceTargetSerializer()
