"""A map's sockets in this process: patch fan-out, presence, and the access re-check."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any

from journeymap.core.metrics import LIVE_SOCKETS
from journeymap.maps.selectors import share_patch

from . import conf
from .access import poll_access, role_now, session_claim
from .connection import Conn, Message
from .db import db
from .presence import pick_color, public
from .protocol import encode, error_frame

if TYPE_CHECKING:
    from .hub import Hub

logger = logging.getLogger(__name__)

# How long a batch that arrived ahead of its predecessor waits for it. Two processes writing
# the same map publish in commit order each, but one hears its own batch at once and the
# other's a Redis round trip later; holding the early one briefly spares every client a
# catch-up. A batch really lost is released after this and clients catch up from the log.
REORDER_WAIT = 0.2
GROUP_REFRESH = 600.0


class Room:
    def __init__(self, hub: Hub, map_id: str) -> None:
        self.hub = hub
        self.map_id = map_id
        self.conns: dict[str, Conn] = {}
        # The fan-out loop iterates these tuples: rebuilt on join/leave, never copied per
        # frame. Share sockets get their own version of each patch (see _fan_out).
        self.targets: tuple[Conn, ...] = ()
        self.members: tuple[Conn, ...] = ()
        self.shares: tuple[Conn, ...] = ()
        self.per_principal: Counter[str] = Counter()
        self.last_seq: int | None = None
        self.held: dict[int, Message] = {}
        self._release: asyncio.TimerHandle | None = None
        # Presence bookkeeping: entries to write, entries to drop, colours seen last time.
        self.dirty: set[str] = set()
        self.removed: set[str] = set()
        self.peer_colors: dict[str, Any] = {}
        self.beat_due = True
        self.last_presence: str | None = None
        self.wake = asyncio.Event()
        # Loops check this too: on 3.11 a cancel that races a timeout can be swallowed.
        self.closed = False
        self.tasks = [hub.spawn(self._presence_loop()), hub.spawn(self._access_loop())]

    # --- membership --------------------------------------------------------------------------

    def admit(self, conn: Conn) -> bool:
        """Add a socket unless its principal is at its cap of sockets on this map here."""
        principal = conn.principal
        cap = (
            conf.max_sockets_per_share_link() if principal.is_share else conf.max_sockets_per_user()
        )
        if self.per_principal[principal.key] >= cap:
            return False
        self.add(conn)
        return True

    def _retarget(self) -> None:
        self.targets = tuple(self.conns.values())
        self.members = tuple(c for c in self.targets if not c.principal.is_share)
        self.shares = tuple(c for c in self.targets if c.principal.is_share)

    def add(self, conn: Conn) -> None:
        conn.room = self
        taken = {**self.peer_colors, **{c.client_id: c.peer["color"] for c in self.targets}}
        conn.peer["color"] = pick_color(conn.client_id, [c for c in taken.values() if c])
        conn.peer["since"] = time.time()
        self.conns[conn.client_id] = conn
        self.per_principal[conn.principal.key] += 1
        LIVE_SOCKETS.inc()
        self._retarget()
        self.dirty.add(conn.client_id)
        self.wake.set()

    def discard(self, conn: Conn) -> None:
        """Stop sending to a socket at once; its presence goes with the next flush."""
        if self.conns.get(conn.client_id) is conn:
            del self.conns[conn.client_id]
            self.per_principal[conn.principal.key] -= 1
            LIVE_SOCKETS.dec()
            self._retarget()
            self.removed.add(conn.client_id)
            self.dirty.discard(conn.client_id)
            self.wake.set()

    remove = discard

    # --- patches -----------------------------------------------------------------------------

    def on_patch(self, seq: int, message: Message) -> None:
        last = self.last_seq
        if last is not None:
            if seq <= last:
                return  # already delivered
            if seq > last + 1:
                self.held[seq] = message
                if self._release is None:
                    self._release = self.hub.loop.call_later(REORDER_WAIT, self._release_held)
                return
        self._fan_out(seq, message)
        while self.held and self.last_seq is not None and self.last_seq + 1 in self.held:
            next_seq = self.last_seq + 1
            self._fan_out(next_seq, self.held.pop(next_seq))
        if not self.held and self._release is not None:
            self._release.cancel()
            self._release = None

    def _release_held(self) -> None:
        self._release = None
        for seq in sorted(self.held):
            message = self.held.pop(seq)
            if self.last_seq is None or seq > self.last_seq:
                self._fan_out(seq, message)

    def _fan_out(self, seq: int, message: Message) -> None:
        self.last_seq = seq
        self._deliver(self.members, seq, message)
        if self.shares:
            # Comments, voters and actors are not for share links: their version of the
            # patch is derived once per batch here, and only when share sockets are on.
            try:
                shared = share_patch(json.loads(message["text"]))
            except Exception:
                logger.exception("could not derive the share patch of seq %s", seq)
                return
            self._deliver(self.shares, seq, {"type": "websocket.send", "text": encode(shared)})

    @staticmethod
    def _deliver(conns: tuple[Conn, ...], seq: int, message: Message) -> None:
        for conn in conns:
            try:
                conn.deliver_patch(seq, message)
            except Exception:
                logger.exception("fan-out to client %s failed", conn.client_id)

    # --- presence ----------------------------------------------------------------------------

    def set_focus(self, conn: Conn, focus: dict[str, Any] | None) -> None:
        if conn.peer.get("focus") != focus:
            conn.peer["focus"] = focus
            self.dirty.add(conn.client_id)
            self.wake.set()

    async def load_peers(self) -> None:
        try:
            peers = await self.hub.presence.peers(self.map_id)
        except Exception:
            logger.exception("could not read presence of map %s", self.map_id)
            return
        self.peer_colors = {peer["client_id"]: peer.get("color") for peer in peers}

    def wake_presence(self) -> None:
        self.wake.set()

    async def _presence_loop(self) -> None:
        # The only writer of this room's presence entries, so a heartbeat can never re-add
        # an entry a leave just removed. Sends at most one frame per PRESENCE_INTERVAL.
        interval, heartbeat = conf.presence_interval(), conf.presence_heartbeat()
        while not self.closed:
            try:
                await asyncio.wait_for(self.wake.wait(), heartbeat)
            except TimeoutError:
                self.beat_due = True
            self.wake.clear()
            try:
                await self._flush_presence()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("presence flush failed for map %s", self.map_id)
            await asyncio.sleep(interval)

    async def _flush_presence(self) -> None:
        store = self.hub.presence
        changed_here = bool(self.dirty or self.removed)
        removed, self.removed = self.removed - set(self.conns), set()
        if self.beat_due:
            self.beat_due = False
            self.dirty = set(self.conns)
        dirty, self.dirty = self.dirty, set()
        if removed:
            await store.remove(self.map_id, sorted(removed))
        updated = [self.conns[cid].peer for cid in dirty if cid in self.conns]
        if updated:
            await store.put(self.map_id, updated)
        if changed_here:
            await self.hub.notify_presence(self.map_id)
        peers = await store.peers(self.map_id)
        self.peer_colors = {peer["client_id"]: peer.get("color") for peer in peers}
        frame = encode({"type": "presence", "peers": [public(peer) for peer in peers]})
        if frame != self.last_presence:
            self.last_presence = frame
            message = {"type": "websocket.send", "text": frame}
            for conn in self.targets:
                conn.push(message)

    # --- access --------------------------------------------------------------------------------

    async def _access_loop(self) -> None:
        """Disconnect sockets whose principal lost access (membership removed, share link
        revoked or expired, map deleted): one poll per map per process, whatever the number
        of sockets, off the fan-out path. A poll catches every way access can end (REST,
        admin, shell, another process) without hooks in the code that ends it."""
        interval = conf.access_poll_interval()
        refreshed = time.monotonic()
        map_uuid = uuid.UUID(self.map_id)
        due = time.monotonic()
        while not self.closed:
            # A poll starts every `interval`, however long the last one took (a busy database
            # must not stretch the promised delay by a poll's duration), and never two at once.
            due = max(due + interval, time.monotonic())
            await asyncio.sleep(due - time.monotonic())
            targets = self.targets
            if not targets:
                continue
            claims = {}
            for conn in targets:
                key, claim = conn.principal.session_key, session_claim(conn.principal)
                if key is not None and claim is not None:
                    claims[key] = claim
            try:
                access, signed_in = await db(poll_access)(
                    map_id=map_uuid, with_shares=bool(self.shares), claims=claims
                )
            except Exception:
                logger.exception("access check failed for map %s", self.map_id)
                continue
            # The sockets this poll asked about: one that joined while it ran was checked at
            # its handshake, and a share socket among them would not be in `access.shares`.
            for conn in targets:
                role = role_now(access, conn.principal)
                session_key = conn.principal.session_key
                if role is not None and session_key is not None and session_key not in signed_in:
                    # Signed out, password changed, session expired: the socket goes with it.
                    conn.reply(error_frame("signed_out", "your session ended; sign in again"))
                    conn.end(4401, "signed_out")
                elif role is None:
                    code = "access_revoked" if access.exists else "map_deleted"
                    detail = (
                        "you no longer have access to this map"
                        if access.exists
                        else "this map was deleted"
                    )
                    conn.reply(error_frame(code, detail))
                    conn.end(4403 if access.exists else 4404, code)
                elif role != conn.principal.role:
                    conn.principal = dataclasses.replace(conn.principal, role=role)
            if time.monotonic() - refreshed > GROUP_REFRESH:
                refreshed = time.monotonic()
                await self.hub.refresh_group(self.map_id)

    async def close(self) -> None:
        self.closed = True
        for task in self.tasks:
            task.cancel()
        if self._release is not None:
            self._release.cancel()
        gone = sorted(self.removed | set(self.conns))
        try:
            if gone:
                await self.hub.presence.remove(self.map_id, gone)
                await self.hub.notify_presence(self.map_id)
        except Exception:
            logger.exception("could not clear presence of map %s", self.map_id)
