"""Revocation ends live access within a second, on every server process: removing a member
(DELETE /api/workspaces/<id>/members/<id>/), revoking a share link (DELETE
/api/share-links/<id>/) and signing out (POST /api/auth/logout/) close exactly the affected
sockets with the documented error and close code, leave everyone else's open, and the same
credentials cannot open a new socket.

The bound is the protocol's promise (docs/protocol.md, "Losing access while connected": a poll
every ACCESS_POLL_INTERVAL = 0.5 s), checked at the default interval; the figures are printed.
Once in process (memory and Redis layers) and once across two daphne processes on PostgreSQL
and Redis (skipped without them; REQUIRE_SERVICES=1 makes that a failure)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

from journeymap.realtime import conf, testing
from journeymap.workspaces.models import Membership, ShareLink
from tests.realtime.rt_helpers import Closed, Socket, running, shared_services_env

BOUND = 1.0  # seconds: "within a second" (docs/protocol.md)


async def _closing(sock: Socket) -> tuple[float, int | None, str | None]:
    """Read until the server closes: (when, close code, the last error frame's code)."""
    error = None
    while True:
        try:
            frame = await sock.frame(timeout=30)
        except Closed as closed:
            return asyncio.get_running_loop().time(), closed.code, error
        if frame["type"] == "error":
            error = frame["code"]


async def _pong(sock: Socket) -> None:
    await sock.send({"type": "ping"})
    assert (await sock.expect("pong")) == {"type": "pong"}


def _signed_in(user: Any) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, client.cookies[django_settings.SESSION_COOKIE_NAME].value


async def _ends_within_bound(
    label: str,
    action: Callable[[], Any],
    affected: list[Socket],
    error: str,
    code: int,
) -> float:
    loop = asyncio.get_running_loop()
    watchers = [asyncio.ensure_future(_closing(sock)) for sock in affected]
    started = loop.time()
    await database_sync_to_async(action)()
    done = loop.time()
    ends = await asyncio.gather(*watchers)
    assert [(end[1], end[2]) for end in ends] == [(code, error)] * len(affected), ends
    return _report(label, len(affected), code, started, done, max(end[0] for end in ends))


def _report(label: str, sockets: int, code: int, started: float, done: float, last: float) -> float:
    """Print the figures and check the bound. Access ends when the action commits, just
    before its response: the delay is counted from the response. The request's own time
    (printed too: on a loaded machine a request can take a second) is not the protocol's."""
    delay = last - done
    print(
        f"\n{label}: {sockets} sockets closed {code} {delay * 1000:.0f} ms after the response"
        f" ({(last - started) * 1000:.0f} ms after the request was sent)"
    )
    assert delay < BOUND, f"{label}: the sockets closed {delay:.2f} s after the action"
    return delay


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("rt_layer")
async def test_removal_revocation_and_logout_end_live_access_within_a_second(
    rt_connect, rt_map, rt_owner, rt_editor, rt_viewer, rt_share_token, rt_workspace
):
    assert conf.access_poll_interval() == 0.5  # the documented default, not a test's speed-up
    make = database_sync_to_async
    revoked_token = rt_share_token
    link = await make(ShareLink.objects.get)(map=rt_map)
    kept_token = secrets.token_urlsafe(32)
    await make(ShareLink.objects.create)(
        map=rt_map,
        label="kept",
        token_hash=hashlib.sha256(kept_token.encode()).hexdigest(),
        created_by=rt_owner,
    )
    viewer_client, ended_session = await make(_signed_in)(rt_viewer)
    _other_client, kept_session = await make(_signed_in)(rt_viewer)
    editor_cookie = (await make(_signed_in)(rt_editor))[1]

    removed = [await rt_connect(rt_editor, cookie=editor_cookie) for _ in range(2)]
    guests = [await rt_connect(share=revoked_token) for _ in range(2)]
    signed_out = [await rt_connect(rt_viewer, cookie=ended_session) for _ in range(2)]
    others = [
        await rt_connect(rt_owner),
        await rt_connect(share=kept_token),
        await rt_connect(rt_viewer, cookie=kept_session),  # the same person, another session
    ]
    for sock in (*removed, *guests, *signed_out, *others):
        await sock.hello(None)

    owner_api = APIClient()
    owner_api.force_authenticate(rt_owner)
    # The first request of a process loads the URLconf and every view module: not part of
    # what is measured.
    assert (await make(owner_api.get)("/api/auth/me/")).status_code == 200
    membership = await make(Membership.objects.get)(workspace=rt_workspace, user=rt_editor)

    def remove_member() -> None:
        url = f"/api/workspaces/{rt_workspace.id}/members/{membership.id}/"
        assert owner_api.delete(url).status_code == 204

    def revoke_link() -> None:
        assert owner_api.delete(f"/api/share-links/{link.id}/").status_code == 204

    def log_out() -> None:
        assert viewer_client.post("/api/auth/logout/").status_code == 204

    await _ends_within_bound("member removed", remove_member, removed, "access_revoked", 4403)
    await _ends_within_bound("share link revoked", revoke_link, guests, "access_revoked", 4403)
    await _ends_within_bound("signed out", log_out, signed_out, "signed_out", 4401)
    for sock in others:
        await _pong(sock)
    # The same credentials open nothing any more; the untouched ones still do.
    await rt_connect(cookie=editor_cookie, expect_refused=True)
    await rt_connect(share=revoked_token, expect_refused=True)
    await rt_connect(cookie=ended_session, expect_refused=True)
    assert (await (await rt_connect(cookie=kept_session)).hello(None))["you"]["role"] == "viewer"


# --- two server processes ---------------------------------------------------------------------


_SEED = """
import json, django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from journeymap.realtime.testing import seed_map
from journeymap.workspaces.access import share_link_for_token
from journeymap.workspaces.models import Membership

seeded = seed_map(editors=4, shares=2)
owner, removed, signed_out, _bystander = seeded["users"]
Membership.objects.filter(user_id=owner).update(role="owner")
user = get_user_model().objects.get(pk=signed_out)
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.save()
membership = Membership.objects.get(user_id=removed)
print("SEED" + json.dumps({
    **seeded,
    "workspace": str(membership.workspace_id),
    "membership": str(membership.id),
    "links": [str(share_link_for_token(token).id) for token in seeded["share_tokens"]],
    "kept_session": store.session_key,
}))
"""


def _seed(env: dict[str, str]) -> dict[str, Any]:
    output = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", _SEED],
        cwd=testing.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("SEED"))
    return dict(json.loads(line[4:]))


@pytest.fixture(scope="module")
def two_servers() -> Iterator[dict[str, Any]]:
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        # Its servers use a database of their own on PostgreSQL whatever the suite runs on:
        # once, in the PostgreSQL suite, is enough.
        pytest.skip("runs in the PostgreSQL suite (DATABASE_URL=postgres://…)")
    with shared_services_env() as env:
        env.pop("ACCESS_POLL_INTERVAL", None)  # the documented default
        # The servers boot while the map is seeded, and load their views side by side.
        with running([testing.Server("daphne", env), testing.Server("daphne", env)]) as servers:
            seeded = _seed(env)
            with ThreadPoolExecutor(len(servers)) as pool:
                list(pool.map(lambda server: _warm_up(server.wait_ready().url), servers))
            yield {"servers": servers, **seeded}


def _warm_up(base_url: str) -> None:
    """A process loads the URLconf and every view module on its first request: before the
    measured ones."""
    try:
        urllib.request.urlopen(base_url + "/api/auth/me/", timeout=60).close()  # noqa: S310
    except urllib.error.HTTPError:
        pass  # 403 to a visitor: loaded all the same


def _request(base_url: str, method: str, path: str, session: str) -> int:
    """A signed-in request as the browser makes it: session cookie, CSRF cookie and header."""
    csrf = secrets.token_hex(16)
    cookies = f"{django_settings.SESSION_COOKIE_NAME}={session}; csrftoken={csrf}"
    headers = {"Cookie": cookies, "X-CSRFToken": csrf, "Origin": base_url}
    request = urllib.request.Request(  # noqa: S310 — our own test server
        base_url + path, data=b"" if method == "POST" else None, headers=headers, method=method
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return int(response.status)


@dataclass
class Live:
    """A socket on a server process, read in the background."""

    ws: Any
    frames: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    ended: asyncio.Future[tuple[float, int | None, str | None]] | None = None
    error: str | None = None

    async def read(self) -> tuple[float, int | None, str | None]:
        from websockets.exceptions import ConnectionClosed

        try:
            async for message in self.ws:
                frame = json.loads(message)
                if frame["type"] == "error":
                    self.error = frame["code"]
                await self.frames.put(frame)
        except ConnectionClosed:
            pass
        return asyncio.get_running_loop().time(), self.ws.close_code, self.error

    async def expect(self, kind: str) -> dict[str, Any]:
        while True:
            frame = await asyncio.wait_for(self.frames.get(), 10)
            if frame["type"] == kind:
                return frame


async def _live(base_url: str, map_id: str, *, session: str = "", share: str = "") -> Live:
    from websockets.asyncio.client import connect

    url = base_url.replace("http", "ws", 1) + f"/ws/maps/{map_id}/"
    url += f"?share={share}" if share else ""
    headers = {"Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}"} if session else {}
    ws = await connect(
        url, origin=base_url, additional_headers=headers, open_timeout=10, proxy=None
    )
    live = Live(ws)
    live.ended = asyncio.ensure_future(live.read())
    await ws.send(json.dumps({"type": "hello", "last_seq": None, "protocol": 2}))
    await live.expect("snapshot")
    return live


async def _refused(base_url: str, map_id: str, **credentials: str) -> bool:
    from websockets.exceptions import InvalidStatus

    try:
        live = await _live(base_url, map_id, **credentials)
    except InvalidStatus as refused:
        return bool(refused.response.status_code == 403)
    await live.ws.close()
    return False


async def _ends_on_every_process(
    label: str, action: Callable[[], Awaitable[int]], affected: list[Live], error: str, code: int
) -> float:
    started = asyncio.get_running_loop().time()
    assert await action() == 204
    done = asyncio.get_running_loop().time()
    ends = [await asyncio.wait_for(live.ended, 30) for live in affected if live.ended]
    assert [(end[1], end[2]) for end in ends] == [(code, error)] * len(affected), ends
    last = max(end[0] for end in ends)
    return _report(f"{label} (2 processes)", len(ends), code, started, done, last)


@pytest.mark.postgres
@pytest.mark.redis
async def test_revocation_reaches_every_process_within_a_second(two_servers):
    first, second = two_servers["servers"]
    map_id, sessions = two_servers["map"], two_servers["sessions"]
    revoked_share, kept_share = two_servers["share_tokens"]
    owner, removed, signed_out, bystander = sessions
    kept_session = two_servers["kept_session"]
    urls = (first.url, second.url)

    async def on_both(**credentials: str) -> list[Live]:
        return [await _live(url, map_id, **credentials) for url in urls]

    removed_sockets = await on_both(session=removed)
    guest_sockets = await on_both(share=revoked_share)
    signed_out_sockets = await on_both(session=signed_out)
    unaffected = [
        *await on_both(session=owner),
        await _live(second.url, map_id, session=bystander),
        *await on_both(share=kept_share),
        *await on_both(session=kept_session),
    ]

    def http(server: testing.Server, method: str, path: str, session: str) -> Any:
        return lambda: asyncio.to_thread(_request, server.url, method, path, session)

    try:
        members = f"/api/workspaces/{two_servers['workspace']}/members/"
        await _ends_on_every_process(
            "member removed",
            http(first, "DELETE", members + two_servers["membership"] + "/", owner),
            removed_sockets,
            "access_revoked",
            4403,
        )
        link = two_servers["links"][0]
        await _ends_on_every_process(
            "share link revoked",
            http(second, "DELETE", f"/api/share-links/{link}/", owner),
            guest_sockets,
            "access_revoked",
            4403,
        )
        await _ends_on_every_process(
            "signed out",
            http(first, "POST", "/api/auth/logout/", signed_out),
            signed_out_sockets,
            "signed_out",
            4401,
        )
        for live in unaffected:
            assert live.ended is not None and not live.ended.done()
            await live.ws.send('{"type":"ping"}')
            await live.expect("pong")
        for url in urls:
            assert await _refused(url, map_id, session=removed)
            assert await _refused(url, map_id, share=revoked_share)
            assert await _refused(url, map_id, session=signed_out)
            assert not await _refused(url, map_id, session=kept_session)
    finally:
        for live in [*removed_sockets, *guest_sockets, *signed_out_sockets, *unaffected]:
            await live.ws.close()
