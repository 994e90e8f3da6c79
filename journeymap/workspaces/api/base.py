"""What every API view stands on: workspace scoping, roles and the share-link principal.

A record of another workspace is never in the queryset, so `get_object` answers 404 for it;
viewers may read but not write (403); anonymous callers are refused (401).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request

from ..access import role_in
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

    # Actions whose body names the workspace the new record goes to. The caller's right to
    # write there is checked before the body is validated, so that a refusal is the same
    # whatever else the body holds (a validation message would tell an outsider something).
    body_scoped_actions: frozenset[str] = frozenset({"create"})

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action in self.body_scoped_actions:
            self.before_body(request)
            self.require_writer_of_body()

    def before_body(self, request: Request) -> None:
        """Runs before the body is parsed, e.g. to install upload limits."""

    def require_writer_of_body(self) -> None:
        """Authorise a create against the workspace its body names, before validation.

        The body field is the first step of `workspace_path` ("workspace", or "map" for
        "map__workspace"). A value that is absent or not an id is left to validation, which
        then refuses it without consulting any workspace."""
        field, _, rest = self.workspace_path.partition("__")
        try:
            relation = self.model._meta.get_field(field)
        except FieldDoesNotExist:
            return
        related: Any = relation.related_model
        if not relation.is_relation or related is None:
            return
        data = self.request.data
        if not isinstance(data, Mapping) or data.get(field) in (None, ""):
            return
        try:
            pk = related._meta.pk.to_python(data.get(field))
        except (DjangoValidationError, TypeError, ValueError, AttributeError, OverflowError):
            return
        if not rest:
            self.require_writer(pk, name=field)
            return
        workspace_id = (
            related._default_manager.filter(pk=pk).values_list(f"{rest}_id", flat=True).first()
        )
        if workspace_id is None:
            raise exceptions.NotFound(f"no such {field}")
        self.require_writer(workspace_id, name=field)

    def require_writer(self, workspace_id: Any, *, name: str = "workspace") -> None:
        """For creates, where there is no object yet: the target workspace must be one the
        caller can write in. A workspace the caller cannot see does not exist for them (404,
        like any record of it); a member who may not write gets 403."""
        role = role_in(user=self.request.user, workspace_id=workspace_id)
        if role is None:
            raise exceptions.NotFound(f"no such {name}")
        if role not in WRITE_ROLES:
            raise exceptions.PermissionDenied(WorkspaceRole.message)


def uuid_param(value: str, name: str) -> str:
    """A UUID query parameter, or a 400 naming it."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise exceptions.ValidationError({name: ["must be a UUID"]}) from None


def member_workspace(request: Request, *, name: str = "workspace") -> str:
    """The workspace a workspace-wide read names in its query (`?workspace=<id>`), which the
    caller must be a member of. Missing or not a UUID: 400 naming it. A workspace the caller
    is not in, and any share link (it opens one map, not a workspace): 404, the answer for a
    record that does not exist, so a stranger learns nothing."""
    value = request.query_params.get(name)
    if not value:
        raise exceptions.ValidationError({name: ["this query parameter is required"]})
    workspace_id = uuid_param(value, name)
    if (
        share_link_of(request) is not None
        or role_in(user=request.user, workspace_id=workspace_id) is None
    ):
        raise exceptions.NotFound(f"no such {name}")
    return workspace_id


__all__ = ["ShareLinkAuthentication", "WorkspaceRole", "WorkspaceScopedViewSet", "share_link_of"]
