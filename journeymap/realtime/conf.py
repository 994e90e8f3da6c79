"""Limits and timings of the live layer, in one place.

The frame size, batch size and catch-up window come from `settings.py` (env-driven). The
timings below may be set in settings or, for processes started by tests and benchmarks, in the
environment; both fall back to the documented defaults (docs/protocol.md).
"""

from __future__ import annotations

import os

from django.conf import settings


def _number(name: str, default: float) -> float:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or None
    return default if value is None else float(value)


def max_frame_bytes() -> int:
    return int(settings.WS_MAX_FRAME_BYTES)


def catchup_window() -> int:
    return int(settings.CATCHUP_WINDOW)


def redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


# How often presence is sent to a map's sockets at most (seconds): 50 people moving their
# focus cost each socket at most 1 / PRESENCE_INTERVAL frames a second.
def presence_interval() -> float:
    return _number("PRESENCE_INTERVAL", 0.2)


# Each process re-stamps its sockets' presence this often; an entry not re-stamped within
# PRESENCE_TTL (a crashed process) is dropped by the next process that looks.
def presence_heartbeat() -> float:
    return _number("PRESENCE_HEARTBEAT", 5.0)


def presence_ttl() -> float:
    return _number("PRESENCE_TTL", 15.0)


# How often each process re-reads who may still see a map it has sockets on; a removed member
# or a revoked share link is disconnected within this (plus one query).
def access_poll_interval() -> float:
    return _number("ACCESS_POLL_INTERVAL", 0.5)


# Frames queued behind a send that could not complete at once (a client that stopped reading,
# under a server whose send waits for the socket buffer). Past this the socket is closed with
# 4008 and the client catches up from the op log when it reconnects.
def max_backlog() -> int:
    return int(_number("WS_MAX_BACKLOG", 2000))


def redis_prefix() -> str:
    return str(
        getattr(settings, "REALTIME_REDIS_PREFIX", None)
        or os.environ.get("REALTIME_REDIS_PREFIX", "jm")
    )


# How long the live layer's database thread keeps its connection (see realtime/db.py).
def realtime_conn_max_age() -> float:
    return _number("REALTIME_CONN_MAX_AGE", 300.0)


# Per-socket token buckets (frames per second, and the burst a socket may send at once). A
# frame over its bucket is answered `rate_limited` and dropped; the socket stays open. The
# defaults sit well above what the browser and the Python client send, so only a misbehaving
# client notices: a hello is sent on connect and on a gap, ops at typing speed (the benchmark's
# 100 batches a second per socket pass), presence on focus changes.
def rate(kind: str) -> tuple[float, float]:
    """(rate per second, burst) for `kind`: hello | ops | presence."""
    defaults = {"hello": (2.0, 10.0), "ops": (200.0, 400.0), "presence": (30.0, 100.0)}
    per_second, burst = defaults[kind]
    name = kind.upper()
    return _number(f"WS_{name}_RATE", per_second), _number(f"WS_{name}_BURST", burst)


# Sockets one principal may have open on one map in one process: several tabs for a person;
# many more for a share link, which a whole audience may hold. Over the cap a new socket gets
# `too_many_sockets` and is closed with 4429.
def max_sockets_per_user() -> int:
    return int(_number("WS_MAX_SOCKETS_PER_USER", 10))


def max_sockets_per_share_link() -> int:
    return int(_number("WS_MAX_SOCKETS_PER_SHARE_LINK", 100))


# Map documents kept encoded for snapshots (the latest seq of each map, per process).
def snapshot_cache_maps() -> int:
    return int(_number("WS_SNAPSHOT_CACHE_MAPS", 32))
