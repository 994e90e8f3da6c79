"""Sign-in for the browser (session + CSRF) and for scripts (token)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from journeymap.core.actors import actor_info

from ..models import Membership


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class MembershipOut(serializers.Serializer):
    workspace = serializers.UUIDField()
    workspace_name = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.CharField()
    username = serializers.CharField()
    name = serializers.CharField()
    memberships = MembershipOut(many=True)


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
    credentials = CredentialsSerializer(data=request.data)
    credentials.is_valid(raise_exception=True)
    user = authenticate(
        request._request,
        username=credentials.validated_data["username"],
        password=credentials.validated_data["password"],
    )
    if user is None:
        raise serializers.ValidationError(
            {"password": ["wrong username or password"]}, code="invalid_credentials"
        )
    return user


@method_decorator(csrf_protect, name="dispatch")
class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginThrottle]

    @extend_schema(request=CredentialsSerializer, responses=MeSerializer)
    def post(self, request: Request) -> Response:
        user = _authenticated_user(request)
        login(request._request, user)
        return Response(me_payload(user))


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(me_payload(request.user))


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=CredentialsSerializer,
        responses=inline_serializer("TokenOut", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        user = _authenticated_user(request)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
