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
from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from journeymap.core import sql


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
        key_column, data_column, expires = (sql.column(model, name) for name in _SESSION_COLUMNS)
        marks = ", ".join(["%s"] * len(keys))
        now = sql.field(model, "expire_date").get_db_prep_value(timezone.now(), connection)
        statement = (
            f"SELECT {key_column}, {data_column} "  # noqa: S608 (names from _meta, values are parameters)
            f"FROM {sql.table(model)} WHERE {key_column} IN ({marks}) AND {expires} > %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [*keys, now])
            return {str(row[0]): str(row[1]) for row in cursor.fetchall()}
    # Other engines (cache, signed cookies) have no batch read; each load is a cache hit.
    loaded_data: dict[str, str | dict[str, Any]] = {}
    for key in keys:
        loaded = store_class(key).load()
        if loaded:
            loaded_data[key] = loaded
    return loaded_data


# Written as SQL, as the write path's fixed statements are (maps/services/writelock.py): the
# queryset compiler spent more CPU building these two than the database took to run them,
# in the database thread the map's edits wait on. Names come from _meta.
_SESSION_COLUMNS = ("session_key", "session_data", "expire_date")


def _active_passwords(user_ids: list[str]) -> dict[str, str]:
    """The password hash of each active user among `user_ids`."""
    if not user_ids:
        return {}
    people: Any = get_user_model()
    key = people._meta.pk
    pk, password, active = (
        sql.column(people, name) for name in (key.name, "password", "is_active")
    )
    marks = ", ".join(["%s"] * len(user_ids))
    statement = (
        f"SELECT {pk}, {password} FROM {sql.table(people)} "  # noqa: S608 (as above)
        f"WHERE {pk} IN ({marks}) AND {active} = %s"
    )
    params = [key.get_db_prep_value(user_id, connection) for user_id in user_ids]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, True])
        return {str(row[0]): str(row[1]) for row in cursor.fetchall()}


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
    passwords = _active_passwords(sorted(user_ids))
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
