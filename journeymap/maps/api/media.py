"""Persona photos, served only to those who may see the persona.

`/media/personas/<name>` keeps the URL shape of the `photo` field and of the map document,
but answers only members of the persona's workspace, or a share link (`Authorization:
Share <token>` or `?share=<token>`) whose map shows the persona. Everyone else gets 404,
as if the file did not exist."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import (
    SessionAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from journeymap.workspaces.access import share_link_for_token
from personas.photos import PHOTO_DIR, content_type_of

from ..access import persona_photo_visible


def _share_token(request: Request) -> str | None:
    parts = get_authorization_header(request).split()
    if len(parts) == 2 and parts[0].lower() == b"share":
        return parts[1].decode(errors="replace")
    return request.query_params.get("share") or None


class PersonaPhotoView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request, name: str) -> FileResponse:
        path = f"{PHOTO_DIR}{name}"
        if "/" in name or "\\" in name or name.startswith("."):
            raise Http404
        token = _share_token(request)
        link = share_link_for_token(token) if token else None
        if not persona_photo_visible(name=path, user=request.user, share_link=link):
            raise Http404
        try:
            handle = default_storage.open(path, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type_of(name))
        _harden(response)
        return response


def _harden(response: Any) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
