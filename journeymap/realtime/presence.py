"""Who is on a map, with a colour each and what each is focused on.

Presence lives outside the op log: in Redis when REDIS_URL is set (shared by every process),
in this process's memory otherwise. Each entry carries the time it was last stamped; every
process re-writes its own sockets' entries on a heartbeat, so the entries of a process that
died without saying goodbye are dropped once they are older than PRESENCE_TTL.
"""

from __future__ import annotations

import json
import time
import zlib
from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol

# Twelve colours that stay distinguishable from each other on a projector, each with dark or
# white text on it at 4.5:1 or better (the avatars carry initials).
PALETTE = (
    "#d41645",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42a5b3",
    "#f032e6",
    "#9a6324",
    "#469990",
    "#800000",
    "#6d6d00",  # olive, dark enough for white text (WCAG AA)
    "#000075",
)


def pick_color(client_id: str, taken: Iterable[str]) -> str:
    """The least-used colour on the map; ties broken by the client id, so it is stable."""
    used = Counter(taken)
    start = zlib.crc32(client_id.encode()) % len(PALETTE)
    ordered = PALETTE[start:] + PALETTE[:start]
    return min(ordered, key=lambda color: used[color])


def peer_sort_key(peer: dict[str, Any]) -> tuple[float, str]:
    return (peer.get("since", 0.0), peer.get("client_id", ""))


def public(peer: dict[str, Any]) -> dict[str, Any]:
    return {key: peer.get(key) for key in ("client_id", "user", "color", "focus")}


class PresenceStore(Protocol):
    async def put(self, map_id: str, peers: list[dict[str, Any]]) -> None: ...
    async def remove(self, map_id: str, client_ids: list[str]) -> None: ...
    async def peers(self, map_id: str) -> list[dict[str, Any]]: ...
    async def close(self) -> None: ...


class MemoryPresence:
    """One process's presence: entries keyed by map, then by client id."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.maps: dict[str, dict[str, tuple[float, dict[str, Any]]]] = {}

    async def put(self, map_id: str, peers: list[dict[str, Any]]) -> None:
        entries = self.maps.setdefault(map_id, {})
        now = time.time()
        for peer in peers:
            entries[peer["client_id"]] = (now, peer)

    async def remove(self, map_id: str, client_ids: list[str]) -> None:
        entries = self.maps.get(map_id, {})
        for client_id in client_ids:
            entries.pop(client_id, None)
        if not entries:
            self.maps.pop(map_id, None)

    async def peers(self, map_id: str) -> list[dict[str, Any]]:
        entries = self.maps.get(map_id, {})
        cutoff = time.time() - self.ttl
        for client_id in [cid for cid, (seen, _) in entries.items() if seen < cutoff]:
            del entries[client_id]
        return sorted((peer for _, peer in entries.values()), key=peer_sort_key)

    async def close(self) -> None:
        self.maps.clear()


# Drop stale entries and read the rest in one atomic step, so two processes pruning at once
# never resurrect or half-delete an entry.
_PRUNE_AND_READ = """
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if #stale > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
  redis.call('HDEL', KEYS[1], unpack(stale))
end
return redis.call('HVALS', KEYS[1])
"""


class RedisPresence:
    """Presence shared by every process: a hash of entries and a sorted set of stamps."""

    def __init__(self, url: str, *, prefix: str, ttl: float) -> None:
        import redis.asyncio as redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self.ttl = ttl
        self.keep = max(int(ttl * 4), 60)  # whole keys of abandoned maps expire too
        self.prune_and_read = self.redis.register_script(_PRUNE_AND_READ)

    def _keys(self, map_id: str) -> tuple[str, str]:
        base = f"{self.prefix}:presence:{map_id}"
        return base, base + ":seen"

    async def put(self, map_id: str, peers: list[dict[str, Any]]) -> None:
        if not peers:
            return
        entries, seen = self._keys(map_id)
        now = time.time()
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(entries, mapping={p["client_id"]: json.dumps(p) for p in peers})
            pipe.zadd(seen, {p["client_id"]: now for p in peers})
            pipe.expire(entries, self.keep)
            pipe.expire(seen, self.keep)
            await pipe.execute()

    async def remove(self, map_id: str, client_ids: list[str]) -> None:
        if not client_ids:
            return
        entries, seen = self._keys(map_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hdel(entries, *client_ids)
            pipe.zrem(seen, *client_ids)
            await pipe.execute()

    async def peers(self, map_id: str) -> list[dict[str, Any]]:
        cutoff = time.time() - self.ttl
        values = await self.prune_and_read(keys=list(self._keys(map_id)), args=[cutoff])
        return sorted((json.loads(value) for value in values), key=peer_sort_key)

    async def close(self) -> None:
        await self.redis.aclose()
