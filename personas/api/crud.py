"""The base of the workspace-owned CRUD viewsets of this app."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, mixins

from journeymap.workspaces.api.base import WorkspaceScopedViewSet

from .. import services

WORKSPACE_PARAM = OpenApiParameter("workspace", str, description="only this workspace's records")


class CrudViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceScopedViewSet,
):
    """Create and update go through `save_service(instance=…, data=…)`."""

    def save(self, instance: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _save(self, instance: Any, data: dict[str, Any]) -> Any:
        try:
            return self.save(instance, data)
        except services.AlreadyUsed as taken:
            raise exceptions.ValidationError(
                {taken.field: ["already used in this workspace"]}
            ) from None

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        workspace = data.pop("workspace")
        self.require_writer(workspace.pk)
        instance = self.model(workspace=workspace)
        serializer.instance = self._save(instance, data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = self._save(serializer.instance, dict(serializer.validated_data))

    def perform_destroy(self, instance: Any) -> None:
        services.record_delete(record=instance)
