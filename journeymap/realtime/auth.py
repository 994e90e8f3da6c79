"""Who is on the other end of a socket: origin check, session cookie, share-link token.

Channels' own SessionMiddleware wraps `send` (to save sessions on HTTP responses), which would
put an extra coroutine in front of every fan-out frame; a socket never saves its session, so we
read the cookie once at connect instead. Neither middleware here touches `send`.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, get_user
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


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int | None]  # scheme, host, port (None: any)


def parse_origin(value: str) -> Origin | None:
    """`scheme://host[:port]` as a comparable triple, the default port made explicit."""
    try:
        parts = urlparse(value.strip().rstrip("/"))
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host or parts.path or parts.query:
        return None
    if ":" in host:
        host = f"[{host}]"  # IPv6, as it appears in an origin
    return scheme, host, port if port is not None else DEFAULT_PORTS[scheme]


def _matches(origin: Origin, allowed: str) -> bool:
    if allowed.startswith(("http://*.", "https://*.")):
        # CSRF_TRUSTED_ORIGINS may name subdomains with a wildcard, as Django allows there.
        wanted = parse_origin(allowed.replace("*.", "", 1))
        return (
            wanted is not None
            and origin[0] == wanted[0]
            and origin[2] == wanted[2]
            and origin[1].endswith("." + wanted[1])
        )
    return parse_origin(allowed) == origin


def origin_allowed(value: str | None) -> bool:
    """Whether a handshake's Origin may open a socket.

    WS_ALLOWED_ORIGINS lists full origins, compared exactly (scheme, host and port). Unset, a
    DEBUG server takes localhost on any port, and a production one CSRF_TRUSTED_ORIGINS: the
    origins already trusted to post forms. ALLOWED_HOSTS is not used: it names hosts, and an
    origin on another scheme or port of an allowed host is another site.
    """
    origin = parse_origin(value) if value else None
    if origin is None:
        return False
    configured = [item for item in getattr(settings, "WS_ALLOWED_ORIGINS", None) or [] if item]
    if configured:
        return any(_matches(origin, allowed) for allowed in configured)
    if settings.DEBUG:
        return origin[1] in LOCAL_HOSTS
    return any(_matches(origin, allowed) for allowed in settings.CSRF_TRUSTED_ORIGINS)


class OriginCheck:
    """Refuses (HTTP 403) a handshake whose Origin is not allowed, or that has none.

    Browsers always send Origin on a WebSocket handshake, and a cross-site page could otherwise
    ride the visitor's session cookie; other clients simply send the server's own origin.
    Settings are read per handshake, so a change (or a test's override) applies at once.
    """

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(header(scope, b"origin")):
            await receive()  # the websocket.connect event
            await send({"type": "websocket.close", "code": 4403})
            return None
        return await self.application(scope, receive, send)


def share_token(scope: Scope) -> str | None:
    query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
    tokens = query.get("share")
    return tokens[0] if tokens else None


@dataclass(frozen=True)
class Identity:
    """Who the handshake's credentials name. A session socket keeps its session key and auth
    hash, so the access poll can end it when the session ends (logout, password change)."""

    user: Any
    share_link: ShareLink | None = None
    session_key: str | None = None
    session_hash: str | None = None


def _session_identity(session_key: str | None) -> Identity:
    if not session_key:
        return Identity(user=AnonymousUser())
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    # django.contrib.auth.get_user only needs `request.session`; it also verifies the session
    # hash, so a password change logs sockets out the same way it logs out browsers.
    user = get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
    if not user.is_authenticated:
        return Identity(user=user)
    return Identity(
        user=user, session_key=store.session_key, session_hash=store.get(HASH_SESSION_KEY)
    )


@db
def _authenticate(session_key: str | None, token: str | None) -> Identity:
    if token is not None:
        # A share URL is a read-only principal whatever cookies the browser also carries.
        return Identity(user=AnonymousUser(), share_link=share_link_for_token(token))
    return _session_identity(session_key)


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
        identity = await _authenticate(morsel.value if morsel else None, share_token(scope))
        scope = {
            **scope,
            "user": identity.user,
            "share_link": identity.share_link,
            "identity": identity,
        }
        return await self.application(scope, receive, send)


def origin_of(url: str) -> str:
    parts = urlparse(url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}"


__all__ = [
    "Identity",
    "OriginCheck",
    "SessionAuth",
    "header",
    "origin_allowed",
    "origin_of",
    "share_token",
]
