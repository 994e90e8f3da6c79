"""Workspaces, their members and invitations to join them.

People join a workspace only by accepting an invitation (a one-time link an owner creates);
there is no way to add someone by username, so usernames cannot be probed from here either.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.core.addresses import client_address

from .. import services
from ..access import role_in
from ..models import Invitation, Membership, Role, Workspace
from .base import WorkspaceScopedViewSet, current_user

ErrorOut = inline_serializer(
    "WorkspaceError",
    {
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(required=False),
    },
)
INVALID = OpenApiResponse(ErrorOut, description="invalid input; nothing changed")
UNAUTHENTICATED = OpenApiResponse(ErrorOut, description="not signed in")
NOT_OWNER = OpenApiResponse(ErrorOut, description="only an owner can do this")
NOT_FOUND = OpenApiResponse(ErrorOut, description="no such record (or not in your workspaces)")


class WorkspaceSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Workspace
        fields = ["id", "name", "role", "created_at", "updated_at"]
        read_only_fields = ["id", "role", "created_at", "updated_at"]

    def get_role(self, workspace: Workspace) -> str | None:
        return role_in(user=self.context["request"].user, workspace_id=workspace.pk)


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    # What a persona's `owner` takes.
    user_id = serializers.IntegerField(source="user.pk", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "user_id", "role", "created_at"]
        read_only_fields = fields


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices, default=Role.EDITOR)
    status = serializers.ChoiceField(
        choices=["pending", "accepted", "expired", "revoked"], read_only=True
    )
    accepted_by = serializers.CharField(
        source="accepted_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "role",
            "email",
            "label",
            "status",
            "created_at",
            "expires_at",
            "accepted_by",
            "accepted_at",
        ]
        read_only_fields = ["id", "status", "created_at", "expires_at", "accepted_at"]


class InvitationCreatedSerializer(InvitationSerializer):
    token = serializers.CharField(read_only=True, help_text="shown once; only its hash is kept")
    accept_url = serializers.CharField(
        read_only=True, help_text="POST here, signed in as the invitee, to join"
    )

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "token", "accept_url"]


class JoinedSerializer(serializers.Serializer):
    workspace = serializers.UUIDField()
    workspace_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)


class WorkspaceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    WorkspaceScopedViewSet,
):
    model = Workspace
    workspace_path = "id"
    serializer_class = WorkspaceSerializer
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> QuerySet[Workspace]:
        if getattr(self, "swagger_fake_view", False):
            return Workspace.objects.none()
        return Workspace.objects.filter(memberships__user=current_user(self.request))

    def workspace_id_of(self, obj: Any) -> Any:
        return obj.pk

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.workspace_create(
            name=serializer.validated_data["name"],
            owner=current_user(self.request),
            address=client_address(self.request._request),
        )

    def perform_update(self, serializer: Any) -> None:
        self._require_owner(serializer.instance)
        services.workspace_update(
            # A PATCH may leave the name out (`{}` changes nothing).
            workspace=serializer.instance,
            name=serializer.validated_data.get("name", serializer.instance.name),
            actor=self.request.user,
            address=client_address(self.request._request),
        )

    def _require_owner(self, workspace: Workspace) -> None:
        if role_in(user=self.request.user, workspace_id=workspace.pk) != Role.OWNER:
            raise exceptions.PermissionDenied("only an owner can manage the workspace")

    @extend_schema(
        responses={200: MemberSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
        description="The members of the workspace. People join by accepting an invitation.",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def members(self, request: Request, pk: str | None = None) -> Response:
        workspace = self.get_object()
        memberships = workspace.memberships.select_related("user")
        return Response(MemberSerializer(memberships, many=True).data)

    @extend_schema(
        methods=["PATCH"],
        request=RoleSerializer,
        responses={
            200: MemberSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: NOT_OWNER,
            404: NOT_FOUND,
        },
        parameters=[OpenApiParameter("member_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        description="Change a member's role (owners only; the workspace keeps an owner).",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={204: None, 400: INVALID, 401: UNAUTHENTICATED, 403: NOT_OWNER, 404: NOT_FOUND},
        parameters=[OpenApiParameter("member_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        description="Remove a member (owners only; the last owner cannot be removed).",
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"members/(?P<member_id>[^/.]+)")
    def member(self, request: Request, pk: str | None = None, member_id: str = "") -> Response:
        workspace = self.get_object()
        self._require_owner(workspace)
        membership = workspace.memberships.filter(pk=_uuid(member_id)).first()
        if membership is None:
            raise exceptions.NotFound("no such member")
        who = {"actor": request.user, "address": client_address(request._request)}
        if request.method == "DELETE":
            self._call(services.membership_remove, membership=membership, **who)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = RoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = self._call(
            services.membership_set,
            workspace=workspace,
            user=membership.user,
            role=data.validated_data["role"],
            **who,
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(
        methods=["GET"],
        responses={
            200: InvitationSerializer(many=True),
            401: UNAUTHENTICATED,
            403: NOT_OWNER,
            404: NOT_FOUND,
        },
        description="The workspace's invitations, newest first (owners only; no tokens).",
    )
    @extend_schema(
        methods=["POST"],
        request=InvitationSerializer,
        responses={
            201: InvitationCreatedSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: NOT_OWNER,
            404: NOT_FOUND,
        },
        description=(
            "Create a one-time invitation (owners only). The answer carries the token and "
            "the accept URL once; the invitation expires after INVITATION_TTL_DAYS."
        ),
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def invitations(self, request: Request, pk: str | None = None) -> Response:
        workspace = self.get_object()
        self._require_owner(workspace)
        if request.method == "GET":
            invitations = workspace.invitations.select_related("accepted_by")
            return Response(InvitationSerializer(invitations, many=True).data)
        data = InvitationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, token = self._call(
            services.invitation_create,
            workspace=workspace,
            created_by=current_user(request),
            role=data.validated_data["role"],
            email=data.validated_data.get("email", ""),
            label=data.validated_data.get("label", ""),
            address=client_address(request._request),
        )
        payload = {
            **InvitationSerializer(invitation).data,
            "token": token,
            "accept_url": request.build_absolute_uri(f"/invitations/{token}/"),
        }
        return Response(payload, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={204: None, 401: UNAUTHENTICATED, 403: NOT_OWNER, 404: NOT_FOUND},
        parameters=[OpenApiParameter("invitation_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        description="Revoke an invitation (owners only); its link stops working.",
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"invitations/(?P<invitation_id>[^/.]+)",
    )
    def invitation(
        self, request: Request, pk: str | None = None, invitation_id: str = ""
    ) -> Response:
        workspace = self.get_object()
        self._require_owner(workspace)
        invitation = workspace.invitations.filter(pk=_uuid(invitation_id)).first()
        if invitation is None:
            raise exceptions.NotFound("no such invitation")
        services.invitation_revoke(
            invitation=invitation, actor=request.user, address=client_address(request._request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _call(service: Any, **kwargs: Any) -> Any:
        try:
            return service(**kwargs)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise exceptions.NotFound("no such record") from None


class InvitationAcceptView(APIView):
    """Join a workspace with an invitation's token, signed in as the person joining."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: JoinedSerializer,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorOut, description="CSRF check failed (session)"),
            404: OpenApiResponse(
                ErrorOut, description="unknown, expired, revoked or already used invitation"
            ),
        },
        parameters=[OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.PATH)],
        description=(
            "Makes the caller a member with the invitation's role (an existing member keeps "
            "their role) and uses the invitation up. Accepting again answers the same."
        ),
    )
    def post(self, request: Request, token: str) -> Response:
        try:
            membership = services.invitation_accept(
                token=token, user=current_user(request), address=client_address(request._request)
            )
        except services.InvitationNotFound:
            raise exceptions.NotFound("no such invitation") from None
        return Response(
            {
                "workspace": str(membership.workspace_id),
                "workspace_name": membership.workspace.name,
                "role": membership.role,
            }
        )
