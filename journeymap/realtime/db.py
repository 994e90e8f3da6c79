"""The live layer's hop to the database thread.

Channels' `database_sync_to_async` closes the thread's connection after every call when
CONN_MAX_AGE is 0 (this project's default), so each batch from a socket would open a new
database connection: measured here, an `apply_ops` costs ~10 ms on a kept PostgreSQL
connection and ~29 ms with a new one, which caps a process at ~35 batches a second. All of a
process's socket work runs in one database thread, so that thread keeps its connection for
REALTIME_CONN_MAX_AGE seconds instead, with a health check before each use and Django's usual
checks (errors, autocommit) after it. Set REALTIME_CONN_MAX_AGE=0 to get Channels' behaviour.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import SyncToAsync
from django.db import connections

from . import conf

P = ParamSpec("P")
R = TypeVar("R")


def _recycle() -> None:
    max_age = conf.realtime_conn_max_age()
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is not None:
            opened = conn.__dict__.get("_realtime_opened")
            if opened is None or opened[0] is not raw:
                opened = (raw, now)
                conn.__dict__["_realtime_opened"] = opened
            conn.close_at = opened[1] + max_age
            # Verify the kept connection before the next query (one round trip), so a
            # database restart costs a reconnect, not a failed batch.
            conn.health_check_enabled = True  # type: ignore[attr-defined]
        conn.close_if_unusable_or_obsolete()


class _RealtimeSyncToAsync(SyncToAsync):
    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        _recycle()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _recycle()


def db(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run `func` in the process's database thread (the one thread-sensitive thread)."""
    return _RealtimeSyncToAsync(func, thread_sensitive=True)
