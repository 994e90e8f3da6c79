"""API tokens and the share-link principal. Kept apart from the views: DRF imports
authentication classes while it builds APIView, so this module must not import any view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from ..access import share_link_for_token
from ..models import ApiToken, ShareLink


class ApiTokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`: a knox token (hashed, expiring) that is also refused,
    and with it every token of the user deleted, once the user's password is not the one it
    was issued under. Checking here rather than in a save signal covers every way a password
    can change, including `QuerySet.update` and raw SQL."""

    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user, token = super().validate_user(auth_token)
        if not constant_time_compare(token.password_fingerprint, user.get_session_auth_hash()):
            ApiToken.objects.filter(user=user).delete()
            raise exceptions.AuthenticationFailed("token revoked: the password has changed")
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the API token in the OpenAPI schema."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`, from `POST /api/auth/token/`",
        }


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
