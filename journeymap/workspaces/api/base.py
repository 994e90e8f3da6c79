"""What every API view stands on: workspace scoping, roles and the share-link principal.

A record of another workspace is never in the queryset, so `get_object` answers 404 for it;
viewers may read but not write (403); anonymous callers are refused (401).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request

from ..access import can_write, role_in
from ..models import WRITE_ROLES, ShareLink
from .authentication import ShareLinkAuthentication


def current_user(request: Request) -> User:
    """The signed-in user of a request that passed an IsAuthenticated-style check."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user


def share_link_of(request: Request) -> ShareLink | None:
    return request.auth if isinstance(request.auth, ShareLink) else None


class WorkspaceRole(permissions.BasePermission):
    """Members read; owners and editors write. Objects outside the caller's workspaces never
    reach this check: the scoped queryset already turned them into a 404."""

    message = "your role in this workspace does not allow changes"

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: Any, obj: Model) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        workspace_id = view.workspace_id_of(obj)
        return role_in(user=request.user, workspace_id=workspace_id) in WRITE_ROLES


class WorkspaceScopedViewSet(viewsets.GenericViewSet):
    """Base for every workspace-owned resource.

    Subclasses name `model` and `workspace_path` (the lookup from the model to its
    workspace, e.g. "workspace" or "persona__workspace")."""

    model: type[Model]
    workspace_path = "workspace"
    permission_classes = [WorkspaceRole]
    filterset_workspace_param = "workspace"

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # OpenAPI generation has no user
            return self.model._default_manager.none()
        user = self.request.user
        queryset = self.model._default_manager.filter(
            **{f"{self.workspace_path}__memberships__user": user}
        )
        workspace = self.request.query_params.get(self.filterset_workspace_param)
        if workspace:
            queryset = queryset.filter(
                **{f"{self.workspace_path}_id": uuid_param(workspace, "workspace")}
            )
        return queryset.distinct() if "__" in self.workspace_path else queryset

    def workspace_id_of(self, obj: Model) -> Any:
        target: Any = obj
        for part in self.workspace_path.split("__"):
            target = getattr(target, part)
        return target.pk

    def require_writer(self, workspace_id: Any) -> None:
        """For creates, where there is no object yet: the target workspace must be one the
        caller can write in. A workspace the caller cannot see does not exist for them."""
        role = role_in(user=self.request.user, workspace_id=workspace_id)
        if role is None:
            raise exceptions.ValidationError({"workspace": ["no such workspace"]})
        if not can_write(user=self.request.user, workspace_id=workspace_id):
            raise exceptions.PermissionDenied(WorkspaceRole.message)


def uuid_param(value: str, name: str) -> str:
    """A UUID query parameter, or a 400 naming it."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise exceptions.ValidationError({name: ["must be a UUID"]}) from None


__all__ = ["ShareLinkAuthentication", "WorkspaceRole", "WorkspaceScopedViewSet", "share_link_of"]
