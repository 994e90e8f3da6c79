"""Signing out ends live access: a socket closes within a second of a logout, of its user
being deactivated, and of a password change — and other people's sockets stay open."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
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


def test_a_poll_that_finds_nothing_changed_decodes_no_session(rt_editor, rt_owner, monkeypatch):
    """The verdict per stored session is remembered, so the 0.5 s poll costs its two queries
    and no decoding; any change to what it depends on is decided afresh."""
    claims = {}
    for user in (rt_editor, rt_owner):
        _client, key = signed_in(user)
        claims[key] = SessionClaim(user_id=str(user.pk), auth_hash=user.get_session_auth_hash())
    assert live_sessions(claims=claims) == frozenset(claims)

    decoded: list[str] = []
    real_decode = SessionStore.decode

    def counting_decode(self: Any, session_data: str) -> Any:
        decoded.append(session_data)
        return real_decode(self, session_data)

    monkeypatch.setattr(SessionStore, "decode", counting_decode)
    assert live_sessions(claims=claims) == frozenset(claims)
    assert decoded == []

    # A changed password is a new key: the remembered "signed in" no longer applies.
    user = get_user_model().objects.get(pk=rt_editor.pk)
    user.set_password("another secret entirely")
    user.save()
    assert live_sessions(claims=claims) == frozenset(claims) - {
        key for key, claim in claims.items() if claim.user_id == str(rt_editor.pk)
    }
    assert len(decoded) == 1


def test_a_rotated_secret_key_is_decided_afresh(rt_editor, settings):
    _client, key = signed_in(rt_editor)
    claims = {
        key: SessionClaim(user_id=str(rt_editor.pk), auth_hash=rt_editor.get_session_auth_hash())
    }
    assert live_sessions(claims=claims) == {key}
    # Sessions signed with the old key stop verifying once it is neither the key nor a
    # fallback; a remembered verdict must not outlive the key it was computed with.
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "y" * 40
    assert live_sessions(claims=claims) == frozenset()
