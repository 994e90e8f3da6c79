"""How far a running import has got, kept in the cache under the caller's own token, so
that the browser can poll it while the upload request is still being answered."""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache

from .rows import Progress

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _key(user_id: Any, token: str) -> str:
    # The user is part of the key: a token guessed by someone else reads nothing.
    return f"journeymap:customer-import:{user_id}:{token}"


def import_progress_reporter(
    *, user_id: Any, token: str | None, streams: dict[str, Any], sizes: dict[str, int]
) -> Progress | None:
    """A callback for the import that records the phase, the rows read and the share of
    the bytes read (from the position in the uploaded file), or None without a token."""
    if not token:
        return None
    key = _key(user_id, token)
    total = sum(sizes.values()) or 1
    order = list(streams)

    def report(phase: str, rows: int) -> None:
        if phase == "done":
            cache.delete(key)
            return
        done = 0
        for name in order:
            if name == phase:
                done += _position(streams[name], sizes[name])
                break
            done += sizes[name]
        cache.set(
            key, {"phase": phase, "rows": rows, "fraction": min(1.0, done / total)}, timeout=3600
        )

    report(order[0], 0)
    return report


def _position(stream: Any, size: int) -> int:
    raw = getattr(getattr(stream, "buffer", None), "tell", None)
    try:
        return min(size, int(raw())) if raw is not None else 0
    except (OSError, ValueError):
        return 0


def read_import_progress(*, user_id: Any, token: str) -> dict[str, Any] | None:
    if not _TOKEN.match(token or ""):
        return None
    value = cache.get(_key(user_id, token))
    return dict(value) if value is not None else None
