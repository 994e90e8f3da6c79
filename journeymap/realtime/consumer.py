"""The socket at /ws/maps/<map_id>/ (protocol: docs/protocol.md).

A plain ASGI application rather than a Channels consumer class: Channels runs
`aclose_old_connections()` (a hop to the database thread) before every handler and gives each
socket its own channel-layer channel, and this socket needs neither — its database work goes
through `realtime.db` (which looks after old connections itself) and its patches come
from the process's hub. One socket's failure ends that socket only.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from typing import Any

from journeymap.core.errors import OpRejected
from journeymap.core.metrics import ACK_LATENCY, APPLY_OPS
from journeymap.maps.services.ops import apply_ops

from . import conf
from .access import resolve_principal, sync_frame
from .auth import Identity
from .connection import Conn
from .db import db
from .hub import get_hub
from .limits import FrameLimits
from .protocol import (
    PONG,
    PROTOCOL_VERSION,
    ClientFrame,
    FrameError,
    Hello,
    OpsFrame,
    Ping,
    PresenceFrame,
    encode,
    error_frame,
    parse_frame,
    rate_limited_frame,
    reject_frame,
    reload_required_frame,
)
from .snapshots import MEMBER, SHARE, snapshot_cache, snapshot_frame

logger = logging.getLogger(__name__)

# Batches of one socket being applied at once, at most (see _Session).
MAX_IN_FLIGHT = 32
# The frames that cost the server work, each with its own per-socket bucket (limits.py).
LIMITED: dict[type, str] = {Hello: "hello", OpsFrame: "ops", PresenceFrame: "presence"}
# Close codes (the handshake itself is refused with HTTP 403 when access is denied).
CLOSE_ACCESS_REVOKED = 4403
CLOSE_MAP_DELETED = 4404
CLOSE_TOO_MANY_SOCKETS = 4429
CLOSE_RELOAD_REQUIRED = 4426
CLOSE_SERVER_ERROR = 1011


class MapSocket:
    """ASGI app: one call per socket."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        event = await receive()
        if event["type"] != "websocket.connect":
            return
        map_id: uuid.UUID = scope["url_route"]["kwargs"]["map_id"]
        identity: Identity | None = scope.get("identity")
        principal = await db(resolve_principal)(
            map_id=map_id,
            user=scope.get("user"),
            share_link=scope.get("share_link"),
            session_key=identity.session_key if identity else None,
            session_hash=identity.session_hash if identity else None,
        )
        if principal is None:
            # Before accept: the handshake fails with 403, the same for a map that does not
            # exist and one the caller may not see.
            await send({"type": "websocket.close", "code": CLOSE_ACCESS_REVOKED})
            return
        await send({"type": "websocket.accept"})
        conn = Conn(send, client_id=uuid.uuid4().hex, principal=principal)
        hub = get_hub()
        serving: asyncio.Future[None] | None = None
        try:
            if await hub.join(conn, str(map_id)) is None:
                detail = "too many open sockets on this map for one person or share link"
                conn.reply(error_frame("too_many_sockets", detail))
                conn.end(CLOSE_TOO_MANY_SOCKETS, "too_many_sockets")
            else:
                serving = asyncio.ensure_future(_Session(conn, map_id, receive).serve())
                await asyncio.wait({serving, conn.ended}, return_when=asyncio.FIRST_COMPLETED)
                failure = (
                    serving.exception() if serving.done() and not serving.cancelled() else None
                )
                if failure is not None:
                    # A bug in the receive loop: say so in the log and close with 1011,
                    # rather than dropping the socket without a close frame.
                    raise failure
        except Exception:
            logger.exception("socket on map %s failed", map_id)
            conn.end(CLOSE_SERVER_ERROR, "server_error")
        finally:
            conn.end(None, None)  # no-op if already ended; stops fan-out to this socket
            if serving is not None:
                if not serving.done():
                    serving.cancel()
                await asyncio.gather(serving, return_exceptions=True)
            await hub.leave(conn)
        if conn.close_code is not None:
            try:
                await send(
                    {
                        "type": "websocket.close",
                        "code": conn.close_code,
                        "reason": conn.close_reason or "",
                    }
                )
            except Exception:
                logger.debug("socket already gone when closing", exc_info=True)


class _Session:
    """The receive side of one socket.

    Batches are pipelined: the next frame is read while earlier batches are still being
    applied, so one busy sender is not slowed by a round trip per batch. Order still holds —
    every database call of a process goes, in submission order, to its one database thread —
    so a client's batches are applied, and acknowledged, in the order it sent them.
    """

    def __init__(self, conn: Conn, map_id: uuid.UUID, receive: Any) -> None:
        self.conn = conn
        self.map_id = map_id
        self.receive = receive
        self.in_flight: deque[asyncio.Future[None]] = deque()
        self.limits = FrameLimits()

    async def serve(self) -> None:
        limit = conf.max_frame_bytes()
        while True:
            event = await self.receive()
            kind = event["type"]
            if kind == "websocket.disconnect":
                self.conn.end(None, None)
                return
            if kind != "websocket.receive":
                continue
            try:
                frame = parse_frame(text=event.get("text"), data=event.get("bytes"), limit=limit)
            except FrameError as error:
                self.conn.reply(error_frame(error.code, error.detail))
                continue
            if self.over_rate(frame):
                # Dropped at the cost of a parse and a small reply; never queued, so a flood
                # neither builds up in memory nor delays this socket's later frames.
                continue
            if isinstance(frame, OpsFrame):
                await self.submit(frame)
                continue
            try:
                await self.handle(frame)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("failed to handle a %s frame", type(frame).__name__)
                detail = "the server could not handle this frame; it changed nothing, retry"
                self.conn.reply(error_frame("server_error", detail))

    def over_rate(self, frame: ClientFrame) -> float:
        """Spend a token of the frame's bucket (→ 0), or answer `rate_limited`, which drops
        the frame, and return the seconds until the next token."""
        kind = LIMITED.get(type(frame))
        wait = self.limits.wait_for(kind) if kind else 0.0
        if wait and isinstance(frame, OpsFrame):
            # Every dropped batch is answered: the client must learn which op_id to re-send.
            self.conn.reply(rate_limited_frame(kind="ops", retry_after=wait, op_id=frame.op_id))
        elif wait and self.limits.should_tell(str(kind), wait):
            # Once per retry_after for the rest: a flood is not answered frame by frame.
            self.conn.reply(rate_limited_frame(kind=str(kind), retry_after=wait))
        return wait

    async def submit(self, frame: OpsFrame) -> None:
        while self.in_flight and self.in_flight[0].done():
            self.in_flight.popleft()
        if len(self.in_flight) >= MAX_IN_FLIGHT:
            # Back-pressure: a client sending faster than its batches apply waits here,
            # and the socket's receive buffer (then TCP) slows it down.
            await asyncio.wait({self.in_flight.popleft()})
        self.in_flight.append(asyncio.ensure_future(self.ops(frame)))

    async def handle(self, frame: Any) -> None:
        if isinstance(frame, Hello):
            await self.hello(frame)
        elif isinstance(frame, PresenceFrame):
            if self.conn.room is not None:
                self.conn.room.set_focus(self.conn, frame.focus)
        elif isinstance(frame, Ping):
            self.conn.reply(PONG)

    async def hello(self, frame: Hello) -> None:
        conn = self.conn
        if frame.protocol is None or frame.protocol < PROTOCOL_VERSION:
            conn.reply(reload_required_frame())
            conn.end(CLOSE_RELOAD_REQUIRED, "reload_required")
            return
        conn.begin_sync()
        you = {
            "client_id": conn.client_id,
            "role": conn.principal.role,
            "user": conn.principal.info,
            "color": conn.peer.get("color"),
        }
        share = conn.principal.is_share
        last_seq = None if share else frame.last_seq
        room = conn.room
        if last_seq is None and room is not None and room.last_seq is not None:
            # The latest batch this process fanned out, already built for someone else: the
            # answer costs no database call at all (a burst of hellos costs one build).
            kind = SHARE if share else MEMBER
            body = snapshot_cache.get(map_id=str(self.map_id), seq=room.last_seq, kind=kind)
            if body is not None:
                conn.end_sync(room.last_seq, snapshot_frame(seq=room.last_seq, body=body, you=you))
                return
        answer = await db(sync_frame)(
            map_id=self.map_id,
            last_seq=last_seq,
            window=conf.catchup_window(),
            share=share,
            you=you,
        )
        if answer is None:
            conn.reply(error_frame("map_deleted", "this map was deleted"))
            conn.end(CLOSE_MAP_DELETED, "map_deleted")
            return
        seq, text = answer
        conn.end_sync(seq, text)

    async def ops(self, frame: OpsFrame) -> None:
        received = time.perf_counter()  # this task starts as the frame is read (submit)
        conn = self.conn
        if not conn.principal.can_write:
            # Refused here, before any database call: a reader flooding ops costs no query
            # and never waits for the map's write lock. (apply_ops re-checks the role under
            # its lock, so an editor demoted since the last access poll is refused there.)
            detail = "a share link is read-only" if conn.principal.is_share else "read-only role"
            conn.reply(reject_frame(frame.op_id, "forbidden", detail))
            return
        applying = time.perf_counter()
        try:
            batch = await db(apply_ops)(
                map_id=self.map_id,
                actor=conn.principal.user,
                client_id=conn.client_id,
                op_id=frame.op_id,
                ops=frame.ops,
            )
        except OpRejected as rejected:
            conn.reply(
                reject_frame(
                    frame.op_id, rejected.code, rejected.detail, rejected.index, rejected.field
                )
            )
            return
        except Exception:
            logger.exception("apply_ops failed for map %s", self.map_id)
            detail = "the server could not apply this batch; it changed nothing, retry it"
            conn.reply(
                encode(
                    {
                        "type": "error",
                        "code": "server_error",
                        "detail": detail,
                        "op_id": frame.op_id,
                    }
                )
            )
            return
        # apply_ops returned outside any transaction, so the batch is committed: durable.
        APPLY_OPS.labels("socket").observe(time.perf_counter() - applying)
        conn.reply(encode(batch.as_ack()))
        ACK_LATENCY.observe(time.perf_counter() - received)
