"""Per-process fan-out (docs/architecture.md, "Fan-out").

A process keeps a registry of its sockets by map (`Room`). A committed batch reaches the
process once — straight from the commit when it was made here, as one channel-layer message
per process otherwise — and is encoded once; the room then loops over its sockets handing the
same pre-encoded ASGI message to each socket's `send`. No database, no
`aclose_old_connections()` and no Task per socket on that path (see `eager`).

The database op log is the truth: a frame lost anywhere shows up as a gap in `seq`, and the
client asks to catch up.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer

from . import conf
from .connection import Conn
from .presence import MemoryPresence, PresenceStore, RedisPresence
from .room import Room

logger = logging.getLogger(__name__)


def group_name(map_id: str) -> str:
    return f"jm.map.{map_id}"


class Hub:
    """The live layer of one process (one event loop)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.thread_id = threading.get_ident()
        self.id = uuid.uuid4().hex[:16]
        self.layer: Any = get_channel_layer()
        # The in-memory layer cannot reach another process, and this process hears its own
        # batches at commit, so with it the layer is skipped entirely.
        self.shared = self.layer is not None and not isinstance(self.layer, InMemoryChannelLayer)
        url = conf.redis_url()
        self.presence: PresenceStore = (
            RedisPresence(url, prefix=conf.redis_prefix(), ttl=conf.presence_ttl())
            if url
            else MemoryPresence(ttl=conf.presence_ttl())
        )
        self.rooms: dict[str, Room] = {}
        self.channel_name: str | None = None
        self._subscribed: set[str] = set()
        self._group_locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._started = False
        self._closing = False

    # --- sockets ---------------------------------------------------------------------------

    async def join(self, conn: Conn, map_id: str) -> Room | None:
        """Register a socket; returns once this process will hear every later batch. None
        when its principal already has as many sockets on the map as it may."""
        room = self.rooms.get(map_id)
        if room is None:
            room = self.rooms[map_id] = Room(self, map_id)
            # Colours already taken on other processes, so a new peer gets a free one.
            await room.load_peers()
        if not room.admit(conn):
            if not room.conns and self.rooms.get(map_id) is room:  # a cap of 0
                del self.rooms[map_id]
                await room.close()
            return None
        await self._sync_membership(map_id)
        return room

    async def leave(self, conn: Conn) -> None:
        room = conn.room
        if room is None:
            return
        room.remove(conn)
        if not room.conns and self.rooms.get(room.map_id) is room:
            del self.rooms[room.map_id]
            await room.close()
            try:
                await self._sync_membership(room.map_id)
            except Exception:
                # Redis is away: the group entry expires by itself, and messages to it are
                # ignored here since the room is gone.
                logger.exception("could not leave the group of map %s", room.map_id)

    # --- batches -----------------------------------------------------------------------------

    def in_loop_thread(self) -> bool:
        return threading.get_ident() == self.thread_id

    def publish_batch(self, map_id: str, seq: int, frame: str) -> None:
        """A batch committed in this process (runs on the loop, right after the commit)."""
        room = self.rooms.get(map_id)
        if room is not None:
            room.on_patch(seq, {"type": "websocket.send", "text": frame})
        if self.shared:
            self._ensure_started()
            self._outbox.put_nowait(
                {"type": "jm.patch", "map": map_id, "seq": seq, "frame": frame, "origin": self.id}
            )

    async def notify_presence(self, map_id: str) -> None:
        if self.shared:
            message = {"type": "jm.presence", "map": map_id, "origin": self.id}
            await self.layer.group_send(group_name(map_id), message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if message.get("origin") == self.id:
            return  # delivered locally at commit already
        room = self.rooms.get(str(message.get("map")))
        if room is None:
            return
        kind = message.get("type")
        if kind == "jm.patch":
            room.on_patch(int(message["seq"]), {"type": "websocket.send", "text": message["frame"]})
        elif kind == "jm.presence":
            room.wake_presence()

    # --- channel layer -----------------------------------------------------------------------

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = self.loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _ensure_started(self) -> None:
        if not self._started and self.shared:
            self._started = True
            self.spawn(self._publish_loop())

    async def _channel(self) -> str:
        if self.channel_name is None:
            self.channel_name = await self.layer.new_channel(prefix="jm")
            self.spawn(self._read_loop(self.channel_name))
        return self.channel_name

    async def _sync_membership(self, map_id: str) -> None:
        """Make this process's group membership for a map match whether it has sockets
        there. Serialised per map, so a leave racing a join can never end unsubscribed."""
        if not self.shared:
            return
        self._ensure_started()
        lock = self._group_locks.setdefault(map_id, asyncio.Lock())
        async with lock:
            wanted = map_id in self.rooms
            if wanted == (map_id in self._subscribed):
                return
            channel = await self._channel()
            if wanted:
                await self.layer.group_add(group_name(map_id), channel)
                self._subscribed.add(map_id)
            else:
                await self.layer.group_discard(group_name(map_id), channel)
                self._subscribed.discard(map_id)

    async def refresh_group(self, map_id: str) -> None:
        """Re-add the membership (layers expire group entries after `group_expiry`)."""
        if self.shared and map_id in self._subscribed:
            await self.layer.group_add(group_name(map_id), await self._channel())

    async def _read_loop(self, channel: str) -> None:
        while not self._closing:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                if self._closing:
                    # A cancel racing a Redis read timeout can surface as TimeoutError.
                    return
                # Redis went away: retry; memberships may have been lost with it.
                logger.exception("channel layer receive failed; retrying")
                await asyncio.sleep(1)
                for map_id in list(self._subscribed):
                    try:
                        await self.refresh_group(map_id)
                    except Exception:
                        logger.warning("could not re-join the group of map %s", map_id)
                continue
            try:
                self._dispatch(message)
            except Exception:
                logger.exception("failed to fan out a layer message")

    async def _publish_loop(self) -> None:
        # One sender, so the other processes receive this process's batches in commit order.
        while not self._closing:
            message = await self._outbox.get()
            try:
                await self.layer.group_send(group_name(message["map"]), message)
            except Exception:
                logger.exception(
                    "could not publish batch %s of map %s", message["seq"], message["map"]
                )

    async def shutdown(self) -> None:
        for room in list(self.rooms.values()):
            for conn in list(room.conns.values()):
                conn.end(1001, None)
            await room.close()
        self.rooms.clear()
        for map_id in list(self._subscribed):
            await self._sync_membership(map_id)
        self._closing = True
        for _attempt in range(3):
            tasks = list(self._tasks)
            if not tasks:
                break
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=1)
        await self.presence.close()


_hub: Hub | None = None


def get_hub() -> Hub:
    """This process's hub, bound to the running loop (tests run one loop per test)."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop:
        _hub = Hub(loop)
    return _hub


def active_hub() -> Hub | None:
    """The hub, if its loop is still running (callable from any thread)."""
    hub = _hub
    if hub is None or hub.loop.is_closed() or not hub.loop.is_running():
        return None
    return hub


async def shutdown_hub() -> None:
    global _hub
    hub, _hub = _hub, None
    if hub is not None and hub.loop is asyncio.get_running_loop():
        await hub.shutdown()
