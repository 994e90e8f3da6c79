"""Workspaces and their members."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .. import services
from ..access import role_in
from ..models import Membership, Role, Workspace
from .base import WorkspaceScopedViewSet, current_user


class WorkspaceSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Workspace
        fields = ["id", "name", "role", "created_at", "updated_at"]
        read_only_fields = ["id", "role", "created_at", "updated_at"]

    def get_role(self, workspace: Workspace) -> str | None:
        return role_in(user=self.context["request"].user, workspace_id=workspace.pk)


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all()
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "role", "created_at"]
        read_only_fields = ["id", "username", "created_at"]


class RoleSerializer(serializers.Serializer):
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
            name=serializer.validated_data["name"], owner=current_user(self.request)
        )

    def perform_update(self, serializer: Any) -> None:
        self._require_owner(serializer.instance)
        services.workspace_update(
            workspace=serializer.instance, name=serializer.validated_data["name"]
        )

    def _require_owner(self, workspace: Workspace) -> None:
        if role_in(user=self.request.user, workspace_id=workspace.pk) != Role.OWNER:
            raise exceptions.PermissionDenied("only an owner can manage the workspace")

    @extend_schema(request=MemberSerializer, responses=MemberSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def members(self, request: Request, pk: str | None = None) -> Response:
        workspace = self.get_object()
        if request.method == "GET":
            memberships = workspace.memberships.select_related("user")
            return Response(MemberSerializer(memberships, many=True).data)
        self._require_owner(workspace)
        data = MemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = self._call(
            services.membership_set,
            workspace=workspace,
            user=data.validated_data["user"],
            role=data.validated_data["role"],
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RoleSerializer,
        responses=MemberSerializer,
        parameters=[OpenApiParameter("member_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"members/(?P<member_id>[^/.]+)")
    def member(self, request: Request, pk: str | None = None, member_id: str = "") -> Response:
        workspace = self.get_object()
        self._require_owner(workspace)
        membership = workspace.memberships.filter(pk=_uuid(member_id)).first()
        if membership is None:
            raise exceptions.NotFound("no such member")
        if request.method == "DELETE":
            self._call(services.membership_remove, membership=membership)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = RoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = self._call(
            services.membership_set,
            workspace=workspace,
            user=membership.user,
            role=data.validated_data["role"],
        )
        return Response(MemberSerializer(membership).data)

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
