"""Snapshots built once per (map, seq) and shared by every socket that asks.

A snapshot is the whole map; building one costs the database a fixed 16 queries and the
process an encode as big as the map. Twenty people opening a board at once, or a client
asking over and over, should cost one build. So the encoded document of each map's latest
seq is kept here, one for members and one for share links (they differ), and only the small
per-socket part of the frame (`you`) is encoded per answer and spliced in.

Content is versioned by `seq`, so an entry for the right seq is the right content. The
workspace directory in a document (persona names, channel colours) changes without a seq,
so entries also expire after a few seconds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from . import conf
from .protocol import PROTOCOL_VERSION, encode

MEMBER, SHARE = "member", "share"
MAX_AGE = 2.0  # seconds a cached document may lag the workspace directory


class SnapshotCache:
    """Per process: the latest seq of the most recently used maps. Read from the event loop
    and written from the database thread, hence the lock (held for dict operations only)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[int, float, dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, *, map_id: str, seq: int, kind: str) -> str | None:
        with self._lock:
            entry = self._entries.get(map_id)
            if entry is None or entry[0] != seq or time.monotonic() - entry[1] > MAX_AGE:
                return None
            self._entries.move_to_end(map_id)
            return entry[2].get(kind)

    def put(self, *, map_id: str, seq: int, kind: str, body: str) -> None:
        size = conf.snapshot_cache_maps()
        if size <= 0:
            return  # caching turned off
        with self._lock:
            entry = self._entries.get(map_id)
            now = time.monotonic()
            if entry is not None and entry[0] > seq:
                return  # a newer seq is cached already; keep it
            if entry is None or entry[0] != seq or now - entry[1] > MAX_AGE:
                entry = (seq, now, {})
                self._entries[map_id] = entry
            entry[2][kind] = body
            self._entries.move_to_end(map_id)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


snapshot_cache = SnapshotCache()


def snapshot_frame(*, seq: int, body: str, you: dict[str, Any]) -> str:
    """A `snapshot` frame around an already encoded map document."""
    head = f'{{"type":"snapshot","seq":{seq},"protocol":{PROTOCOL_VERSION}'
    return f'{head},"you":{encode(you)},"map":{body}}}'
