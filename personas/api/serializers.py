from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeymap.workspaces.models import Workspace

from ..models import Channel, CustomerProfile, Feature, Persona, Segment
from ..rules import RuleError, validate_rules
from ..selectors import customer_values, segment_customers


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

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except OverflowError:  # an integer id too large for the database: no such record
            self.fail("does_not_exist", pk_value=data)

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        prefix = f"{self.workspace_path}__" if self.workspace_path else ""
        scoped = queryset.filter(**{f"{prefix}memberships__user": user})
        # A path through a many-valued relation (a user's memberships) can repeat a row.
        return scoped.distinct() if "__" in self.workspace_path else scoped


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


TREND_DAYS = 30


class SegmentSerializer(WorkspaceOwnedSerializer):
    same_workspace_fields = ("personas",)
    personas = ScopedRelatedField(many=True, queryset=Persona.objects.all(), required=False)
    rules = serializers.JSONField(required=False)
    # How many customers the rules select now: one COUNT query per segment shown.
    size = serializers.SerializerMethodField()
    # The recorded sizes of the last TREND_DAYS days, oldest first, for a sparkline.
    trend = serializers.SerializerMethodField()

    class Meta:
        model = Segment
        fields = [
            "id", "workspace", "name", "description", "rules", "personas", "size", "trend",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "size", "trend", "created_at", "updated_at"]

    def get_size(self, segment: Segment) -> int:
        return segment_customers(segment=segment).count()

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "taken_on": {"type": "string", "format": "date"},
                    "size": {"type": "integer"},
                },
            },
        }
    )
    def get_trend(self, segment: Segment) -> list[dict[str, Any]]:
        # SegmentViewSet prefetches `recent_snapshots`; a segment read elsewhere asks.
        recent = getattr(segment, "recent_snapshots", None)
        if recent is None:
            since = timezone.localdate() - timedelta(days=TREND_DAYS)
            recent = segment.snapshots.filter(taken_on__gte=since).order_by("taken_on")
        return [{"taken_on": row.taken_on.isoformat(), "size": row.size} for row in recent]

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
    """A profile. `age` is computed from `birth_date` today. `values` gives each value
    attribute as imported, or, when blank, computed from the purchases, with its source."""

    unique_in_workspace = ("external_id",)
    name = serializers.CharField(read_only=True)
    age = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()

    class Meta:
        model = CustomerProfile
        fields = [
            "id", "workspace", "external_id", "email", "first_name", "last_name", "name",
            "gender", "birth_date", "age", "city", "country", "income", "signup_date",
            "lifetime_value", "acquisition_cost", "churn_risk", "upsell_potential", "values",
            "attributes", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at"]
        validators: list = []

    def get_age(self, customer: CustomerProfile) -> int | None:
        return customer.age

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "value": {"type": "number", "nullable": True},
                    "source": {"type": "string", "enum": ["imported", "computed", "none"]},
                },
            },
        }
    )
    def get_values(self, customer: CustomerProfile) -> dict[str, Any]:
        return customer_values(customer=customer)

    def validate_email(self, value: str) -> str:
        return value.lower()


class CustomerImportSerializer(serializers.Serializer):
    """Multipart: `customers` and/or `purchases` files. `csv` (text, with `kind`) and
    `file` (with `kind`) are the older single-file forms. `progress` is a token the caller
    chose: while the import runs, `GET /api/customers/import/progress/?token=` reads how far
    it got. The rows are read as the import needs them, never the whole file at once."""

    workspace = workspace_field()
    customers = serializers.FileField(required=False, max_length=200)
    purchases = serializers.FileField(required=False, max_length=200)
    kind = serializers.ChoiceField(choices=["customers", "purchases"], default="customers")
    file = serializers.FileField(required=False, max_length=200)
    csv = serializers.CharField(required=False, trim_whitespace=False)
    progress = serializers.RegexField(r"^[A-Za-z0-9_-]{8,64}$", required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.pop("kind")
        uploads = {name: attrs.pop(name, None) for name in ("customers", "purchases")}
        legacy_file, text = attrs.pop("file", None), attrs.pop("csv", None)
        given = [u for u in (*uploads.values(), legacy_file, text) if u is not None]
        if not given:
            raise serializers.ValidationError(
                {"customers": ["send a customers file, a purchases file, or both"]}
            )
        if (legacy_file is not None or text is not None) and len(given) > 1:
            raise serializers.ValidationError({"file": ["send either files or csv text"]})
        if legacy_file is not None:
            uploads[kind] = legacy_file
        limit = import_max_bytes()
        streams: dict[str, Any] = {}
        sizes: dict[str, int] = {}
        for name, upload in uploads.items():
            if upload is None:
                continue
            if upload.size is None or upload.size > limit:
                raise serializers.ValidationError(
                    {name: [f"larger than {limit // (1024 * 1024)} MB"]}
                )
            upload.seek(0)
            streams[name] = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
            sizes[name] = upload.size
        if text is not None:
            streams[kind] = io.StringIO(text, newline="")
            sizes[kind] = len(text)
        attrs["streams"], attrs["sizes"] = streams, sizes
        return attrs


def import_max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 512 * 1024 * 1024))


class CsvProblemSerializer(serializers.Serializer):
    file = serializers.CharField(required=False, help_text="customers or purchases, when both")
    line = serializers.IntegerField()
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class CsvRejectedSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = CsvProblemSerializer(many=True)  # type: ignore[assignment]


class CsvImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="new profiles")
    updated = serializers.IntegerField(help_text="stored profiles the file updated")
    merged_by_email = serializers.IntegerField(
        help_text="rows merged into a profile with the same email and another external id"
    )
    repeated_rows = serializers.IntegerField(help_text="rows for a profile seen earlier")
    purchases = serializers.IntegerField(help_text="purchases added")
    duplicate_purchases = serializers.IntegerField(help_text="purchases already held")


class ImportProgressSerializer(serializers.Serializer):
    phase = serializers.CharField()
    rows = serializers.IntegerField()
    fraction = serializers.FloatField(allow_null=True)
