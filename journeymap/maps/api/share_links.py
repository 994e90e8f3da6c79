"""Read-only share links to one map: create (the token is shown once), list, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.core.addresses import client_address
from journeymap.workspaces import services
from journeymap.workspaces.api.base import WorkspaceScopedViewSet, current_user, uuid_param
from journeymap.workspaces.models import ShareLink

from ..models import JourneyMap


class ScopedMapField(serializers.PrimaryKeyRelatedField):
    """A map of one of the caller's workspaces; any other id reads as absent."""

    def get_queryset(self) -> QuerySet[JourneyMap]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return JourneyMap.objects.none()
        return JourneyMap.objects.filter(workspace__memberships__user=user)


class ShareLinkSerializer(serializers.ModelSerializer):
    map = ScopedMapField()
    is_active = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ShareLink
        fields = [
            "id",
            "map",
            "label",
            "expires_at",
            "revoked_at",
            "is_active",
            "created_at",
            "url",
        ]
        read_only_fields = ["id", "revoked_at", "is_active", "created_at", "url"]

    def validate_expires_at(self, value: datetime | None) -> datetime:
        # The default lifetime and the maximum are the service's; this makes them a 400.
        try:
            return services.share_link_expiry(expires_at=value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["expires_at"]) from None

    def get_url(self, link: ShareLink) -> str | None:
        token = self.context.get("token")
        return f"/share/{token}/" if token else None


class ShareLinkCreatedSerializer(ShareLinkSerializer):
    token = serializers.CharField(read_only=True)

    class Meta(ShareLinkSerializer.Meta):
        fields = [*ShareLinkSerializer.Meta.fields, "token"]


class ShareLinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceScopedViewSet,
):
    """Read-only links to one map. The token is returned once, on creation; deleting a link
    revokes it (the row stays, for the record)."""

    model = ShareLink
    workspace_path = "map__workspace"
    serializer_class = ShareLinkSerializer
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[ShareLink]:
        # Links of a trashed map are hidden with it (and come back when it is restored).
        queryset = super().get_queryset().filter(map__deleted_at__isnull=True)
        map_id = self.request.query_params.get("map")
        return queryset.filter(map_id=uuid_param(map_id, "map")) if map_id else queryset

    @extend_schema(responses=ShareLinkCreatedSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ShareLinkSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        journey_map = data.validated_data["map"]
        self.require_writer(journey_map.workspace_id)
        link, token = services.share_link_create(
            journey_map=journey_map,
            created_by=current_user(request),
            label=data.validated_data.get("label", ""),
            expires_at=data.validated_data.get("expires_at"),
            address=client_address(request._request),
        )
        payload = ShareLinkSerializer(link, context={"request": request, "token": token}).data
        return Response({**payload, "token": token}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ShareLink) -> None:
        services.share_link_revoke(
            link=instance,
            actor=self.request.user,
            address=client_address(self.request._request),
        )
