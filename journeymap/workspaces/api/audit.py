"""The audit log over REST, for a workspace's owners.

GET /api/audit/?workspace=<id>            entries, newest first, paginated
GET /api/audit/export.csv?workspace=<id>  the same entries (same filters) as CSV

Filters: `action` (comma-separated; each an exact name or a prefix ending in "."), `actor`
(a user id), `since` and `until` (ISO dates or date-times; a date `until` includes that
day). A workspace the caller is not in is a 404; a member who is not an owner gets 403.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.core.spreadsheet import StreamingCsvResponse, csv_lines

from ..access import role_in
from ..audit import audit_entries
from ..models import AuditEntry, Role
from .base import member_workspace

CSV_COLUMNS = ["created_at", "actor_id", "actor_name", "action", "subject", "detail", "address"]

PARAMETERS = [
    OpenApiParameter("workspace", OpenApiTypes.UUID, required=True, description="the workspace"),
    OpenApiParameter(
        "action",
        OpenApiTypes.STR,
        description=(
            "comma-separated action names; one ending in '.' is a prefix "
            "(`member.` is every membership change)"
        ),
    ),
    OpenApiParameter("actor", OpenApiTypes.INT, description="only what this user id did"),
    OpenApiParameter(
        "since", OpenApiTypes.STR, description="ISO date or date-time, inclusive (from)"
    ),
    OpenApiParameter(
        "until",
        OpenApiTypes.STR,
        description="ISO date (that whole day included) or date-time (exclusive)",
    ),
]


class AuditActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        source="actor_id", allow_null=True, help_text="null once the account is deleted"
    )
    name = serializers.CharField(
        source="actor_name", help_text="the username when it acted; empty for a share link"
    )


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = AuditActorSerializer(source="*", read_only=True)
    detail = serializers.DictField(
        read_only=True, help_text="what the action touched; its keys depend on the action"
    )

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "actor", "action", "subject", "detail", "address"]
        read_only_fields = fields


def _moment(value: str, *, field: str, end_of_day: bool) -> datetime:
    """An ISO date-time, or a date read as the start of that day (the start of the next
    one for `until`), in the server's time zone when no offset is given."""
    try:
        # The date first: parse_datetime would also read "2026-11-22" (as its midnight).
        day = parse_date(value)
        moment = None if day is not None else parse_datetime(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise serializers.ValidationError({field: ["must be an ISO date or date-time"]})
    if moment is None:
        assert day is not None  # noqa: S101 - one of the two parsed
        moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class AuditQuerySerializer(serializers.Serializer):
    action = serializers.CharField(required=False, max_length=600)
    actor = serializers.IntegerField(required=False, min_value=1)
    since = serializers.CharField(required=False, max_length=40)
    until = serializers.CharField(required=False, max_length=40)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        actions = [part.strip() for part in attrs.get("action", "").split(",") if part.strip()]
        since = attrs.get("since")
        until = attrs.get("until")
        filters: dict[str, Any] = {
            "actions": actions or None,
            "actor_id": attrs.get("actor"),
            "since": _moment(since, field="since", end_of_day=False) if since else None,
            "until": _moment(until, field="until", end_of_day=True) if until else None,
        }
        if filters["since"] and filters["until"] and filters["since"] >= filters["until"]:
            raise serializers.ValidationError({"until": ["must be after since"]})
        return filters


def owned_entries(request: Request) -> QuerySet[AuditEntry]:
    """The entries the request asks for, once the caller is known to own the workspace."""
    workspace_id = member_workspace(request)  # 404 for a stranger or a share link
    if role_in(user=request.user, workspace_id=workspace_id) != Role.OWNER:
        raise exceptions.PermissionDenied("only owners can read the audit log")
    query = AuditQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return audit_entries(workspace_id=workspace_id, **query.validated_data)


class AuditListView(generics.ListAPIView):
    serializer_class = AuditEntrySerializer
    filter_backends: list[Any] = []  # the filters are the ones above, not ?ordering=

    def get_queryset(self) -> QuerySet[AuditEntry]:
        if getattr(self, "swagger_fake_view", False):  # OpenAPI generation has no user
            return AuditEntry.objects.none()
        return owned_entries(self.request)

    @extend_schema(
        summary="The workspace's audit log (owners only), newest first",
        parameters=PARAMETERS,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class AuditCsvView(generics.GenericAPIView):
    pagination_class = None

    @extend_schema(
        summary="The workspace's audit log as CSV (owners only)",
        operation_id="api_audit_export_csv",
        parameters=PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description=", ".join(CSV_COLUMNS)
            )
        },
    )
    def get(self, request: Request) -> StreamingCsvResponse:
        entries = owned_entries(request)
        rows = (
            (
                entry.created_at.isoformat(),
                entry.actor_id,
                entry.actor_name,
                entry.action,
                entry.subject,
                json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
                entry.address,
            )
            for entry in entries.iterator(chunk_size=2000)
        )
        day = timezone.localdate().isoformat()
        return StreamingCsvResponse(csv_lines(CSV_COLUMNS, rows), filename=f"audit-{day}.csv")
