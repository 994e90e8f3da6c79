"""Sign-in for the browser (session + CSRF) and for scripts (token), sign-out, password change.

Failed sign-ins are counted per username and per client address (journeymap/workspaces/
signin.py); at the limit both sign-in endpoints answer 429 until the window ends.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from journeymap.core.actors import actor_info

from .. import services
from ..models import ApiToken, Membership
from ..signin import client_address, signin_failed, signin_refused, signin_succeeded
from .base import current_user


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class MembershipOut(serializers.Serializer):
    workspace = serializers.UUIDField()
    workspace_name = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.CharField()
    username = serializers.CharField()
    name = serializers.CharField()
    memberships = MembershipOut(many=True)


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


ErrorOut = inline_serializer(
    "AuthError",
    {
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(required=False),
    },
)
INVALID = OpenApiResponse(ErrorOut, description="missing fields or wrong username or password")
THROTTLED = OpenApiResponse(
    ErrorOut, description="too many failed sign-ins for this username or address (Retry-After)"
)
UNAUTHENTICATED = OpenApiResponse(ErrorOut, description="not signed in")
FORBIDDEN = OpenApiResponse(ErrorOut, description="CSRF check failed (session)")


class LoginThrottle(AnonRateThrottle):
    rate = "30/min"


def me_payload(user: Any) -> dict[str, Any]:
    memberships = Membership.objects.filter(user=user).select_related("workspace")
    return {
        "id": str(user.pk),
        "username": user.get_username(),
        "name": actor_info(user)["name"],
        "memberships": [
            {"workspace": str(m.workspace_id), "workspace_name": m.workspace.name, "role": m.role}
            for m in memberships
        ],
    }


def _authenticated_user(request: Request) -> Any:
    """The user the credentials name, counting a failure (and refusing with 429 once the
    username or the address reached its limit, before the password is even checked)."""
    credentials = CredentialsSerializer(data=request.data)
    credentials.is_valid(raise_exception=True)
    username = credentials.validated_data["username"]
    address = client_address(request._request)
    wait = signin_refused(username=username, address=address)
    if wait is not None:
        raise exceptions.Throttled(wait=wait, detail="too many failed sign-ins; try again later")
    user = authenticate(
        request._request, username=username, password=credentials.validated_data["password"]
    )
    if user is None:
        signin_failed(username=username, address=address)
        raise serializers.ValidationError(
            {"password": ["wrong username or password"]}, code="invalid_credentials"
        )
    signin_succeeded(username=username)
    return user


@method_decorator(csrf_protect, name="dispatch")
class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: MeSerializer, 400: INVALID, 403: FORBIDDEN, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        user = _authenticated_user(request)
        login(request._request, user)
        return Response(me_payload(user))


class LogoutView(APIView):
    """With a token: revokes that token (the user's other tokens keep working). With the
    session: ends the session. Either way the caller is signed out; anonymous is a 204 too."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            services.api_token_revoke(token=request.auth)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revokes every API token of the user and ends the current session."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN})
    def post(self, request: Request) -> Response:
        services.api_tokens_revoke_all(user=current_user(request))
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer, 401: UNAUTHENTICATED})
    def get(self, request: Request) -> Response:
        return Response(me_payload(request.user))


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: TokenOut, 400: INVALID, 429: THROTTLED},
        description=(
            "A new API token, shown once (only its digest is stored). It expires after "
            "API_TOKEN_TTL_DAYS and is revoked by `POST /api/auth/logout/` sent with it, by "
            "`POST /api/auth/logout-all/` and by any password change."
        ),
    )
    def post(self, request: Request) -> Response:
        user = _authenticated_user(request)
        token, key = services.api_token_create(user=user)
        return Response({"token": key, "expiry": token.expiry})


class PasswordChangeView(APIView):
    """Changes the caller's password and revokes all of their API tokens. A session stays
    signed in (other sessions of the user end, as Django does on a password change)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={
            204: None,
            400: OpenApiResponse(ErrorOut, description="wrong current password, or a weak one"),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            429: THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = current_user(request)
        username, address = user.get_username(), client_address(request._request)
        wait = signin_refused(username=username, address=address)
        if wait is not None:
            raise exceptions.Throttled(wait=wait, detail="too many failed attempts; try later")
        try:
            services.user_password_change(
                user=user,
                current_password=data.validated_data["current_password"],
                new_password=data.validated_data["new_password"],
            )
        except DjangoValidationError as error:
            if "current_password" in error.message_dict:
                signin_failed(username=username, address=address)
            raise exceptions.ValidationError(error.message_dict) from None
        if not isinstance(request.auth, ApiToken):  # signed in with the session: keep it
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)
