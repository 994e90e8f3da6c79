"""Personas, channels, segments, features and customers over REST. Views validate, check
the role, call one service and serialize."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.core.addresses import client_address
from journeymap.core.spreadsheet import StreamingCsvResponse, csv_lines
from journeymap.workspaces.access import role_in
from journeymap.workspaces.api.base import (
    member_workspace,
    share_link_of,
    uuid_param,
)

from .. import services
from ..imports import CsvRejected, customer_data_import
from ..imports.progress import import_progress_reporter, read_import_progress
from ..models import Channel, CustomerProfile, Feature, Segment, SegmentSnapshot
from ..rules import RuleError, validate_rules
from ..segments import (
    MEMBER_COLUMNS,
    rule_grammar,
    segment_member_rows,
    segment_preview,
    segment_snapshots,
    workspace_products,
)
from ..selectors import customers_with_spend, segment_customers
from . import segment_serializers as ss
from . import serializers as s
from .crud import WORKSPACE_PARAM, CrudViewSet


@extend_schema_view(list=extend_schema(parameters=[WORKSPACE_PARAM]))
class ChannelViewSet(CrudViewSet):
    model = Channel
    serializer_class = s.ChannelSerializer
    ordering_fields = ["name", "kind"]

    def save(self, instance: Channel, data: dict[str, Any]) -> Channel:
        return services.channel_save(channel=instance, data=data)


@extend_schema_view(list=extend_schema(parameters=[WORKSPACE_PARAM]))
class SegmentViewSet(CrudViewSet):
    model = Segment
    serializer_class = s.SegmentSerializer
    ordering_fields = ["name", "updated_at"]

    def get_queryset(self) -> QuerySet[Segment]:
        since = timezone.localdate() - timedelta(days=s.TREND_DAYS)
        recent = SegmentSnapshot.objects.filter(taken_on__gte=since).order_by("taken_on")
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "personas", Prefetch("snapshots", queryset=recent, to_attr="recent_snapshots")
            )
        )

    def save(self, instance: Segment, data: dict[str, Any]) -> Segment:
        return services.segment_save(segment=instance, data=data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        segment = self.get_object()
        data = self.get_serializer(segment).data
        # The size just counted is the day's point on the trend chart if the day has none
        # yet: the chart fills in on days the segment is only looked at, not only saved.
        services.segment_snapshot_record(segment=segment, size=data["size"], replace=False)
        return Response(data)

    @extend_schema(responses=s.CustomerSerializer(many=True))
    @action(detail=True, methods=["get"])
    def customers(self, request: Request, pk: str | None = None) -> Response:
        # Annotated with what `values` is computed from: one query per page, not per customer.
        members = segment_customers(segment=self.get_object()).order_by("external_id")
        page = self.paginate_queryset(customers_with_spend(members))
        return self.get_paginated_response(s.CustomerSerializer(page, many=True).data)

    @extend_schema(
        summary="The segment's members as CSV, for a campaign tool",
        operation_id="api_segments_customers_csv",
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description=", ".join(MEMBER_COLUMNS)
            )
        },
    )
    def customers_csv(self, request: Request, pk: str | None = None) -> StreamingCsvResponse:
        """External id, email, first and last name, then the rest of the profile, one row
        per member by external id. Sent as it is read (streamed), so any size downloads;
        a cell a spreadsheet would run as a formula gets a leading apostrophe. Routed by
        personas/api/urls.py, as a file name without a trailing slash."""
        segment = self.get_object()
        services.segment_export_record(
            segment=segment, actor=request.user, address=client_address(request._request)
        )
        lines = csv_lines(MEMBER_COLUMNS, segment_member_rows(segment=segment))
        return StreamingCsvResponse(lines, filename=f"{slugify(segment.name) or 'segment'}.csv")

    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, description="only the last N days, 1–3650 (365)")
        ],
        responses=ss.SnapshotSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def snapshots(self, request: Request, pk: str | None = None) -> Response:
        """The segment's size, one point per day it was recorded (saved, read, or the daily
        `snapshot_segments` run), oldest first."""
        segment = self.get_object()
        days = ss.DaysSerializer(data=request.query_params)
        days.is_valid(raise_exception=True)
        since = timezone.localdate() - timedelta(days=days.validated_data["days"])
        snapshots = segment_snapshots(segment=segment, since=since)
        return Response(ss.SnapshotSerializer(snapshots, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("workspace", str, description="also list the products bought there")
        ],
        responses=ss.RuleGrammarSerializer,
    )
    @action(detail=False, methods=["get"], url_path="fields")
    def rule_fields(self, request: Request) -> Response:
        """The rule grammar as data: profile fields with their kind and operators, and the
        purchase aggregates, so the rule builder offers exactly what the server accepts."""
        grammar = rule_grammar()
        if request.query_params.get("workspace"):
            grammar["products"] = workspace_products(workspace_id=member_workspace(request))
        return Response(ss.RuleGrammarSerializer(grammar).data)

    @extend_schema(
        request=ss.PreviewInputSerializer,
        responses={200: ss.PreviewSerializer, 400: ss.RuleErrorSerializer},
    )
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        """How many of the workspace's customers these rules select, of how many, and the
        first five: the editor's live count. Reading needs only membership; a workspace the
        caller is not in is a 404, checked before the rules are looked at."""
        workspace_id = self._readable_workspace_of_body()
        body = ss.PreviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            rules = validate_rules(body.validated_data["rules"])
        except RuleError as error:
            return Response(
                {
                    "code": "invalid",
                    "detail": str(error),
                    "path": error.path,
                    "errors": {"rules": [str(error)]},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        preview = segment_preview(workspace_id=workspace_id, rules=rules)
        return Response(ss.PreviewSerializer(preview).data)

    def _readable_workspace_of_body(self) -> str:
        data = self.request.data
        raw = data.get("workspace") if isinstance(data, Mapping) else None
        if not raw:
            raise exceptions.ValidationError({"workspace": ["this field is required"]})
        workspace_id = uuid_param(str(raw), "workspace")
        if (
            share_link_of(self.request) is not None
            or role_in(user=self.request.user, workspace_id=workspace_id) is None
        ):
            raise exceptions.NotFound("no such workspace")
        return workspace_id


@extend_schema_view(
    list=extend_schema(
        parameters=[WORKSPACE_PARAM, OpenApiParameter("persona", str, description="tagged to")]
    )
)
class FeatureViewSet(CrudViewSet):
    model = Feature
    serializer_class = s.FeatureSerializer
    ordering_fields = ["name", "status", "updated_at"]

    def get_queryset(self) -> QuerySet[Feature]:
        queryset = super().get_queryset().prefetch_related("persona_tags")
        persona = self.request.query_params.get("persona")
        if persona:
            queryset = queryset.filter(persona_tags__persona_id=uuid_param(persona, "persona"))
        return queryset

    def save(self, instance: Feature, data: dict[str, Any]) -> Feature:
        return services.feature_save(feature=instance, data=data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            WORKSPACE_PARAM,
            OpenApiParameter("search", str, description="in external id, name and email"),
        ]
    )
)
class CustomerViewSet(CrudViewSet):
    model = CustomerProfile
    serializer_class = s.CustomerSerializer
    ordering_fields = ["external_id", "last_name", "birth_date", "signup_date", "created_at"]
    body_scoped_actions = frozenset({"create", "import_csv"})

    def get_queryset(self) -> QuerySet[CustomerProfile]:
        queryset = customers_with_spend(super().get_queryset())
        search = (self.request.query_params.get("search") or "").strip()[:100]
        if search:
            queryset = queryset.filter(
                Q(external_id__icontains=search)
                | Q(first_name__icontains=search)
                | Q(last_name__icontains=search)
                | Q(email__icontains=search)
            )
        # The spend annotation's GROUP BY drops Meta.ordering, and pages need a fixed order.
        return queryset.order_by("external_id", "pk")

    def save(self, instance: CustomerProfile, data: dict[str, Any]) -> CustomerProfile:
        return services.customer_save(customer=instance, data=data)

    @extend_schema(
        request={"multipart/form-data": s.CustomerImportSerializer},
        responses={
            200: s.CsvImportResultSerializer,
            400: OpenApiResponse(
                s.CsvRejectedSerializer, description="the file was refused; nothing changed"
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def import_csv(self, request: Request) -> Response:
        """Upload customers (`customers`), purchases (`purchases`) or both as CSV. Profiles
        merge by external id or email; purchases already held are not added again. Nothing
        is written unless every row is good: a refused import lists the bad rows by file,
        line and column."""
        data = s.CustomerImportSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        workspace = data.validated_data["workspace"]
        self.require_writer(workspace.pk)
        streams = data.validated_data["streams"]
        report = import_progress_reporter(
            user_id=request.user.pk,
            token=data.validated_data.get("progress"),
            streams=streams,
            sizes=data.validated_data["sizes"],
        )
        try:
            result = customer_data_import(
                workspace=workspace,
                actor=request.user,
                customers=streams.get("customers"),
                purchases=streams.get("purchases"),
                progress=report,
                address=client_address(request._request),
            )
        except CsvRejected as rejected:
            return Response(
                {"code": "invalid", "detail": str(rejected), "errors": rejected.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        finally:
            if report is not None:
                report("done", 0)
        return Response(result.as_dict())

    @extend_schema(
        parameters=[OpenApiParameter("token", str, required=True)],
        responses={200: s.ImportProgressSerializer, 404: OpenApiResponse(description="none")},
    )
    @action(detail=False, methods=["get"], url_path="import/progress")
    def import_progress(self, request: Request) -> Response:
        """How far the caller's import with this progress token has got."""
        found = read_import_progress(
            user_id=request.user.pk, token=request.query_params.get("token", "")
        )
        if found is None:
            raise exceptions.NotFound("no import with this token is running")
        return Response(found)
