"""Fixtures for the live layer: people, a workspace, a map, sockets, and the channel layer
(in-memory, or channels_redis on the local Redis). Names start with `rt_` so they never clash
with the project-wide factories in tests/conftest.py."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from journeymap.maps.models import JourneyMap, Lane, Stage
from journeymap.realtime.hub import shutdown_hub
from journeymap.realtime.routing import websocket_application
from journeymap.realtime.snapshots import snapshot_cache
from journeymap.workspaces.models import Membership, ShareLink, Workspace
from tests.realtime.rt_helpers import (
    REDIS_URL,
    Socket,
    redis_available,
    redis_layer_settings,
    require_or_skip,
    session_cookie,
)

ORIGIN = b"http://testserver"


@pytest.fixture(params=["memory", "redis"])
async def rt_layer(request: pytest.FixtureRequest, settings: Any) -> AsyncIterator[str]:
    """Runs a test once on the in-memory layer and once on channels_redis + Redis presence."""
    if request.param == "redis":
        if not redis_available():
            require_or_skip("Redis is not reachable at " + REDIS_URL)
        prefix = "jmtest" + secrets.token_hex(4)
        settings.CHANNEL_LAYERS = redis_layer_settings(REDIS_URL, prefix)
        settings.REDIS_URL = REDIS_URL
        settings.REALTIME_REDIS_PREFIX = prefix
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        settings.REDIS_URL = ""
    yield request.param
    await shutdown_hub()
    if request.param == "redis":
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        await layer.flush()
        await layer.close_pools()


@pytest.fixture(autouse=True)
async def rt_fresh_hub(settings: Any) -> AsyncIterator[None]:
    # The database thread closes its connection after each call in tests, as Channels does,
    # so the test database can be flushed and dropped (test_db.py covers keeping it).
    settings.REALTIME_CONN_MAX_AGE = 0
    # pytest-django runs with DEBUG off: the origin the communicator sends is listed.
    settings.WS_ALLOWED_ORIGINS = [ORIGIN.decode()]
    snapshot_cache.clear()
    yield
    await shutdown_hub()


@pytest.fixture
def rt_fast_timings(settings: Any) -> None:
    settings.PRESENCE_INTERVAL = 0.05
    settings.ACCESS_POLL_INTERVAL = 0.2


# --- people and places ------------------------------------------------------------------------


def _user(username: str, first: str = "", last: str = "") -> Any:
    # No password: sockets authenticate with a session (force_login), and hashing one costs
    # a quarter of a second per user.
    return get_user_model().objects.create(username=username, first_name=first, last_name=last)


@pytest.fixture
def rt_workspace(db: None) -> Workspace:
    return Workspace.objects.create(name="Workshop")


@pytest.fixture
def rt_owner(rt_workspace: Workspace) -> Any:
    user = _user("rt-owner", "Olga", "Owner")
    Membership.objects.create(workspace=rt_workspace, user=user, role="owner")
    return user


@pytest.fixture
def rt_editor(rt_workspace: Workspace) -> Any:
    user = _user("rt-editor", "Ed", "Editor")
    Membership.objects.create(workspace=rt_workspace, user=user, role="editor")
    return user


@pytest.fixture
def rt_viewer(rt_workspace: Workspace) -> Any:
    user = _user("rt-viewer", "Vi", "Viewer")
    Membership.objects.create(workspace=rt_workspace, user=user, role="viewer")
    return user


@pytest.fixture
def rt_outsider(db: None) -> Any:
    user = _user("rt-outsider", "Otto", "Outsider")
    other = Workspace.objects.create(name="Elsewhere")
    Membership.objects.create(workspace=other, user=user, role="owner")
    return user


@pytest.fixture
def rt_map(rt_workspace: Workspace, rt_owner: Any) -> JourneyMap:
    journey_map = JourneyMap.objects.create(
        workspace=rt_workspace, title="Onboarding", created_by=rt_owner
    )
    Stage.objects.create(map=journey_map, name="Discover", order_key="a0")
    Lane.objects.create(map=journey_map, name="Actions", kind="actions", order_key="a0")
    return journey_map


@pytest.fixture
def rt_board(rt_map: JourneyMap) -> dict[str, str]:
    """Ids of the map's first stage and lane, for ops that place items."""
    return {
        "map": str(rt_map.id),
        "stage": str(Stage.objects.get(map=rt_map).id),
        "lane": str(Lane.objects.get(map=rt_map).id),
    }


@pytest.fixture
def rt_share_token(rt_map: JourneyMap, rt_owner: Any) -> str:
    token = secrets.token_urlsafe(32)
    ShareLink.objects.create(
        map=rt_map,
        label="board",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_by=rt_owner,
    )
    return token


# --- sockets ----------------------------------------------------------------------------------


ConnectFactory = Callable[..., Awaitable[Socket]]


@pytest.fixture
async def rt_connect(rt_map: JourneyMap) -> AsyncIterator[ConnectFactory]:
    """`await rt_connect(user)` → a connected Socket (or raises if the handshake failed);
    `await rt_connect(user, expect_refused=True)` → None after checking it was refused."""
    opened: list[WebsocketCommunicator] = []

    async def connect(
        user: Any = None,
        *,
        share: str | None = None,
        origin: bytes | None = ORIGIN,
        map_id: Any = None,
        expect_refused: bool = False,
        cookie: str | None = None,
    ) -> Any:
        path = f"/ws/maps/{map_id or rt_map.id}/"
        if share is not None:
            path += f"?share={share}"
        headers = []
        if origin is not None:
            headers.append((b"origin", origin))
        if user is not None and cookie is None:
            from channels.db import database_sync_to_async

            cookie = await database_sync_to_async(session_cookie)(user)
        if cookie is not None:  # a session key: from `user`, or given (a logged-in Client's)
            headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        communicator = WebsocketCommunicator(websocket_application, path, headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        opened.append(communicator)
        if expect_refused:
            assert not connected, "the handshake should have been refused"
            return None
        assert connected, "the handshake was refused"
        return Socket(communicator)

    yield connect
    for communicator in opened:
        try:
            await communicator.disconnect()
        except Exception:  # noqa: S110 — already closed by the test or the server
            pass


@pytest.fixture
async def rt_live_server(
    rt_layer: str, transactional_db: None, settings: Any
) -> AsyncIterator[str]:
    """The whole ASGI app (HTTP and WebSocket) served by uvicorn inside the test's event loop,
    on a free port; yields its base URL. Same process, so it sees the test database."""
    import asyncio

    import uvicorn

    from journeymap.asgi import application

    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings.WS_ALLOWED_ORIGINS = [*settings.WS_ALLOWED_ORIGINS, url]
    yield url
    server.should_exit = True
    await asyncio.wait_for(task, 10)
