"""Interview guides, interview notes, the promotion of a note's words into a persona, and
the workspace's interview progress. Views validate, check the role, call one service and
serialize."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.workspaces.api.base import (
    WorkspaceScopedViewSet,
    member_workspace,
    uuid_param,
)
from journeymap.workspaces.models import Workspace

from .. import research
from ..models import InterviewGuide, InterviewNote, PersonaEvidence
from ..persona_read import research_progress
from . import persona_serializers as ps
from . import research_serializers as rs
from .crud import WORKSPACE_PARAM, CrudViewSet


@extend_schema_view(list=extend_schema(parameters=[WORKSPACE_PARAM]))
class InterviewGuideViewSet(CrudViewSet):
    model = InterviewGuide
    serializer_class = rs.InterviewGuideSerializer
    ordering_fields = ["name", "updated_at"]

    def get_queryset(self) -> QuerySet[InterviewGuide]:
        # The count's GROUP BY drops Meta.ordering: say it again.
        return (
            super()
            .get_queryset()
            .annotate(notes_count=Count("notes"))
            .order_by("-is_default", "name", "pk")
        )

    def save(self, instance: InterviewGuide, data: dict[str, Any]) -> InterviewGuide:
        return research.guide_save(guide=instance, data=data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            WORKSPACE_PARAM,
            OpenApiParameter("persona", str, description="only notes linked to this persona"),
            OpenApiParameter(
                "search", str, description="in title, interviewee, company, summary, answers"
            ),
        ]
    )
)
class InterviewNoteViewSet(CrudViewSet):
    model = InterviewNote
    serializer_class = rs.InterviewNoteSerializer
    ordering_fields = ["interviewed_on", "created_at", "title"]

    def get_queryset(self) -> QuerySet[InterviewNote]:
        queryset = (
            super()
            .get_queryset()
            .select_related("created_by")
            .prefetch_related(
                "personas",
                Prefetch("evidence", PersonaEvidence.objects.select_related("persona")),
            )
        )
        persona = self.request.query_params.get("persona")
        if persona:
            queryset = queryset.filter(personas=uuid_param(persona, "persona"))
        search = (self.request.query_params.get("search") or "").strip()[:100]
        if search:
            queryset = queryset.filter(
                Q(title__icontains=search)
                | Q(interviewee__icontains=search)
                | Q(company__icontains=search)
                | Q(summary__icontains=search)
                | Q(answers__icontains=search)  # the JSON as text: every answer at once
            )
        return queryset

    def save(self, instance: InterviewNote, data: dict[str, Any]) -> InterviewNote:
        return research.note_save(note=instance, actor=self.request.user, data=data)

    @extend_schema(request=rs.PromoteSerializer, responses=rs.PromotionSerializer)
    @action(detail=True, methods=["post"])
    def promote(self, request: Request, pk: str | None = None) -> Response:
        """Put a quote, pain point, goal … from this note into a persona, keeping the link."""
        note = self.get_object()  # 404 outside the caller's workspaces, 403 for a viewer
        body = rs.PromoteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        try:
            evidence = research.note_promote(
                note=note,
                persona=body.validated_data["persona"],
                field=body.validated_data["field"],
                text=body.validated_data["text"],
                actor=request.user,
            )
        except research.PromotionRefused as refused:
            raise exceptions.ValidationError({refused.field: [str(refused)]}) from None
        context = self.get_serializer_context()
        return Response(
            {
                "persona": ps.PersonaSerializer(evidence.persona, context=context).data,
                "evidence": rs.NoteEvidenceSerializer(evidence).data,
            }
        )


class PersonaEvidenceViewSet(mixins.DestroyModelMixin, WorkspaceScopedViewSet):
    """Unlink one evidence item; the persona keeps its text."""

    model = PersonaEvidence
    workspace_path = "persona__workspace"
    serializer_class = rs.NoteEvidenceSerializer

    def perform_destroy(self, instance: PersonaEvidence) -> None:
        research.evidence_delete(evidence=instance)


class ResearchProgressView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("workspace", str, required=True)],
        responses=rs.ResearchProgressSerializer,
    )
    def get(self, request: Request) -> Response:
        """Interviews against the target of 6–10 per two personas, persona by persona."""
        workspace = Workspace.objects.get(pk=member_workspace(request))
        return Response(rs.ResearchProgressSerializer(research_progress(workspace=workspace)).data)
