"""Signing out ends live access: a socket closes within a second of a logout, of its user
being deactivated, and of a password change — and other people's sockets stay open."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from journeymap.realtime.sessions import SessionClaim, live_sessions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rt_layer")]


def signed_in(user: Any) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, client.cookies[django_settings.SESSION_COOKIE_NAME].value


async def open_pair(rt_connect: Any, editor: Any, owner: Any) -> tuple[Client, Any, Any]:
    client, cookie = await database_sync_to_async(signed_in)(editor)
    sock = await rt_connect(editor, cookie=cookie)
    bystander = await rt_connect(owner)
    await sock.hello(None)
    await bystander.hello(None)
    return client, sock, bystander


async def ends_within_a_second(sock: Any, code: str, close: int) -> None:
    started = asyncio.get_running_loop().time()
    error = await sock.expect("error", timeout=2)
    assert error["code"] == code
    assert await sock.closed(timeout=1) == close
    assert asyncio.get_running_loop().time() - started < 1.0


async def still_open(sock: Any) -> None:
    await sock.send({"type": "ping"})
    assert (await sock.expect("pong")) == {"type": "pong"}


async def test_logout_closes_the_sessions_sockets(rt_connect, rt_editor, rt_owner):
    client, sock, bystander = await open_pair(rt_connect, rt_editor, rt_owner)
    response = await database_sync_to_async(client.post)("/api/auth/logout/")
    assert response.status_code == 204
    await ends_within_a_second(sock, "signed_out", 4401)
    await still_open(bystander)


async def test_deactivating_a_user_closes_their_sockets(rt_connect, rt_editor, rt_owner):
    _client, sock, bystander = await open_pair(rt_connect, rt_editor, rt_owner)
    await database_sync_to_async(get_user_model().objects.filter(pk=rt_editor.pk).update)(
        is_active=False
    )
    await ends_within_a_second(sock, "access_revoked", 4403)
    await still_open(bystander)


async def test_a_password_change_closes_the_sessions_sockets(rt_connect, rt_editor, rt_owner):
    _client, sock, bystander = await open_pair(rt_connect, rt_editor, rt_owner)

    def change_password() -> None:
        user = get_user_model().objects.get(pk=rt_editor.pk)
        user.set_password("a whole new secret")
        user.save()

    await database_sync_to_async(change_password)()
    await ends_within_a_second(sock, "signed_out", 4401)
    await still_open(bystander)


def test_sessions_are_checked_in_two_queries_however_many(
    rt_editor, rt_owner, rt_viewer, django_assert_num_queries
):
    people = [rt_editor, rt_owner, rt_viewer]
    claims = {}
    for user in people:
        for _tab in range(3):
            _client, key = signed_in(user)
            claims[key] = SessionClaim(user_id=str(user.pk), auth_hash=user.get_session_auth_hash())
    claims["no-such-session"] = SessionClaim(user_id=str(rt_editor.pk), auth_hash=None)
    with django_assert_num_queries(2):
        alive = live_sessions(claims=claims)
    assert alive == frozenset(claims) - {"no-such-session"}
