"""Is a socket's session still signed in? Checked by the access poll, for all of a map's
session sockets at once.

A socket authenticates once, from the session cookie, and then lives for hours. Signing out
deletes the session, and a password change makes the session's auth hash stop verifying
(Django's `get_user` rule); either must end the socket too. `django.contrib.auth.get_user`
would answer per socket with two queries each, and it flushes a session that fails the check
— a side effect a read-only poll must not have — so the same rules are applied here to every
session of a map at once: one query for the sessions, one for their users' passwords. The
verdict for a session as stored is remembered, keyed by everything it depends on (the stored
text, the claim, the password, the secrets), so a poll that finds nothing changed decodes
nothing and computes no HMAC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.utils import timezone
from django.utils.crypto import constant_time_compare


@dataclass(frozen=True)
class SessionClaim:
    """What a socket signed in with: its user and the auth hash the session had then."""

    user_id: str
    auth_hash: str | None


def _session_rows(keys: list[str]) -> dict[str, str | dict[str, Any]]:
    """Each live session's stored text (db engines), or its decoded data (other engines)."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if issubclass(store_class, DbSessionStore):  # db and cached_db: one query for them all
        model = store_class.get_model_class()
        rows = model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        return dict(rows.values_list("session_key", "session_data"))
    # Other engines (cache, signed cookies) have no batch read; each load is a cache hit.
    data: dict[str, str | dict[str, Any]] = {}
    for key in keys:
        loaded = store_class(key).load()
        if loaded:
            data[key] = loaded
    return data


def _verifies(user: Any, session_hash: Any) -> bool:
    if not isinstance(session_hash, str) or not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )


def _signs_in(session: Mapping[str, Any], claim: SessionClaim, password: str) -> bool:
    """Django's `get_user` rules for one session, against the user's current password."""
    # An unsaved instance carrying the stored password is all the auth-hash methods read.
    user = get_user_model()(pk=claim.user_id, password=password)
    return (
        str(session.get(SESSION_KEY)) == claim.user_id
        and session.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
        and _verifies(user, session.get(HASH_SESSION_KEY))
        and _verifies(user, claim.auth_hash)
    )


@lru_cache(maxsize=8192)
def _stored_session_signs_in(
    stored: str, claim: SessionClaim, password: str, secrets: tuple[Any, ...]
) -> bool:
    """`_signs_in` for a session as stored, remembered: the answer depends only on the
    arguments, and they rarely change between two polls, while decoding a session and
    computing three HMACs cost ~40 µs — most of a 50-socket poll before this cache."""
    del secrets  # part of the cache key: decoding and the auth hashes depend on them
    session = import_module(settings.SESSION_ENGINE).SessionStore().decode(stored)
    return _signs_in(session, claim, password)


def live_sessions(*, claims: Mapping[str, SessionClaim]) -> frozenset[str]:
    """The session keys among `claims` that still sign their user in: the session exists,
    is unexpired, names the same user and backend, and its auth hash verifies against the
    user's current password (as does the hash the socket connected with)."""
    if not claims:
        return frozenset()
    rows = _session_rows(sorted(claims))
    user_ids = {claims[key].user_id for key in rows}
    passwords = {
        str(pk): password
        for pk, password in get_user_model()
        ._default_manager.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", "password")
    }
    secrets = (
        settings.SECRET_KEY,
        tuple(settings.SECRET_KEY_FALLBACKS),
        tuple(settings.AUTHENTICATION_BACKENDS),
        settings.SESSION_ENGINE,
    )
    alive = set()
    for key, stored in rows.items():
        claim = claims[key]
        password = passwords.get(claim.user_id)
        if password is None:
            continue
        if isinstance(stored, str):
            verdict = _stored_session_signs_in(stored, claim, password, secrets)
        else:
            verdict = _signs_in(stored, claim, password)
        if verdict:
            alive.add(key)
    return frozenset(alive)
