"""Who is on the other end of a socket: origin check, session cookie, share-link token.

Channels' own SessionMiddleware wraps `send` (to save sessions on HTTP responses), which would
put an extra coroutine in front of every fan-out frame; a socket never saves its session, so we
read the cookie once at connect instead. Neither middleware here touches `send`.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlparse

from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.utils.module_loading import import_string

from journeymap.workspaces.access import share_link_for_token
from journeymap.workspaces.models import ShareLink

from .db import db

Scope = dict[str, Any]


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class OriginCheck(OriginValidator):
    """Refuses a handshake whose Origin is not one of ALLOWED_HOSTS or CSRF_TRUSTED_ORIGINS.

    Browsers always send Origin on a WebSocket handshake, and a cross-site page could otherwise
    ride the visitor's session cookie; other clients simply send the server's own origin.
    """

    def __init__(self, application: Any) -> None:
        hosts = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not hosts:
            hosts = ["localhost", "127.0.0.1", "[::1]"]
        super().__init__(application, hosts)
        self.trusted = {origin.lower().rstrip("/") for origin in settings.CSRF_TRUSTED_ORIGINS}

    def validate_origin(self, parsed_origin: Any) -> bool:
        if parsed_origin is not None and parsed_origin.geturl().lower() in self.trusted:
            return True
        return bool(super().validate_origin(parsed_origin))


def share_token(scope: Scope) -> str | None:
    query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
    tokens = query.get("share")
    return tokens[0] if tokens else None


def _session_user(session_key: str | None) -> Any:
    if not session_key:
        return AnonymousUser()
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    # django.contrib.auth.get_user only needs `request.session`; it also verifies the session
    # hash, so a password change logs sockets out the same way it logs out browsers.
    return get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]


@db
def _authenticate(session_key: str | None, token: str | None) -> tuple[Any, ShareLink | None]:
    if token is not None:
        # A share URL is a read-only principal whatever cookies the browser also carries.
        return AnonymousUser(), share_link_for_token(token)
    return _session_user(session_key), None


class SessionAuth:
    """Puts `user` (from the session cookie) or `share_link` (from `?share=`) in the scope."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        cookies = SimpleCookie()
        raw = header(scope, b"cookie")
        if raw:
            try:
                cookies.load(raw)
            except CookieError:  # a garbled cookie header is simply no session
                cookies = SimpleCookie()
        morsel = cookies.get(settings.SESSION_COOKIE_NAME)
        user, link = await _authenticate(morsel.value if morsel else None, share_token(scope))
        scope = {**scope, "user": user, "share_link": link}
        return await self.application(scope, receive, send)


def origin_of(url: str) -> str:
    parts = urlparse(url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}"


__all__ = ["OriginCheck", "SessionAuth", "header", "origin_of", "share_token"]
