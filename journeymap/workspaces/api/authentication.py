"""The share-link principal. Kept apart from the views: DRF imports authentication
classes while it builds APIView, so this module must not import any view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from ..access import share_link_for_token
from ..models import ShareLink


class ShareLinkAuthentication(BaseAuthentication):
    """`Authorization: Share <token>`: a read-only principal for one map.

    The request stays anonymous (`request.user`); `request.auth` is the ShareLink."""

    keyword = b"share"

    def authenticate(self, request: Request) -> tuple[Any, ShareLink] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Share header must be 'Share <token>'")
        link = share_link_for_token(parts[1].decode(errors="replace"))
        if link is None:
            raise exceptions.AuthenticationFailed("unknown, revoked or expired share link")
        return AnonymousUser(), link

    def authenticate_header(self, request: Request) -> str:
        return "Share"


class ShareLinkScheme(OpenApiAuthenticationExtension):
    """Documents the share-link principal in the OpenAPI schema."""

    target_class = ShareLinkAuthentication
    name = "shareLink"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Read-only access to one map: `Share <token>`",
        }
